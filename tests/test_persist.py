import json

import pytest

from hpobook.batched import softmax_validation_errors
from hpobook.persist import resumable_random_search
from hpobook.space import LEARNING_RATE_SPACE, SearchSpace, Hyperparameter


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
    """The trial records of a log (its first line describes the search)."""
    return [json.loads(line) for line in path.read_text().splitlines()[1:]]


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
    with pytest.warns(UserWarning, match="trials.jsonl:5: dropping an incomplete last record"):
        records = resumable_random_search(objective_that_stops_at(None, calls), LEARNING_RATE_SPACE, 4, path)
    assert calls == [0, 1, 2, 3, 3]
    assert path.read_text() == text and [r["trial"] for r in records] == [0, 1, 2, 3]


def test_corruption_before_the_last_line_is_an_error(tmp_path):
    path = tmp_path / "trials.jsonl"
    resumable_random_search(objective_that_stops_at(None, []), LEARNING_RATE_SPACE, 3, path)
    rows = path.read_text().splitlines()
    rows[2] = rows[2][:10]
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ValueError, match="trials.jsonl:3: corrupted trial record"):
        resumable_random_search(objective_that_stops_at(None, []), LEARNING_RATE_SPACE, 3, path)


def test_a_record_that_lost_its_newline_is_kept_and_the_log_stays_valid(tmp_path):
    """A crash between writing a record and its newline: resuming keeps that trial, and
    appends the next ones on lines of their own."""
    path, calls = tmp_path / "trials.jsonl", []
    resumable_random_search(objective_that_stops_at(None, calls), LEARNING_RATE_SPACE, 2, path)
    path.write_text(path.read_text().removesuffix("\n"))
    resumable_random_search(objective_that_stops_at(None, calls), LEARNING_RATE_SPACE, 4, path)
    again = resumable_random_search(objective_that_stops_at(None, calls), LEARNING_RATE_SPACE, 4, path)
    assert calls == [0, 1, 2, 3]  # nothing ran twice, nothing was lost
    assert [r["trial"] for r in lines(path)] == [0, 1, 2, 3] and [r["trial"] for r in again] == [0, 1, 2, 3]


ANOTHER_SPACE = SearchSpace([Hyperparameter("learning_rate", "float", 1e-3, 1, log=True)])


def other_objective(config, trial):
    return 0.5


@pytest.mark.parametrize("change, differs", [
    (dict(seed=1), "seed: the log has 0, this search has 1"),
    (dict(space=ANOTHER_SPACE), "space: the log has"),
    (dict(settings={"max_epochs": 4}), "settings: the log has {'max_epochs': 8}, this search has {'max_epochs': 4}"),
    (dict(objective=other_objective), f"objective: the log has '{__name__}.objective_that_stops_at.<locals>.objective'"),
])
def test_a_log_of_another_search_is_refused_and_left_as_it_was(tmp_path, change, differs):
    path = tmp_path / "trials.jsonl"
    first = dict(objective=objective_that_stops_at(None, []), space=LEARNING_RATE_SPACE,
                 num_trials=2, path=path, seed=0, settings={"max_epochs": 8})
    resumable_random_search(**first)
    text = path.read_text()
    with pytest.raises(ValueError, match="holds the trials of another search") as info:
        resumable_random_search(**{**first, "num_trials": 3, **change})
    assert differs in str(info.value) and path.read_text() == text


def test_a_file_that_is_not_a_search_log_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "trials.jsonl"
    path.write_text('{"trial": 0, "seed": 0, "error": 0.2}\n')
    with pytest.raises(ValueError, match="does not start with the description of a search"):
        resumable_random_search(objective_that_stops_at(None, []), LEARNING_RATE_SPACE, 2, path)
    assert path.read_text() == '{"trial": 0, "seed": 0, "error": 0.2}\n'


def test_resumes_a_real_search(tmp_path, subset):
    def objective(config, trial):
        return softmax_validation_errors([config["learning_rate"]], seeds=[trial], data=subset,
                                         max_epochs=1).errors[0]

    path = tmp_path / "trials.jsonl"
    first = resumable_random_search(objective, LEARNING_RATE_SPACE, 2, path)
    both = resumable_random_search(objective, LEARNING_RATE_SPACE, 3, path)
    assert both[:2] == first and len(lines(path)) == 3
    assert all(0 < r["error"] < 0.9 and 1e-4 <= r["config"]["learning_rate"] <= 1 for r in both)
