import numpy as np
import pytest
import torch

from hpobook.data import stratified_split
from hpobook.exercises import (finite_difference, grid_design, hypergradient, init_params,
                               random_design, saved_tensor_bytes, sobol_design,
                               unrolled_sgd_floats, unrolled_validation_loss)
from hpobook.space import Hyperparameter, SearchSpace


@pytest.fixture(scope="module")
def small_problem(fashion):
    batches = list(zip(fashion.X_train[:600].double().split(100), fashion.y_train[:600].split(100)))
    params = init_params((784, 10), torch.Generator().manual_seed(0), dtype=torch.float64)
    return params, batches, fashion.X_val[:500].double(), fashion.y_val[:500]


@pytest.mark.parametrize("lr", [0.03, 0.3])
def test_hypergradient_matches_finite_difference_within_5_percent(small_problem, lr):
    params, batches, X_val, y_val = small_problem
    _, grad = hypergradient(lr, [p.clone() for p in params], batches, X_val, y_val)
    fd = finite_difference(lr, params, batches, X_val, y_val)
    assert abs(grad - fd) <= 0.05 * abs(fd)
    assert abs(fd) > 1e-3  # a real slope, not two zeros agreeing


def test_mlp_hypergradient_memory_grows_with_steps(fashion):
    params = init_params((784, 64, 10), torch.Generator().manual_seed(0))
    measured = []
    for steps in (1, 2, 4):
        batches = list(zip(fashion.X_train[:32 * steps].split(32), fashion.y_train[:32 * steps].split(32)))
        lr = torch.tensor(0.1, requires_grad=True)
        _, size = saved_tensor_bytes(lambda: unrolled_validation_loss(
            lr, [p.clone().requires_grad_() for p in params], batches, fashion.X_val[:64],
            fashion.y_val[:64]))
        measured.append(size)
    growth = np.diff(measured) / np.diff([1, 2, 4])
    assert growth[0] > 0 and growth[1] == pytest.approx(growth[0], rel=0.05)  # linear in steps


def test_unrolled_float_count_for_the_mlp_of_d2l():
    floats = unrolled_sgd_floats((784, 256, 10), batch_size=256, num_examples=60000)
    assert floats["steps"] == 235  # 234 full batches and one of 96
    assert floats["parameters per step"] == 784 * 256 + 256 + 256 * 10 + 10
    assert floats["activation floats"] == 60000 * (784 + 256 + 256 + 10)


UNIT_SQUARE = SearchSpace([Hyperparameter("x", "float", 0, 1), Hyperparameter("y", "float", 0, 1)])
LR_AND_DECAY = SearchSpace([Hyperparameter("learning_rate", "float", 1e-4, 1, log=True),
                            Hyperparameter("weight_decay", "float", 1e-6, 1e-4, log=True)])


def test_grid_tests_three_distinct_x_random_nine():
    grid = grid_design(9, UNIT_SQUARE)
    random = random_design(9, UNIT_SQUARE, np.random.default_rng(0))
    assert len(grid) == len(random) == 9
    assert len(np.unique(grid[:, 0])) == 3 and len(np.unique(grid[:, 1])) == 3
    assert len(np.unique(random[:, 0])) == 9
    log_grid = grid_design(4, LR_AND_DECAY)
    assert np.allclose(np.unique(log_grid[:, 0]), [1e-3, 1e-1])
    assert np.allclose(np.unique(log_grid[:, 1]), [10 ** -5.5, 10 ** -4.5])
    with pytest.raises(ValueError, match="perfect power"):
        grid_design(10, UNIT_SQUARE)


def test_random_design_draws_from_the_space():
    points = random_design(2000, LR_AND_DECAY, np.random.default_rng(1))
    assert ((points >= [1e-4, 1e-6]) & (points <= [1, 1e-4])).all()
    decades = np.histogram(np.log10(points[:, 0]), bins=[-4, -3, -2, -1, 0])[0]
    assert decades.min() > 400  # log-uniform: about 500 per decade


@pytest.mark.parametrize("budget", [4, 8, 16])
def test_sobol_design_puts_one_point_in_each_equal_cell(budget):
    """The first 2^m points of a scrambled Sobol sequence: exactly one in each of the 2^m equal
    cells of each axis (on its log scale), where independent draws leave some cells empty."""
    points = sobol_design(budget, LR_AND_DECAY, seed=3)
    assert ((points >= [1e-4, 1e-6]) & (points <= [1, 1e-4])).all()
    for column, (low, high) in zip(np.log10(points).T, [(-4, 0), (-6, -4)]):
        cells = np.floor((column - low) / (high - low) * budget)
        assert sorted(cells) == list(range(budget))
    assert not np.allclose(points, sobol_design(budget, LR_AND_DECAY, seed=4))
    with pytest.raises(ValueError, match="budget must be in 1..32"):
        sobol_design(33, LR_AND_DECAY, seed=0)


def test_stratified_split_is_disjoint_and_keeps_class_proportions(fashion):
    official = torch.cat([fashion.y_train, fashion.y_val])
    train, val = stratified_split(official, 10000, seed=0)
    assert len(train) == 50000 and len(val) == 10000
    assert len(np.intersect1d(train.numpy(), val.numpy())) == 0
    assert torch.bincount(official[val]).tolist() == [1000] * 10
    labels = torch.tensor([0] * 70 + [1] * 20 + [2] * 10)
    train, val = stratified_split(labels, 10, seed=1)
    assert torch.bincount(labels[val]).tolist() == [7, 2, 1]
    assert sorted(torch.cat([train, val]).tolist()) == list(range(100))
    assert not torch.equal(stratified_split(labels, 10, seed=2)[1], val)
