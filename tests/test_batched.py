import subprocess
import sys

import numpy as np
import pytest
import torch

import hpobook.batched
from hpobook.batched import flushes_denormals, softmax_validation_errors, train_softmax
from hpobook.data import CHANCE_ERROR


def test_each_row_is_its_own_trial(subset):
    together = softmax_validation_errors([0.05, 0.2], seeds=[3, 4], data=subset, max_epochs=1)
    alone = [softmax_validation_errors([lr], seeds=[s], data=subset, max_epochs=1).errors[0]
             for lr, s in [(0.05, 3), (0.2, 4)]]
    assert np.allclose(together.errors, alone, atol=2e-3)


def test_same_learning_rate_different_seeds_differ(subset):
    result = softmax_validation_errors([0.1] * 3, seeds=[0, 1, 2], data=subset, max_epochs=1)
    assert len(set(result.errors.round(6))) == 3


def test_a_diverging_row_does_not_poison_the_others(subset):
    mixed = softmax_validation_errors([0.1, 1e38, 0.1], seeds=[0, 0, 1], data=subset, max_epochs=1)
    clean = softmax_validation_errors([0.1, 0.1], seeds=[0, 1], data=subset, max_epochs=1)
    assert mixed.diverged.tolist() == [False, True, False]
    assert mixed.errors[1] == pytest.approx(CHANCE_ERROR)  # weights overflowed: chance level
    assert np.allclose(mixed.errors[[0, 2]], clean.errors, atol=2e-3)
    assert np.isfinite(mixed.errors).all()


def test_large_learning_rate_is_flagged_with_its_finite_error(subset):
    result = softmax_validation_errors([100.0], seeds=[0], data=subset, max_epochs=1)
    assert result.diverged[0] and result.last_losses[0] > np.log(10)
    assert 0 < result.errors[0] < CHANCE_ERROR


@pytest.mark.parametrize("kwargs, message", [
    (dict(learning_rates=[]), "K = 0"),
    (dict(learning_rates=[-0.1]), "positive and finite"),
    (dict(learning_rates=[float("nan")]), "positive and finite"),
    (dict(learning_rates=[0.1], batch_size=0), "batch_size must be in 1..3000"),
    (dict(learning_rates=[0.1], batch_size=3001), "batch_size must be in 1..3000"),
    (dict(learning_rates=[0.1], max_epochs=0), "max_epochs must be at least 1"),
])
def test_bad_input_is_refused(subset, kwargs, message):
    with pytest.raises(ValueError, match=message):
        softmax_validation_errors(data=subset, **kwargs)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_gives_the_cpu_result(subset):
    cpu = softmax_validation_errors([0.1, 0.02], seeds=[0, 1], data=subset, max_epochs=1, device="cpu")
    cuda = softmax_validation_errors([0.1, 0.02], seeds=[0, 1], data=subset, max_epochs=1, device="cuda")
    assert np.allclose(cpu.errors, cuda.errors, atol=3e-3)


def test_computes_on_the_cpu_unless_asked(subset):
    """The committed outputs are CPU results: a GPU runtime (Colab) must not change them."""
    trained = train_softmax([0.1], data=subset, max_epochs=1)
    assert trained.weights.device.type == "cpu"


@pytest.mark.parametrize("caller_flushes", [True, False])
def test_the_callers_denormal_setting_is_restored(subset, caller_flushes):
    torch.set_flush_denormal(caller_flushes)
    try:
        train_softmax([0.1], data=subset, max_epochs=1)
        assert flushes_denormals() == caller_flushes
    finally:
        torch.set_flush_denormal(False)


def test_ray_workers_import_no_d2l():
    """Each Ray worker imports hpobook.distributed: it needs torch, not d2l and pandas."""
    code = "import sys, hpobook.distributed; print('d2l' in sys.modules, 'pandas' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False"]


def test_trained_weights_have_the_models_shape(subset):
    trained = train_softmax([0.1, 0.2], data=subset, max_epochs=1)
    assert trained.weights.shape == (2, 10, 28 * 28 + 1)  # no padding of the training loop
    assert trained.errors(subset.X_val, subset.y_val).shape == (2,)


def test_gathering_many_steps_at_once_changes_nothing(subset, monkeypatch):
    """Minibatches are gathered many steps at a time (and the last one is short): the same
    training as gathering each step alone, to the bit."""
    lrs, seeds = [0.05, 0.5], [0, 1]
    chunked = train_softmax(lrs, seeds, data=subset, max_epochs=2)
    monkeypatch.setattr(hpobook.batched, "CHUNK_FLOATS", 1)  # one step per gather
    stepwise = train_softmax(lrs, seeds, data=subset, max_epochs=2)
    assert torch.equal(chunked.weights, stepwise.weights)
    assert np.array_equal(chunked.last_losses, stepwise.last_losses)


def test_a_single_trial_does_not_depend_on_the_callers_threads(subset):
    """One trial trains with one thread: at a chaotic learning rate too, any thread setting
    of the caller gives the same weights, and the setting is restored."""
    before = torch.get_num_threads()
    weights = []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            weights.append(train_softmax([0.5], data=subset, max_epochs=2).weights)
            assert torch.get_num_threads() == threads
    finally:
        torch.set_num_threads(before)
    assert torch.equal(*weights)


def test_trials_that_share_a_seed_train_as_one_group(subset):
    """A group (one gather, one matrix product per step for all its trials) computes the
    weights that each of its trials computes alone, up to the summation order of the larger
    products: on an AMD EPYC they are identical; we allow 1e-4 of the weights' scale, for a
    BLAS that splits the larger products differently. The trials come back in the order
    given, each with its own learning rate and weight decay."""
    lrs, seeds, decays = [0.05, 0.02, 0.1, 0.01], [7, 3, 3, 7], [0, 1e-3, 0, 1e-2]
    together = train_softmax(lrs, seeds=seeds, data=subset, max_epochs=1, weight_decay=decays)
    for k, (lr, seed, decay) in enumerate(zip(lrs, seeds, decays)):
        alone = train_softmax([lr], seeds=[seed], data=subset, max_epochs=1, weight_decay=decay)
        scale = alone.weights.abs().max()
        assert (together.weights[k] - alone.weights[0]).abs().max() <= 1e-4 * scale
        assert together.last_losses[k] == pytest.approx(alone.last_losses[0], rel=1e-4)


def test_groups_of_unequal_size_train_one_trial_per_group():
    assert hpobook.batched.seed_groups([5, 5, 6])[1] == 1
    order, size = hpobook.batched.seed_groups([9, 2, 9, 2])
    assert size == 2 and order.tolist() == [1, 3, 0, 2]
