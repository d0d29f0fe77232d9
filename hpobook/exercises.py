"""Machinery for the chapter's exercises: hypergradients through unrolled SGD, the memory
they need, and grid versus random designs."""
import math

import numpy as np
import torch
from torch.nn import functional as F

from .batched import init_params  # noqa: F401  (the exercises build their models with it)


def forward(params, X):
    """An MLP with ReLU between its linear layers (no hidden layer: softmax regression)."""
    X = X.flatten(1)
    for i in range(0, len(params), 2):
        X = X @ params[i].T + params[i + 1]
        if i + 2 < len(params):
            X = F.relu(X)
    return X


def unrolled_validation_loss(learning_rate, params, batches, X_val, y_val):
    """The validation cross-entropy after SGD steps on ``batches``, as a function that
    autograd can differentiate with respect to ``learning_rate`` (a tensor)."""
    for X, y in batches:
        loss = F.cross_entropy(forward(params, X), y)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        params = [p - learning_rate * g for p, g in zip(params, grads)]
    return F.cross_entropy(forward(params, X_val), y_val)


def hypergradient(learning_rate, params, batches, X_val, y_val):
    """(validation loss, d validation loss / d learning rate) by reverse mode through
    the unrolled SGD steps."""
    lr = torch.tensor(float(learning_rate), dtype=params[0].dtype, requires_grad=True)
    loss = unrolled_validation_loss(lr, [p.detach().requires_grad_() for p in params], batches,
                                    X_val, y_val)
    (grad,) = torch.autograd.grad(loss, lr)
    return loss.item(), grad.item()


def finite_difference(learning_rate, params, batches, X_val, y_val, step=1e-4):
    """The same derivative by a central difference with relative ``step``."""
    h = learning_rate * step
    losses = [unrolled_validation_loss(torch.tensor(learning_rate + sign * h, dtype=params[0].dtype),
                                       [p.detach().requires_grad_() for p in params], batches,
                                       X_val, y_val).item() for sign in (1, -1)]
    return (losses[0] - losses[1]) / (2 * h)


def saved_tensor_bytes(fn):
    """Run ``fn`` and return (its result, bytes of the distinct tensors autograd saved
    for the backward pass while it ran)."""
    seen, total = set(), [0]

    def pack(tensor):
        key = (tensor.data_ptr(), tensor.shape, tensor.dtype)
        if key not in seen:
            seen.add(key)
            total[0] += tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        result = fn()
    return result, total[0]


def unrolled_sgd_floats(layer_sizes=(784, 256, 10), batch_size=256, num_examples=60000):
    """Floats that reverse mode must keep to differentiate through one epoch of SGD on an
    MLP, at the least: the parameters before every step (each step's update depends on
    them) and every step's activations (inputs, pre- and post-activations, outputs)."""
    num_params = sum((m + 1) * n for m, n in zip(layer_sizes[:-1], layer_sizes[1:]))
    sizes = [batch_size] * (num_examples // batch_size)
    if num_examples % batch_size:
        sizes.append(num_examples % batch_size)
    per_example = layer_sizes[0] + 2 * sum(layer_sizes[1:-1]) + layer_sizes[-1]
    return {"steps": len(sizes), "parameters per step": num_params,
            "parameter floats": len(sizes) * num_params,
            "activation floats": sum(sizes) * per_example,
            "total floats": len(sizes) * num_params + sum(sizes) * per_example}


def _on_scales(columns, space):
    """Columns of numbers in [0, 1], one per hyperparameter of ``space``, mapped onto its
    bounds (on a log scale where ``log``), as rows of points."""
    mapped = []
    for h, u in zip(space.hyperparameters, columns):
        lo, hi = (math.log10(h.low), math.log10(h.high)) if h.log else (h.low, h.high)
        mapped.append(10 ** (lo + u * (hi - lo)) if h.log else lo + u * (hi - lo))
    return np.stack([np.ravel(m) for m in np.broadcast_arrays(*mapped)], axis=1)


def grid_design(budget, space):
    """A full grid of ``budget`` points (a perfect power) over a :class:`SearchSpace` of float
    hyperparameters: per axis, the centres of equal cells (on a log scale where ``log``)."""
    axes = space.hyperparameters
    per_axis = round(budget ** (1 / len(axes)))
    if per_axis ** len(axes) != budget:
        raise ValueError(f"a full grid over {len(axes)} axes needs a perfect power, got {budget}")
    centres = (np.arange(per_axis) + 0.5) / per_axis
    return _on_scales(np.meshgrid(*[centres] * len(axes), indexing="ij"), space)


def random_design(budget, space, rng):
    """``budget`` points of a :class:`SearchSpace` of float hyperparameters, drawn
    independently with ``rng``, a column at a time (log-uniformly where ``log``)."""
    return _on_scales([rng.uniform(0, 1, budget) for _ in space.hyperparameters], space)


def sobol_design(budget, space, seed, length=32):
    """The first ``budget`` of ``length`` (a power of two) points of a scrambled Sobol sequence
    seeded with ``seed``, over a :class:`SearchSpace` of float hyperparameters: a quasi-random
    design, more even than independent draws (``scipy.stats.qmc``)."""
    from scipy.stats import qmc
    if not 1 <= budget <= length:
        raise ValueError(f"budget must be in 1..{length}, got {budget}")
    unit = qmc.Sobol(len(space.hyperparameters), seed=seed).random(length)[:budget]
    return _on_scales(unit.T, space)
