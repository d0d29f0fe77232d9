"""How much the chapter's objective depends on the machine, by learning rate.

Trains the same trials (learning rates x seeds, 8 epochs, the full data) under emulated
machines, each in a fresh process: torch's instruction set (ATEN_CPU_CAPABILITY) crossed
with 1 and 3 threads, next to this machine as it is. Then, on this machine, the same trials
on data with one pixel changed in its last bit, a rounding difference as small as any
machine makes. It prints, per learning rate, how far the errors stray from this machine's:
below the chaotic regime nothing moves; above it, the spread is what a tolerance must cover.
Usage: python bench/machine_spread.py  (about 10 minutes on 2 cores)
"""
import dataclasses
import json
import os
import subprocess
import sys

LEARNING_RATES = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0]
SEEDS = [0, 1, 2]
SETTINGS = [{}] + [{"ATEN_CPU_CAPABILITY": isa, "OMP_NUM_THREADS": threads}
                   for isa in ["default", "avx2", ""] for threads in ["1", "3"]]
NUDGES = 6  # runs with one pixel of one training image changed in its last bit


def errors(nudge):
    import numpy as np
    import torch
    if "OMP_NUM_THREADS" in os.environ:  # torch caps it at the number of cores
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    from hpobook.batched import softmax_validation_errors
    from hpobook.data import load_fashion_mnist
    data = load_fashion_mnist()
    if nudge:
        X = data.X_train.clone()
        X.view(-1)[nudge * 7919 + 300].nextafter_(torch.tensor(2.0))  # one ulp up
        data = dataclasses.replace(data, X_train=X)
    lrs = np.repeat(LEARNING_RATES, len(SEEDS))
    seeds = np.tile(SEEDS, len(LEARNING_RATES))
    return {"capability": torch.backends.cpu.get_cpu_capability(),
            "threads": torch.get_num_threads(),
            "errors": softmax_validation_errors(lrs, seeds, data).errors.tolist()}


def child(env=None, nudge=0):
    env = {**os.environ, **{k: v for k, v in (env or {}).items() if v}}
    out = subprocess.run([sys.executable, __file__, "--child", str(nudge)], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def main():
    import numpy as np
    runs = [child(s) for s in SETTINGS]
    runs += [dict(child(nudge=n), capability="nudged") for n in range(1, NUDGES + 1)]
    reference = np.array(runs[0]["errors"]).reshape(len(LEARNING_RATES), len(SEEDS))
    print("runs: " + ", ".join(f"{r['capability']}/{r['threads']}" for r in runs))
    print("lr      this machine's errors (seeds)      trials that moved  largest move  "
          "range of a trial")
    for i, lr in enumerate(LEARNING_RATES):
        table = np.array([np.reshape(r["errors"], reference.shape)[i] for r in runs])
        moved = (np.abs(table - reference[i]) > 1e-9).any(0).sum()
        print(f"{lr:<6}  {' '.join(f'{e:.4f}' for e in reference[i]):32s}  "
              f"{moved}/{len(SEEDS)}{'':15s}{np.abs(table - reference[i]).max():.4f}        "
              f"{np.ptp(table, 0).max():.4f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(errors(int(sys.argv[2]))))
    else:
        main()
