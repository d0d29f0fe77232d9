import json

import pytest

from hpobook.batched import softmax_validation_errors
from hpobook.persist import TrialLog, resumable_random_search
from hpobook.space import LEARNING_RATE_SPACE


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
