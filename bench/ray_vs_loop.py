"""Ray Tune against our own loop: the same 20-trial random search (learning rate and seed
drawn by Tune), measured side by side in one process on this machine.

(1) our loop, one trial at a time, with torch's default threads and with one thread;
(2) our loop, all trials side by side (batched);
(3) Ray Tune, one trial per core, reusing worker processes (as the notebook) and not;
    with ray.init's start-up and the time spent inside the trials.
Run it where Ray stays on loopback: tools/loopback-only .venv/bin/python bench/ray_vs_loop.py
"""
import contextlib
import io
import os
import tempfile
import time

import numpy as np
import ray
import torch
from ray import tune

from hpobook.batched import softmax_validation_errors
from hpobook.data import load_fashion_mnist
from hpobook.distributed import tune_objective
from hpobook.space import LEARNING_RATE_SPACE

NUM_TRIALS = 20


def ray_search(data, storage, reuse_actors):
    """Seconds for Tuner.fit, the sum of the trials' own times, and the trials' frame."""
    tuner = tune.Tuner(
        tune.with_resources(tune.with_parameters(tune_objective, data=data), {"cpu": 1}),
        param_space={**LEARNING_RATE_SPACE.to_ray(), "seed": tune.randint(0, 2**31 - 1)},
        tune_config=tune.TuneConfig(
            metric="validation_error", mode="min", num_samples=NUM_TRIALS,
            max_concurrent_trials=os.cpu_count(), reuse_actors=reuse_actors,
            search_alg=tune.search.BasicVariantGenerator(random_state=0)),
        run_config=tune.RunConfig(storage_path=storage, verbose=0))
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # Tune's banner, printed even at verbose=0
        results = tuner.fit()
    seconds = time.perf_counter() - start
    frame = results.get_dataframe().sort_values("trial_id")
    return seconds, frame["time_total_s"].sum(), frame


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def main():
    data = load_fashion_mnist()
    softmax_validation_errors([0.1], data=data, max_epochs=1)  # warm caches, as a notebook is
    start = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")
    init_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as storage:
        ray_reuse, inside_reuse, frame = ray_search(data, storage, reuse_actors=True)
        ray_fresh, inside_fresh, _ = ray_search(data, storage, reuse_actors=False)
    ray.shutdown()
    lrs, seeds = frame["config/learning_rate"].to_numpy(), frame["config/seed"].to_numpy()

    def one_at_a_time():
        return [softmax_validation_errors([lr], seeds=[s], data=data).errors[0]
                for lr, s in zip(lrs, seeds)]

    threads = torch.get_num_threads()
    loop, errors = timed(one_at_a_time)
    torch.set_num_threads(1)
    loop_one_thread, _ = timed(one_at_a_time)
    torch.set_num_threads(threads)
    batched, batched_result = timed(lambda: softmax_validation_errors(lrs, seeds=seeds, data=data))
    same = np.array_equal(errors, frame["validation_error"]) and \
        np.array_equal(batched_result.errors, frame["validation_error"])

    print(f"{NUM_TRIALS} trials x 8 epochs, {os.cpu_count()} cores, same errors everywhere: {same}")
    print(f"ray.init: {init_seconds:.1f} s (not counted below)")
    rows = [(f"Ray Tune, reuse_actors=True ({inside_reuse:.1f} s inside trials)", ray_reuse),
            (f"Ray Tune, reuse_actors=False ({inside_fresh:.1f} s inside trials)", ray_fresh),
            (f"our loop, one at a time, {threads} threads", loop),
            ("our loop, one at a time, 1 thread", loop_one_thread),
            ("our loop, side by side (batched)", batched)]
    print(f"{'':58} {'seconds':>8} {'per trial':>10} {'vs Ray':>7}")
    for name, seconds in rows:
        print(f"{name:58} {seconds:8.1f} {seconds / NUM_TRIALS:10.2f} {seconds / ray_reuse:6.2f}x")


if __name__ == "__main__":
    main()
