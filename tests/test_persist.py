import json

import numpy as np
import pytest

from hpobook.batched import softmax_validation_errors
from hpobook.persist import TrialLog, resumable_random_search
from hpobook.space import MLP_SPACE, ConfigSpace, Hyperparameter

LEARNING_RATE_SPACE = ConfigSpace([Hyperparameter("learning_rate", "float", 1e-4, 1, log=True)])


class Interrupt(Exception):
    pass


def objective_that_stops_at(stop, calls):
    def objective(config, trial):
        if trial == stop:
            raise Interrupt  # as Ctrl-C or a killed kernel would, in the middle of a search
        calls.append(trial)
        return config["learning_rate"] * 2  # any deterministic function of the config
    return objective


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_interrupted_search_resumes_without_repeating_trials(tmp_path):
    path, calls = tmp_path / "trials.jsonl", []
    with pytest.raises(Interrupt):
        resumable_random_search(objective_that_stops_at(3, calls), LEARNING_RATE_SPACE, 8, path)
    assert calls == [0, 1, 2] and [r["trial"] for r in lines(path)] == [0, 1, 2]
    records = resumable_random_search(objective_that_stops_at(None, calls), LEARNING_RATE_SPACE, 8, path)
    assert calls == [0, 1, 2, 3, 4, 5, 6, 7]  # each trial ran exactly once
    assert sorted(r["trial"] for r in lines(path)) == list(range(8))
    fresh = resumable_random_search(objective_that_stops_at(None, []), LEARNING_RATE_SPACE, 8,
                                    tmp_path / "uninterrupted.jsonl")
    assert records == fresh  # same configurations and results as a run never interrupted


def test_truncated_last_line_is_dropped_and_that_trial_rerun(tmp_path):
    path, calls = tmp_path / "trials.jsonl", []
    resumable_random_search(objective_that_stops_at(None, calls), LEARNING_RATE_SPACE, 4, path)
    text = path.read_text()
    path.write_text(text[:-20])  # the last write was cut short
    with pytest.warns(UserWarning, match="trials.jsonl:4: dropping an incomplete last record"):
        records = resumable_random_search(objective_that_stops_at(None, calls), LEARNING_RATE_SPACE, 4, path)
    assert calls == [0, 1, 2, 3, 3]
    assert path.read_text() == text and [r["trial"] for r in records] == [0, 1, 2, 3]


def test_corruption_before_the_last_line_is_an_error(tmp_path):
    path = tmp_path / "trials.jsonl"
    resumable_random_search(objective_that_stops_at(None, []), LEARNING_RATE_SPACE, 3, path)
    rows = path.read_text().splitlines()
    rows[1] = rows[1][:10]
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ValueError, match="trials.jsonl:2: corrupted trial record"):
        TrialLog(path).load()


def test_another_seed_in_the_file_is_refused(tmp_path):
    path = tmp_path / "trials.jsonl"
    resumable_random_search(objective_that_stops_at(None, []), LEARNING_RATE_SPACE, 2, path, seed=0)
    with pytest.raises(ValueError, match="seed 0, not 1"):
        resumable_random_search(objective_that_stops_at(None, []), LEARNING_RATE_SPACE, 2, path, seed=1)


def test_resumes_a_real_search(tmp_path, subset):
    def objective(config, trial):
        return softmax_validation_errors([config["learning_rate"]], seeds=[trial], data=subset,
                                         max_epochs=1).errors[0]

    path = tmp_path / "trials.jsonl"
    first = resumable_random_search(objective, LEARNING_RATE_SPACE, 2, path)
    both = resumable_random_search(objective, LEARNING_RATE_SPACE, 3, path)
    assert both[:2] == first and len(lines(path)) == 3
    assert all(0 < r["error"] < 0.9 and 1e-4 <= r["config"]["learning_rate"] <= 1 for r in both)


@pytest.fixture(scope="module")
def scipy_samples():
    rng = np.random.default_rng(0)
    return {name: (dist.rvs(size=20000, random_state=rng) if hasattr(dist, "rvs") else dist)
            for name, dist in MLP_SPACE.to_scipy().items()}


def test_scipy_translation_keeps_bounds_types_and_scales(scipy_samples):
    assert scipy_samples["activation"] == ["tanh", "relu"]
    for name, low, high in [("batch_size", 8, 256), ("num_units", 32, 1024), ("num_layers", 1, 6)]:
        values = scipy_samples[name]
        assert np.issubdtype(values.dtype, np.integer)
        assert values.min() == low and values.max() == high  # inclusive, as the table says
    lr = np.log10(scipy_samples["learning_rate"])
    assert lr.min() >= -6 and lr.max() <= -1
    assert np.allclose(np.histogram(lr, bins=[-6, -5, -4, -3, -2, -1])[0] / len(lr), 0.2, atol=0.015)
    assert abs(np.median(scipy_samples["momentum"]) - 0.495) < 0.02
    assert np.allclose(np.bincount(scipy_samples["num_layers"])[1:] / 20000, 1 / 6, atol=0.015)


def test_scipy_log_integers_match_our_sampler(scipy_samples):
    rng = np.random.default_rng(2)
    ours = np.array([MLP_SPACE["batch_size"].sample(rng) for _ in range(20000)])
    theirs = scipy_samples["batch_size"]
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        assert abs(np.log(np.quantile(ours, q)) - np.log(np.quantile(theirs, q))) < 0.08
