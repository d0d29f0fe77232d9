import dataclasses

import numpy as np
import pytest

from hpobook import search as hsearch
from hpobook.search import CachedRandomSearch, best_so_far, best_trial, trial_slider


@pytest.fixture
def counted(monkeypatch):
    """Count the models each call of the batched objective trains."""
    calls = []
    real = hsearch.softmax_validation_errors

    def spy(learning_rates, **kwargs):
        calls.append(len(learning_rates))
        return real(learning_rates, **kwargs)

    monkeypatch.setattr(hsearch, "softmax_validation_errors", spy)
    return calls


def test_growing_the_search_trains_only_new_trials(subset, counted):
    search = CachedRandomSearch(seed=0, max_epochs=1, data=subset)
    five = search.run(5)
    assert counted == [5]
    six = search.run(6)
    assert counted == [5, 1] and six[:5] == five
    assert search.run(3) == five[:3] and counted == [5, 1]


def test_trials_do_not_depend_on_how_the_search_grew(subset):
    at_once = CachedRandomSearch(seed=0, max_epochs=1, data=subset).run(4)
    grown = CachedRandomSearch(seed=0, max_epochs=1, data=subset)
    for n in range(1, 5):
        grown.run(n)
    assert [t.learning_rate for t in grown.trials] == [t.learning_rate for t in at_once]
    assert np.allclose([t.error for t in grown.trials], [t.error for t in at_once], atol=2e-3)


def test_test_error_judges_the_trials_own_model_on_the_test_set(subset):
    """With the validation images as test set, the test error is the trial's own error."""
    swapped = dataclasses.replace(subset, X_test=subset.X_val, y_test=subset.y_val)
    search = CachedRandomSearch(seed=0, max_epochs=1, data=swapped)
    trials = search.run(3)
    assert [search.test_error(t) for t in trials] == pytest.approx(
        [t.error for t in trials], abs=2e-3)
    on_test = CachedRandomSearch(seed=0, max_epochs=1, data=subset)
    assert on_test.test_error(trials[0]) != pytest.approx(trials[0].error, abs=1e-4)


def test_learning_rates_follow_the_chapters_space(subset):
    trials = CachedRandomSearch(seed=1, max_epochs=1, data=subset).run(12)
    assert all(1e-4 <= t.learning_rate <= 1 for t in trials)
    assert len({t.learning_rate for t in trials}) == 12


@pytest.mark.parametrize("bad", [0, -3, 2.5, "5", True])
def test_trial_count_below_one_or_not_integer_is_refused(subset, bad):
    with pytest.raises(ValueError, match="number of trials must be an integer of at least 1"):
        CachedRandomSearch(seed=0, data=subset).run(bad)


def test_best_trial_and_best_so_far():
    trials = [hsearch.Trial(i, lr, e, False) for i, (lr, e) in
              enumerate([(0.1, 0.3), (0.01, 0.2), (0.5, 0.25), (0.02, 0.2)])]
    assert best_trial(trials).number == 1
    assert best_so_far([t.error for t in trials]).tolist() == [0.3, 0.2, 0.2, 0.2]


def test_a_diverged_trial_never_ranks_as_best():
    """Its error is measured, and may be low (lr 0.821 in the book's search: 0.16), but it is
    not chosen, nor counted in the best error so far."""
    trials = [hsearch.Trial(0, 0.01, 0.3, False), hsearch.Trial(1, 0.8, 0.15, True),
              hsearch.Trial(2, 0.05, 0.2, False)]
    assert best_trial(trials).number == 2
    assert best_so_far([0.3, 0.15, 0.2], [False, True, False]).tolist() == [0.3, 0.3, 0.2]
    with pytest.raises(ValueError, match="all 1 trials diverged"):
        best_trial(trials[1:2])


def test_slider_reruns_the_cached_search(subset, counted):
    search = CachedRandomSearch(seed=0, max_epochs=1, data=subset)
    widget = trial_slider(search, max_trials=10, value=3, run_ahead=False)
    slider = widget.children[0]
    assert (slider.min, slider.max, slider.value, slider.continuous_update) == (1, 10, 3, False)
    widget.update()
    assert counted == [3]
    slider.value = 4
    assert counted == [3, 1] and len(search.trials) == 4
    slider.value = 2
    assert counted == [3, 1]
    slider.value = 50  # the slider clamps to its maximum
    assert slider.value == 10 and len(search.trials) == 10


def test_slider_trains_ahead_so_that_moving_it_trains_nothing(subset, counted):
    search = CachedRandomSearch(seed=0, max_epochs=1, data=subset)
    widget = trial_slider(search, max_trials=6, value=3)
    widget.update()
    worker = search.run_ahead(6)  # the thread the slider started, unless it is done already
    if worker is not None:
        worker.join(timeout=120)
    assert counted == [3, 1, 1, 1] and len(search.trials) == 6
    assert search.run_ahead(6) is None  # nothing left to train
    slider = widget.children[0]
    slider.value = 6
    assert counted == [3, 1, 1, 1]
    at_once = CachedRandomSearch(seed=0, max_epochs=1, data=subset).run(6)
    assert [t.learning_rate for t in search.trials] == [t.learning_rate for t in at_once]
