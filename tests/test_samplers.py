"""One configuration space, four samplers: ours, scipy, Ray Tune and Optuna must all draw
what the table says (inclusive integer bounds, integer types, log scale where marked)."""
import numpy as np
import pytest

from hpobook.space import MLP_SPACE

N = 20000


def from_ours(rng):
    configs = [MLP_SPACE.sample(rng) for _ in range(N)]
    return {name: [c[name] for c in configs] for name in configs[0]}


def from_scipy(rng):
    return {name: dist.rvs(size=N, random_state=rng) if hasattr(dist, "rvs")
            else [dist[i] for i in rng.integers(len(dist), size=N)]
            for name, dist in MLP_SPACE.to_scipy().items()}


def from_ray(rng):
    pytest.importorskip("ray")
    return {name: domain.sample(size=N, random_state=rng)
            for name, domain in MLP_SPACE.to_ray().items()}


def from_optuna(rng):
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=int(rng.integers(2**31))))
    distributions = MLP_SPACE.to_optuna()
    configs = [study.ask(distributions).params for _ in range(N)]
    return {name: [c[name] for c in configs] for name in distributions}


@pytest.fixture(scope="module", params=[from_ours, from_scipy, from_ray, from_optuna],
                ids=lambda f: f.__name__.removeprefix("from_"))
def samples(request):
    return {name: np.asarray(values) for name, values in
            request.param(np.random.default_rng(0)).items()}


def test_integers_are_integers_and_reach_both_bounds(samples):
    for name, low, high in [("batch_size", 8, 256), ("num_units", 32, 1024), ("num_layers", 1, 6)]:
        values = samples[name]
        assert np.issubdtype(values.dtype, np.integer), name
        assert values.min() == low and values.max() == high, name  # inclusive, as the table says
    assert set(samples["activation"]) == {"tanh", "relu"}


def test_log_scale_where_marked_and_linear_elsewhere(samples):
    lr = np.log10(samples["learning_rate"])
    assert lr.min() >= -6 and lr.max() <= -1
    assert np.allclose(np.histogram(lr, bins=[-6, -5, -4, -3, -2, -1])[0] / N, 0.2, atol=0.015)
    assert abs(np.median(samples["momentum"]) - 0.495) < 0.02
    assert np.allclose(np.bincount(samples["num_layers"], minlength=7)[1:] / N, 1 / 6, atol=0.015)


def test_log_integers_are_drawn_as_ours(samples):
    """On a log scale each integer k owns [k - 1/2, k + 1/2): the same quantiles as ours."""
    rng = np.random.default_rng(2)
    mine = np.array([MLP_SPACE["batch_size"].sample(rng) for _ in range(N)])
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        assert abs(np.log(np.quantile(mine, q)) - np.log(np.quantile(samples["batch_size"], q))) < 0.08
