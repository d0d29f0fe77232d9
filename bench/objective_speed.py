"""Speed of the chapter's objective, measured side by side on this machine.

(a) the chapter's objective as written (d2l.FashionMNIST: PIL transforms, 4 workers), 1 epoch;
(b) the same objective on hpobook's in-memory tensors, 1 epoch;
(c) the batched objective, K trials x 8 epochs, each trial with its own seed;
(f) the batched objective, trials that share a seed (L learning rates x S seeds x 8 epochs):
    each seed's minibatch is gathered once per step, and its trials' logits and updates are
    one matrix product each;
(d) growing a cached random search from 5 to 6 trials (the notebook slider's step);
(e) the same step once the slider's background thread has trained ahead (what a reader who
    pauses between moves waits for).
Each case runs in a fresh process so that its peak memory is its own. Against the hardware,
both limits measured in the same run with torch's threads: the float32 GEMM rate (a 4096 x 4096
matmul), against which each case's two matrix products per step are rated (forward logits and
weight gradient: 2 x 2 x N x 785 x 10 floating-point operations per trial-epoch); and the rate
at which the trainer's gather copies minibatch rows (random rows of the padded training images
into a 1 MiB buffer), which bounds each case by the bytes it gathers: N x 800 floats per epoch
for each seed. "limit" is the larger of the two times, "of limit" the share of it reached.
Usage: python bench/objective_speed.py
"""
import contextlib
import io
import json
import math
import resource
import subprocess
import sys
import time

BATCHED = [1, 5, 20, 50, 64]
SHARED = [(64, 1), (16, 4)]  # learning rates x seeds
EPOCHS = 8
NUM_CLASSES = 10
COLUMNS = 800  # 784 pixels, the bias's 1, zeros (hpobook.batched.PAD)


def chapter_objective(data, learning_rate=0.1, max_epochs=1):
    """The chapter's objective, line for line, with the data passed in."""
    from d2l import torch as d2l
    trainer = d2l.HPOTrainer(max_epochs=max_epochs)
    model = d2l.SoftmaxRegression(num_outputs=10, lr=learning_rate)
    with contextlib.redirect_stdout(io.StringIO()):  # ProgressBoard's display calls
        trainer.fit(model=model, data=data)
    return trainer.validation_error().detach().numpy()


def gemm_peak(size=4096, repeats=10):
    """This machine's float32 matrix-multiply rate in GFLOP/s (best of ``repeats``)."""
    import torch
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm up
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size ** 3 / best / 1e9


def gather_rate(repeats=20):
    """GB/s at which random rows of the padded training images are gathered into a 1 MiB
    buffer, as the trainer gathers its minibatches (best of ``repeats`` passes over the data)."""
    import torch
    from hpobook.batched import CHUNK_FLOATS, _with_ones
    from hpobook.data import load_fashion_mnist
    X = _with_ones(load_fashion_mnist().X_train, torch.device("cpu"))
    rows = CHUNK_FLOATS // X.shape[1]
    order = torch.randperm(len(X) // rows * rows).view(-1, rows)
    out = torch.empty(rows, X.shape[1])
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for index in order:
            torch.index_select(X, 0, index, out=out)
        best = min(best, time.perf_counter() - start)
    return order.numel() * X.shape[1] * 4 / best / 1e9


def run_case(case):
    """Time one case; return (seconds, trial-epochs, training images per epoch)."""
    import numpy as np
    from hpobook.batched import softmax_validation_errors
    from hpobook.data import chapter_fashion_mnist, load_fashion_mnist
    from hpobook.objective import TensorFashionMNIST
    from hpobook.search import CachedRandomSearch
    num_train = len(load_fashion_mnist().y_train)
    if case == "a":
        data = chapter_fashion_mnist(batch_size=16, held_out=False)  # as written: 60,000 images
        start = time.perf_counter()
        chapter_objective(data)
        return time.perf_counter() - start, 1, len(data.train)
    if case == "b":
        data = TensorFashionMNIST(batch_size=16)
        start = time.perf_counter()
        chapter_objective(data)
        return time.perf_counter() - start, 1, num_train
    if case in "de":
        search = CachedRandomSearch(seed=0)
        search.run(5)
        if case == "e":
            search.run_ahead(6).join()
        start = time.perf_counter()
        search.run(6)
        return time.perf_counter() - start, EPOCHS, num_train
    if "x" in case:  # L learning rates x S seeds
        num_lrs, num_seeds = map(int, case.split("x"))
        lrs = np.tile(np.geomspace(0.005, 0.1, num_lrs), num_seeds)
        seeds = np.repeat(np.arange(num_seeds), num_lrs)
    else:
        lrs = np.random.RandomState(0).uniform(0.005, 0.1, size=int(case))
        seeds = np.arange(len(lrs))
    start = time.perf_counter()
    softmax_validation_errors(lrs, seeds=seeds, max_epochs=EPOCHS)
    return time.perf_counter() - start, len(lrs) * EPOCHS, num_train


def measure(case):
    out = subprocess.run([sys.executable, __file__, "--case", case], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    labels = {"a": "(a) chapter as written, 1 trial x 1 epoch",
              "b": "(b) chapter on in-memory tensors, 1 x 1",
              "d": "(d) slider: search from 5 to 6 trials",
              "e": "(e) the same, after training ahead"}
    labels.update({str(k): f"(c) batched, {k} trials x {EPOCHS} epochs" for k in BATCHED})
    labels.update({f"{l}x{s}": f"(f) {l} rates x {s} seed{'s' * (s > 1)} x {EPOCHS} epochs"
                   for l, s in SHARED})
    peak, bandwidth = gemm_peak(), gather_rate()
    cases = ["a", "b", *map(str, BATCHED), *(f"{l}x{s}" for l, s in SHARED), "d", "e"]
    results = {case: measure(case) for case in cases}
    per_a = results["a"]["seconds"] / results["a"]["trial_epochs"]
    per_b = results["b"]["seconds"] / results["b"]["trial_epochs"]
    print(f"float32 GEMM peak of this machine (4096 x 4096 matmul): {peak:.0f} GFLOP/s")
    print(f"gather rate (random rows into a 1 MiB buffer): {bandwidth:.1f} GB/s\n")
    print(f"{'case':46s} {'seconds':>8s} {'s/trial-epoch':>14s} {'vs (a)':>8s} {'vs (b)':>8s} "
          f"{'GFLOP/s':>8s} {'of peak':>8s} {'limit s':>8s} {'bound by':>8s} {'of limit':>8s} "
          f"{'peak MB':>8s}")
    for case, r in results.items():
        if case in "de":  # a wait, not a rate
            print(f"{labels[case]:46s} {r['seconds']:8.3f} {'':95s} {r['peak_mb']:8.0f}")
            continue
        per = r["seconds"] / r["trial_epochs"]
        flops = 4 * r["num_train"] * 785 * NUM_CLASSES * r["trial_epochs"]
        rate = flops / r["seconds"] / 1e9
        if case in "ab":
            limit = ""
        else:  # the bytes each seed's minibatches take to gather, against the GEMM's time
            seeds = int(case.split("x")[1]) if "x" in case else int(case)
            gathered = seeds * EPOCHS * r["num_train"] * COLUMNS * 4
            times = {"GEMM": flops / peak / 1e9, "gather": gathered / bandwidth / 1e9}
            bound = max(times, key=times.get)
            limit = f"{times[bound]:8.2f} {bound:>8s} {times[bound] / r['seconds']:8.1%}"
        print(f"{labels[case]:46s} {r['seconds']:8.2f} {per:14.4f} {per_a / per:7.0f}x "
              f"{per_b / per:7.1f}x {rate:8.1f} {rate / peak:8.1%} {limit:26s} "
              f"{r['peak_mb']:8.0f}")
    chapter_search = 5 * EPOCHS * per_a
    print(f"\nThe chapter's search (5 trials x {EPOCHS} epochs) as written, extrapolated from (a): "
          f"{chapter_search:.0f} s; batched: {results['5']['seconds']:.1f} s "
          f"({chapter_search / results['5']['seconds']:.0f}x faster).")
    print(f"Trials sharing a seed: 64 x 1 seed {results['64']['seconds'] / results['64x1']['seconds']:.1f}x "
          f"faster than 64 seeds.")


if __name__ == "__main__":
    if "--case" in sys.argv:
        seconds, trial_epochs, num_train = run_case(sys.argv[sys.argv.index("--case") + 1])
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "trial_epochs": trial_epochs, "num_train": num_train,
                          "peak_mb": peak_mb}))
    else:
        main()
