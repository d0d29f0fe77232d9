"""The committed outputs hold on other machines. The notebooks whose results come from chaotic
training runs are executed again as other CPUs would compute them (torch's instruction set and
thread count) and compared as nbval compares them on this machine: exactly, except the values
marked ``≈``, which must lie within their tolerance (see conftest.py).

Two emulated machines, each unlike this one in its instruction set and its thread count: the
portable kernels with one thread (the setting that moves values most) and AVX2 with three
threads; nbval itself covers this machine's own kernels with its two threads. They run side by
side: their single trials and d2l's runs take one thread each, so they share the two cores
well (98 s; three machines, with AVX2 on one thread and own kernels on three, took 149 s). The
rest of the suite does not run beside them: a notebook whose batched trials shared the cores
with them ran 10 times slower."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["notebooks/objective.ipynb", "notebooks/random_search.ipynb"]
SETTINGS = [("default", 1), ("avx2", 3)]


def start(isa, threads, folder):
    """pytest on NOTEBOOKS in a subprocess that computes as the emulated machine would."""
    # torch caps OMP_NUM_THREADS at the number of cores: the kernels set it themselves
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "threads.py").write_text(f"import torch\ntorch.set_num_threads({threads})\n")
    env = {**os.environ, "ATEN_CPU_CAPABILITY": isa, "OMP_NUM_THREADS": str(threads),
           "IPYTHONDIR": str(folder)}
    with open(folder / "output.txt", "w") as output:  # a file: a pipe left unread would block
        return subprocess.Popen([sys.executable, "-m", "pytest", "-q", "--tb=short", *NOTEBOOKS],
                                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def emulated(tmp_path_factory):
    """Starts every setting's run; ``emulated(setting)`` waits for its exit status and output."""
    folders = {setting: tmp_path_factory.mktemp("emulated") for setting in SETTINGS}
    runs = {setting: start(*setting, folder) for setting, folder in folders.items()}

    def result(setting):
        returncode = runs[setting].wait(timeout=900)
        return returncode, (folders[setting] / "output.txt").read_text()

    yield result
    for run in runs.values():
        if run.poll() is None:
            run.kill()
            run.wait()


@pytest.mark.parametrize("isa, threads", SETTINGS,
                         ids=[f"{isa}-{threads}threads" for isa, threads in SETTINGS])
def test_notebook_outputs_hold_on_an_emulated_machine(isa, threads, emulated):
    returncode, output = emulated((isa, threads))
    lines = output.splitlines()
    assert returncode == 0, "\n".join(
        [f"under ATEN_CPU_CAPABILITY={isa}, OMP_NUM_THREADS={threads}:"]
        + [line for line in lines if "committed" in line or line.startswith("FAILED")][:40]
        + lines[-1:])
