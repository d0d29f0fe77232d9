"""The chapter's objective for many trials at once: K softmax regressions trained side
by side by minibatch SGD, each with its own learning rate, initialisation and shuffling."""
import contextlib
import functools
import math
from dataclasses import dataclass

import numpy as np
import torch

from .data import CHANCE_ERROR, CHANCE_LOSS, NUM_CLASSES, load_fashion_mnist

# Zero columns that make the rows 800 floats long while training: aligned rows multiply
# faster (measured in commit 2fda578).
PAD = 15


@dataclass(frozen=True)
class BatchedResult:
    """Per trial: the validation error as ``HPOTrainer.validation_error`` defines it
    (mean of per-batch accuracies, subtracted from 1), the mean training loss of the
    last epoch, and whether training diverged (then the error is the one measured, or
    chance level if the weights are no longer finite)."""
    errors: np.ndarray
    last_losses: np.ndarray
    diverged: np.ndarray


@dataclass(frozen=True)
class TrainedSoftmax:
    """K trained softmax regressions: weights of shape (K, classes, pixels + 1), the bias
    being the last column, and the mean training loss of the last epoch."""
    weights: torch.Tensor
    last_losses: np.ndarray

    @property
    def finite(self):
        return torch.isfinite(self.weights).all(2).all(1).cpu().numpy()

    @property
    def diverged(self):
        """Non-finite weights, or a last-epoch training loss no better than a uniform guess."""
        return ~self.finite | ~(self.last_losses < CHANCE_LOSS)

    def _logits(self, images):
        X = _with_ones(images, self.weights.device)[:, :self.weights.shape[2]]
        return torch.stack([X @ Wk.T for Wk in self.weights])

    def correct(self, images, labels):
        """Per trial and image, whether the trial classifies the image correctly."""
        return self._logits(images).argmax(2) == labels.to(self.weights.device)

    def errors(self, images, labels, batch_size=16):
        """Per trial, 1 - the mean over minibatches of each batch's accuracy (chance
        level where the weights are not finite)."""
        correct = self.correct(images, labels).float()
        accuracies = torch.stack([c.mean(1) for c in correct.split(batch_size, dim=1)])
        errors = (1 - accuracies.mean(0)).double().cpu().numpy()
        return np.where(self.finite, errors, CHANCE_ERROR)

    def losses(self, images, labels):
        """Per trial, the mean cross-entropy: unlike the error, smooth in the weights."""
        logits = self._logits(images).double()
        target = labels.to(logits.device).expand(len(logits), -1)
        return torch.nn.functional.cross_entropy(logits.transpose(1, 2), target,
                                                 reduction="none").mean(1).cpu().numpy()


def _check(learning_rates, seeds, batch_size, max_epochs, num_train):
    lrs = np.asarray(learning_rates, dtype=np.float64).reshape(-1)
    if lrs.size == 0:
        raise ValueError("need at least one learning rate (K = 0 trials)")
    if not (np.isfinite(lrs).all() and (lrs > 0).all()):
        raise ValueError(f"learning rates must be positive and finite, got {lrs.tolist()}")
    seeds = np.broadcast_to(np.asarray(seeds, dtype=np.int64), lrs.shape)
    if not 1 <= batch_size <= num_train:
        raise ValueError(f"batch_size must be in 1..{num_train} (the training set size), "
                         f"got {batch_size}")
    if max_epochs < 1:
        raise ValueError(f"max_epochs must be at least 1, got {max_epochs}")
    return lrs, seeds


def init_params(layer_sizes, generator, dtype=torch.float32):
    """Weights and biases of linear layers of the given sizes, drawn with ``generator``
    as ``nn.Linear`` (and ``nn.LazyLinear``) draw them: Kaiming-uniform weights, then a
    uniform bias in +-1/sqrt(fan_in)."""
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        bound = 1 / math.sqrt(fan_in)
        weight = torch.nn.init.kaiming_uniform_(torch.empty(fan_out, fan_in, dtype=dtype),
                                                a=math.sqrt(5), generator=generator)
        bias = torch.nn.init.uniform_(torch.empty(fan_out, dtype=dtype), -bound, bound,
                                      generator=generator)
        params += [weight, bias]
    return params


def _init(num_inputs, generators):
    """Each trial's softmax regression, initialised as d2l's: (classes, columns) with the
    bias in the column after the pixels."""
    rows = []
    for g in generators:
        weight, bias = init_params((num_inputs, NUM_CLASSES), g)
        rows.append(torch.cat([weight, bias[:, None], torch.zeros(NUM_CLASSES, PAD)], 1))
    return torch.stack(rows)


@functools.lru_cache(maxsize=4)
def _with_ones(images, device):
    """Images flattened, with a constant 1 appended to each (it multiplies the bias),
    then zeros. Cached: a slider's next trial reuses it."""
    X = images.reshape(len(images), -1)
    return torch.cat([X, torch.ones(len(X), 1), torch.zeros(len(X), PAD)], 1).to(device)


CHUNK_FLOATS = 1 << 18  # gathered at once: 1 MiB, within a core's L2 cache


def _minibatch_rows(order, batch_size, steps_per_chunk):
    """The rows of the minibatches, from each trial's permutation ``order[k]``, as
    contiguous tensors of shape (steps, K, batch): ``steps_per_chunk`` steps at a time (one
    gather for many small steps), then the short last minibatch, if any."""
    K, n = order.shape
    full = n // batch_size * batch_size
    steps = order[:, :full].reshape(K, -1, batch_size).transpose(0, 1).contiguous()
    yield from steps.split(steps_per_chunk)
    if full < n:
        yield order[:, None, full:].transpose(0, 1).contiguous()


def flushes_denormals():
    """Whether this thread treats subnormal floats as zero (torch has no getter for it)."""
    return (torch.tensor([1e-39]) * 1.0).item() == 0.0


@contextlib.contextmanager
def _flush_denormal():
    """Treat subnormal floats as zero (near-certain softmax outputs underflow to them,
    and arithmetic on them is many times slower), then restore the caller's setting."""
    before = flushes_denormals()
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(before)


@contextlib.contextmanager
def trial_threads(num_trials):
    """Train ``num_trials`` trials side by side with torch's threads, or a single trial
    with one thread: its operations are too small to share (it runs 15-25% faster so on
    2 cores). Restores the caller's setting."""
    before = torch.get_num_threads()
    torch.set_num_threads(1 if num_trials == 1 else before)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _group_products(stacked):
    """Per step, the two matrix products of all groups at once, on ``stacked`` weights of
    shape (groups, rows, columns): the logits ``W x^T``, and the update ``W -= R x`` in place.
    For a single group, the plain matrix product, which runs faster than a batch of one
    (``bench/objective_speed.py``, case (f))."""
    if len(stacked) > 1:
        return (lambda x: torch.bmm(stacked, x.transpose(1, 2)),
                lambda R, x: stacked.baddbmm_(R, x, alpha=-1))
    W = stacked[0]
    return (lambda x: torch.mm(W, x[0].T).unsqueeze(0),
            lambda R, x: W.addmm_(R[0], x[0], alpha=-1))


def seed_groups(seeds):
    """The trials grouped by seed, as ``(order, size)``: ``order`` lists the trials group by
    group, each group ``size`` trials long. Trials that share a seed share their minibatches
    and initial weights, so a group trains as one model of ``size`` x 10 classes. Groups of
    unequal size train one trial per group."""
    _, group, counts = np.unique(seeds, return_inverse=True, return_counts=True)
    if (counts != counts[0]).any():
        return np.arange(len(seeds)), 1
    return np.argsort(group, kind="stable"), int(counts[0])


def train_softmax(learning_rates, seeds=0, data=None, batch_size=16, max_epochs=8,
                  weight_decay=0.0, device="cpu"):
    """Train one softmax regression per learning rate, all in one pass, by minibatch SGD
    (with ``torch.optim.SGD``'s ``weight_decay``, one value or one per trial) and return
    :class:`TrainedSoftmax`. ``seeds`` (one per trial, or one for all) fixes each trial's
    initialisation and minibatch order: they are the ones that ``torch.manual_seed(seed)``
    gives the chapter's objective on :class:`~hpobook.objective.TensorFashionMNIST`, so both
    compute the same run up to floating point. Trials that share a seed (:func:`seed_groups`)
    gather each minibatch once, and compute their logits and their update as one matrix
    product each. Runs on the CPU, where the book's outputs were computed, unless ``device``
    names another (``device="cuda"``)."""
    data = data if data is not None else load_fashion_mnist()
    lrs, seeds = _check(learning_rates, seeds, batch_size, max_epochs, len(data.y_train))
    device = torch.device(device)
    X = _with_ones(data.X_train, device)
    Y = torch.nn.functional.one_hot(data.y_train, NUM_CLASSES).float().to(device)
    num_train, num_columns = X.shape
    K = len(lrs)
    order, M = seed_groups(seeds)  # G groups of M trials, the trials in `order`
    G, C = K // M, NUM_CLASSES
    generators = [torch.Generator().manual_seed(int(s)) for s in seeds[order][::M]]
    step_sizes = torch.tensor(lrs[order] / batch_size, dtype=torch.float32,
                              device=device).view(G, M, 1, 1)
    decay = np.broadcast_to(np.asarray(weight_decay, dtype=np.float64), lrs.shape)
    shrink = torch.tensor((1 - lrs * decay)[order], dtype=torch.float32,
                          device=device).view(G, M, 1, 1)
    last_loss = torch.zeros(G, M, dtype=torch.float64, device=device)
    decaying = bool(decay.any())
    # as many steps at a time as fit CHUNK_FLOATS, into the same memory each time, which
    # stays in the cache
    steps_per_chunk = max(1, CHUNK_FLOATS // (batch_size * G * num_columns))
    gathered = torch.empty(steps_per_chunk * G * batch_size, num_columns, device=device)
    with _flush_denormal(), trial_threads(K), torch.inference_mode():
        for epoch in range(max_epochs):
            rows_of = torch.stack([torch.randperm(num_train, generator=g) for g in generators])
            if epoch == 0:  # as in d2l: the first shuffle, then LazyLinear's initialisation
                W = _init(num_columns - 1 - PAD, generators).to(device)
                W = W[:, None].expand(G, M, C, num_columns).contiguous()
                # a group's trials one above the other, as one model
                logits_of, update = _group_products(W.view(G, M * C, num_columns))
            last = epoch == max_epochs - 1
            for rows in _minibatch_rows(rows_of.to(device), batch_size, steps_per_chunk):
                index = rows.view(-1)
                xc = torch.index_select(X, 0, index, out=gathered[:len(index)])
                xc = xc.view(*rows.shape, num_columns)
                yc = Y.index_select(0, index).view(*rows.shape, C)
                scale = step_sizes if rows.shape[2] == batch_size else \
                    step_sizes * batch_size / rows.shape[2]
                for xb, yb in zip(xc, yc.transpose(2, 3).unsqueeze(2)):
                    # (G, M, classes, batch): the logits of a group's trials, one product
                    logits = logits_of(xb).view(G, M, C, -1)
                    if last:
                        log_p = logits.log_softmax(2)
                        last_loss -= (log_p * yb).sum((2, 3)).double()
                        residual = log_p.exp_().sub_(yb)
                    else:
                        residual = logits.softmax(2).sub_(yb)
                    residual.mul_(scale)  # lr * d(mean loss)/d(logits)
                    if decaying:
                        W.mul_(shrink)
                    update(residual.view(G, M * C, -1), xb)
    trained = torch.empty(K, C, num_columns - PAD, device=device)
    trained[torch.from_numpy(order)] = W.view(K, C, num_columns)[:, :, :num_columns - PAD]
    losses = np.empty(K)
    losses[order] = (last_loss.view(K) / num_train).cpu().numpy()
    return TrainedSoftmax(trained, losses)


def softmax_validation_errors(learning_rates, seeds=0, data=None, batch_size=16,
                              max_epochs=8, device="cpu"):
    """The chapter's objective for K learning rates at once (see :func:`train_softmax`):
    a :class:`BatchedResult` with each trial's validation error."""
    data = data if data is not None else load_fashion_mnist()
    trained = train_softmax(learning_rates, seeds, data, batch_size, max_epochs, device=device)
    return BatchedResult(trained.errors(data.X_val, data.y_val, batch_size),
                         trained.last_losses, trained.diverged)
