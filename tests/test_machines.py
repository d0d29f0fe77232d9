"""The committed outputs hold on other machines. The notebooks whose results come from chaotic
training runs are executed again as other CPUs would compute them (torch's instruction set and
thread count) and compared as nbval compares them on this machine: exactly, except the values
marked ``≈``, which must lie within their tolerance (see conftest.py).

Two emulated machines, each unlike this one in its instruction set and its thread count: the
portable kernels with one thread (the setting that moves values most) and AVX2 with three
threads; nbval itself covers this machine's own kernels, with one thread in `make test`'s
workers or torch's default. Each is a test of its own, which `make test` runs in a worker
beside the other tests: their single trials and d2l's runs take one thread."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["notebooks/objective.ipynb", "notebooks/random_search.ipynb"]
SETTINGS = [("default", 1), ("avx2", 3)]


def emulate(isa, threads, folder):
    """pytest on NOTEBOOKS in a subprocess that computes as the emulated machine would."""
    # torch caps OMP_NUM_THREADS at the number of cores: the kernels set it themselves
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "threads.py").write_text(f"import torch\ntorch.set_num_threads({threads})\n")
    env = {**os.environ, "ATEN_CPU_CAPABILITY": isa, "OMP_NUM_THREADS": str(threads),
           "IPYTHONDIR": str(folder)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "--tb=short", *NOTEBOOKS],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("isa, threads", SETTINGS,
                         ids=[f"{isa}-{threads}threads" for isa, threads in SETTINGS])
def test_notebook_outputs_hold_on_an_emulated_machine(isa, threads, tmp_path):
    run = emulate(isa, threads, tmp_path)
    lines = run.stdout.splitlines()
    assert run.returncode == 0, "\n".join(
        [f"under ATEN_CPU_CAPABILITY={isa}, OMP_NUM_THREADS={threads}:"]
        + [line for line in lines if "committed" in line or line.startswith("FAILED")][:40]
        + lines[-1:] + run.stderr.splitlines()[-5:])
