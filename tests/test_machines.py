"""The committed outputs hold on other machines. The notebooks whose results come from chaotic
training runs are executed again as other CPUs would compute them (torch's instruction set,
crossed with the thread count) and compared as nbval compares them on this machine: exactly,
except the values marked ``≈``, which must lie within their tolerance (see conftest.py)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["notebooks/objective.ipynb", "notebooks/random_search.ipynb"]
SETTINGS = [(isa, threads) for isa in ["default", "avx2", None] for threads in ["1", "3"]]


@pytest.mark.parametrize("isa, threads", SETTINGS,
                         ids=[f"{isa or 'own'}-{threads}threads" for isa, threads in SETTINGS])
def test_notebook_outputs_hold_on_an_emulated_machine(isa, threads, tmp_path):
    # torch caps OMP_NUM_THREADS at the number of cores: the kernels set it themselves
    startup = tmp_path / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "threads.py").write_text(f"import torch\ntorch.set_num_threads({threads})\n")
    env = {**os.environ, "OMP_NUM_THREADS": threads, "IPYTHONDIR": str(tmp_path)}
    if isa:
        env["ATEN_CPU_CAPABILITY"] = isa
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--tb=short", *NOTEBOOKS],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    lines = run.stdout.splitlines()
    assert run.returncode == 0, "\n".join(
        [f"under ATEN_CPU_CAPABILITY={isa or '(this machine)'}, OMP_NUM_THREADS={threads}:"]
        + [line for line in lines if "committed" in line or line.startswith("FAILED")][:40]
        + lines[-1:])
