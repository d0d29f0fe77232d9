"""The committed outputs hold on other machines. The notebooks are executed again as other CPUs
would compute them and compared as nbval compares them on this machine: exactly, except the
values marked ``†``, which must lie within their tolerance (see tests/nbcompare.py).

* **The audit**, every notebook: torch's portable kernels (``default``, the instruction set that
  moves values most) with one thread, on data whose first training, validation and test images
  each have one pixel changed in its last bit. That changes nothing but round-off, so a printed
  digit that is round-off (a relative difference of 1e-10, a largest difference of 0.0000)
  moves, and fails with its notebook, cell, line and both values, before another vendor's CPU
  finds it. It must be shown as a bound, or marked and compared with a tolerance.
* AVX2 with three threads, the random search (its 30 trials hold the most chaotic values).

nbval itself covers this machine's own kernels, with one thread in `make test`'s workers or
torch's default. Each notebook on each machine is a test of its own, which `make test` runs in a
worker beside the other tests."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVERY = ["exercises", "scaling_out", "batched", "objective", "random_search",
         "configuration_space"]
MACHINES = {("default", 1, True): EVERY, ("avx2", 3, False): ["random_search"]}
CASES = [(isa, threads, nudged, name) for (isa, threads, nudged), names in MACHINES.items()
         for name in names]
# Loaded by every kernel: torch caps OMP_NUM_THREADS at the number of cores, so the kernels
# set their threads themselves; the nudge wraps the loader, which the notebooks import after.
THREADS = "import torch\ntorch.set_num_threads({threads})\n"
NUDGE = '''
import dataclasses, functools, torch
import hpobook.data

def _nudged(load):
    @functools.lru_cache(maxsize=2)
    def nudged(folder):
        data = load(folder)
        sets = {name: getattr(data, name).clone() for name in ("X_train", "X_val", "X_test")}
        for X in sets.values():  # the brightest pixel of the first image, one bit lower
            pixels = X[0].view(-1)
            top = pixels.argmax()
            pixels[top] = pixels[top].nextafter(torch.tensor(0.0))
        return dataclasses.replace(data, **sets)
    return nudged

hpobook.data._load = _nudged(hpobook.data._load)
'''


def emulate(isa, threads, nudged, notebook, folder):
    """pytest on ``notebook`` in a subprocess that computes as the emulated machine would."""
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "machine.py").write_text(THREADS.format(threads=threads) + (NUDGE if nudged else ""))
    env = {**os.environ, "ATEN_CPU_CAPABILITY": isa, "OMP_NUM_THREADS": str(threads),
           "IPYTHONDIR": str(folder)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "--tb=short",
                           f"notebooks/{notebook}.ipynb"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("isa, threads, nudged, notebook", CASES, ids=[
    f"{name}-{isa}-{threads}thread{'s' * (threads > 1)}{'-nudged' * nudged}"
    for isa, threads, nudged, name in CASES])
def test_notebook_outputs_hold_on_an_emulated_machine(isa, threads, nudged, notebook, tmp_path):
    if notebook == "scaling_out" and [name for _, name in socket.if_nameindex()] != ["lo"]:
        pytest.skip("starts Ray, which must stay on loopback (see conftest.py)")
    run = emulate(isa, threads, nudged, notebook, tmp_path)
    lines = run.stdout.splitlines()
    assert run.returncode == 0, "\n".join(
        [f"under ATEN_CPU_CAPABILITY={isa}, OMP_NUM_THREADS={threads}"
         + ", one pixel of each set nudged in its last bit" * nudged + ":"]
        + [line for line in lines if "committed" in line or line.startswith("FAILED")][:40]
        + lines[-1:] + run.stderr.splitlines()[-5:])
