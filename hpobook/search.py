"""Random search over the learning rate with cached trials, its figure and its slider."""
import threading
from dataclasses import dataclass

import numpy as np
from matplotlib import pyplot as plt

from .batched import softmax_validation_errors, train_softmax
from .data import load_fashion_mnist
from .repro import machine_dependent, shown
from .space import LEARNING_RATE_SPACE

LEARNING_RATE = LEARNING_RATE_SPACE["learning_rate"].to_scipy()  # loguniform(1e-4, 1)


@dataclass(frozen=True)
class Trial:
    number: int
    learning_rate: float
    error: float
    diverged: bool

    @property
    def machine_dependent(self):
        """Whether another machine may compute another error (see :mod:`hpobook.repro`)."""
        return bool(machine_dependent(self.learning_rate))

    def __str__(self):
        note = "  (training diverged)" if self.diverged else ""
        return (f"Trial {self.number}: learning_rate = {self.learning_rate:.6f}, "
                f"validation_error = {shown(self.error, self.machine_dependent)}{note}")


def make_trials(learning_rates, errors, diverged, start=0):
    """:class:`Trial` objects numbered from ``start``, one per learning rate."""
    return [Trial(start + i, float(lr), float(e), bool(d))
            for i, (lr, e, d) in enumerate(zip(learning_rates, errors, diverged))]


def check_num_trials(num_trials):
    if isinstance(num_trials, bool) or not isinstance(num_trials, (int, np.integer)) \
            or num_trials < 1:
        raise ValueError(f"the number of trials must be an integer of at least 1, got {num_trials!r}")
    return int(num_trials)


def selectable(errors, diverged):
    """The errors with those of diverged trials set to infinity: the book's one rule that a
    diverged run, whose error is still measured, never ranks as the best."""
    return np.where(diverged, np.inf, np.asarray(errors, dtype=float))


def best_so_far(errors, diverged=False):
    """The lowest error among the first 1, 2, ... trials, leaving out those whose training
    diverged (infinite until a trial converges)."""
    return np.minimum.accumulate(selectable(errors, diverged))


class CachedRandomSearch:
    """Random search whose learning rates come from one seeded stream and whose finished
    trials are kept: asking for N + 1 trials after N trains one new model.

    Trial ``i`` draws its learning rate as the ``i``-th sample of the stream and trains
    with seed ``seed + i``, so it is the same trial however the search is grown."""

    def __init__(self, seed=0, max_epochs=8, batch_size=16, data=None):
        self.seed, self.max_epochs, self.batch_size, self.data = seed, max_epochs, batch_size, data
        self._stream = np.random.RandomState(seed)
        self.trials = []
        self._lock = threading.RLock()  # one training at a time: ours or run_ahead's
        self._ahead, self._worker = 0, None

    def run(self, num_trials):
        """The first ``num_trials`` trials, training only those not yet finished."""
        num_trials = check_num_trials(num_trials)
        with self._lock:
            start = len(self.trials)
            if num_trials > start:
                lrs = LEARNING_RATE.rvs(size=num_trials - start, random_state=self._stream)
                result = softmax_validation_errors(
                    lrs, seeds=self.seed + np.arange(start, num_trials), data=self.data,
                    batch_size=self.batch_size, max_epochs=self.max_epochs)
                self.trials += make_trials(lrs, result.errors, result.diverged, start)
            return self.trials[:num_trials]

    def test_error(self, trial):
        """The error of ``trial`` on the official test set: the trial is trained again (same
        learning rate, same seed, so the same model) and judged, once, on images that no
        trial was selected on."""
        data = self.data if self.data is not None else load_fashion_mnist()
        trained = train_softmax([trial.learning_rate], seeds=[self.seed + trial.number],
                                data=data, batch_size=self.batch_size, max_epochs=self.max_epochs)
        return float(trained.errors(data.X_test, data.y_test, self.batch_size)[0])

    def run_ahead(self, num_trials):
        """Train trials up to ``num_trials`` in a background thread, one at a time, so that
        a later :meth:`run` finds them finished (or waits for at most the one in training).
        Returns the thread, or None when nothing is left to train."""
        num_trials = check_num_trials(num_trials)
        with self._lock:
            self._ahead = max(self._ahead, num_trials)
            if self._worker is None and len(self.trials) < self._ahead:
                self._worker = threading.Thread(target=self._train_ahead, daemon=True,
                                                name="trials ahead")
                self._worker.start()
            return self._worker

    def _train_ahead(self):
        while True:
            with self._lock:
                if len(self.trials) >= self._ahead:
                    self._worker = None
                    return
                try:
                    self.run(len(self.trials) + 1)
                except BaseException:
                    self._worker = None
                    raise


def best_trial(trials):
    """The trial with the lowest error (the first, on ties) among those whose training did
    not diverge: a diverged run still has an error, but its weights are no model to choose."""
    errors = selectable([t.error for t in trials], [t.diverged for t in trials])
    if np.isinf(errors).all():
        raise ValueError(f"all {len(trials)} trials diverged, so there is no configuration to "
                         "choose: search lower learning rates")
    return trials[int(np.argmin(errors))]


def plot_search(trials, axes=None):
    """Validation error against learning rate, and the best error so far per trial."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    lrs = np.array([t.learning_rate for t in trials])
    errors = np.array([t.error for t in trials])
    diverged = np.array([t.diverged for t in trials])
    best = best_trial(trials)
    left, right = axes
    left.scatter(lrs[~diverged], errors[~diverged], color="C0", label="trial")
    if diverged.any():
        left.scatter(lrs[diverged], errors[diverged], color="C1", marker="x", label="diverged")
    left.scatter([best.learning_rate], [best.error], color="C3", marker="*", s=150, label="best")
    left.set(xscale="log", xlim=LEARNING_RATE.support(), xlabel="learning rate",
             ylabel="validation error", title="Objective at each trial")
    left.legend()
    numbers = np.arange(1, len(trials) + 1)
    right.step(numbers, best_so_far(errors, diverged), where="post", color="C3")
    right.plot(numbers, errors, "o", color="C0", alpha=0.5)
    right.set(xlabel="number of trials", ylabel="best validation error so far",
              title="Best so far", xlim=(0.5, len(trials) + 0.5))
    return axes


def trial_slider(search, max_trials=30, value=5, run_ahead=True):
    """An ipywidgets slider for the number of trials that reruns ``search`` (cached)
    and redraws the figure and the best configuration. With ``run_ahead``, the trials up
    to ``max_trials`` are trained in the background meanwhile, so that moving the slider
    finds them finished."""
    from ipywidgets import IntSlider, interactive

    def show(num_trials):
        trials = search.run(num_trials)
        if run_ahead:
            search.run_ahead(max_trials)
        plot_search(trials)
        plt.show()
        print(f"best of {num_trials} trials: {best_trial(trials)}")

    slider = IntSlider(value=value, min=1, max=max_trials, continuous_update=False,
                       description="trials")
    return interactive(show, num_trials=slider)
