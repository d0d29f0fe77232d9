"""Small Ray Tune searches, run by tests/test_ray.py on its cluster (RAY_ADDRESS), inside a
network namespace that has only loopback. Prints one JSON line with what the test checks."""
import json
import os
import sys
from pathlib import Path

from ray import tune

from hpobook.distributed import connect, tune_trials
from hpobook.space import SearchSpace, Hyperparameter

SPACE = SearchSpace([Hyperparameter("learning_rate", "float", 1e-3, 1, log=True)])


def trainable(config):
    """The batched objective for one trial on a small subset; it records each execution
    and fails once in the trial named by ``fail_once``, as an interrupted run would."""
    import ray
    from hpobook.batched import softmax_validation_errors
    from hpobook.data import load_fashion_mnist
    runs = Path(config["log_dir"])
    (runs / f"{config['trial']}-{os.getpid()}-{len(list(runs.iterdir()))}").touch()
    flag = runs.parent / "failed-once"
    if config["trial"] == config.get("fail_once") and not flag.exists():
        flag.touch()
        raise RuntimeError("interrupted")
    data = load_fashion_mnist().head(1000, 500)
    error = softmax_validation_errors([config["learning_rate"]], seeds=[config["trial"]],
                                      data=data, max_epochs=1).errors[0]
    tune.report({"error": float(error), "node": ray.get_runtime_context().get_node_id()})


def tuner(storage, log_dir, num_trials, fail_once=None):
    param_space = {**SPACE.to_ray(), "trial": tune.grid_search(list(range(num_trials))),
                   "log_dir": str(log_dir), "fail_once": fail_once}
    return tune.Tuner(
        tune.with_resources(trainable, {"cpu": 1}), param_space=param_space,
        tune_config=tune.TuneConfig(metric="error", mode="min", max_concurrent_trials=2),
        run_config=tune.RunConfig(name="search", storage_path=str(storage), verbose=0))


def summary(results, log_dir):
    runs = [p.name.split("-")[0] for p in Path(log_dir).iterdir()]
    frame = results.get_dataframe()
    return {"trials": sorted(int(t) for t in frame["config/trial"]),
            "errors": [r.error is not None for r in results],
            "nodes": sorted(set(frame["node"].dropna())),
            "runs": {t: runs.count(t) for t in sorted(set(runs))},
            "best": results.get_best_result().config["learning_rate"]}


def main(mode, storage):
    import ray
    storage = Path(storage)
    log_dir = storage / "runs"
    log_dir.mkdir(parents=True, exist_ok=True)
    connect()  # RAY_ADDRESS
    if mode == "two-nodes":
        out = summary(tuner(storage, log_dir, 4).fit(), log_dir)
        out["cluster_nodes"] = len([n for n in ray.nodes() if n["Alive"]])
    else:  # restore: the first run loses trial 2, Tuner.restore finishes the experiment
        first = tuner(storage, log_dir, 4, fail_once=2).fit()
        out = {"first_errors": sum(r.error is not None for r in first)}
        try:
            tune_trials(first, metric="error")
        except ValueError as exc:
            out["tune_trials_refusal"] = str(exc)
        restored = tune.Tuner.restore(str(storage / "search"), tune.with_resources(trainable, {"cpu": 1}),
                                      resume_errored=True)
        out.update(summary(restored.fit(), log_dir))
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
