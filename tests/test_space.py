import numpy as np
import pytest

from hpobook.space import MLP_SPACE, SearchSpace, Hyperparameter


@pytest.mark.parametrize("spec, problem", [
    (dict(type="float", low=1.0, high=1.0), "lower bound 1.0 must be below upper bound 1.0"),
    (dict(type="int", low=256, high=8), "lower bound 256 must be below upper bound 8"),
    (dict(type="float", low=0, high=1, log=True), "a log scale needs positive bounds"),
    (dict(type="float", low=-1e-3, high=1, log=True), "a log scale needs positive bounds"),
    (dict(type="categorical", choices=()), "needs at least one choice"),
    (dict(type="probability", low=0, high=1), "unknown type 'probability'"),
    (dict(type="int", low=1, high=6.5), "needs integer bounds"),
    (dict(type="float", low=0, high=float("inf")), "bounds must be finite numbers"),
    (dict(type="float", low=None, high=1), "bounds must be finite numbers"),
])
def test_bad_definition_names_hyperparameter_and_problem(spec, problem):
    with pytest.raises(ValueError) as info:
        Hyperparameter("h", **spec)
    assert str(info.value).startswith("hyperparameter 'h': ") and problem in str(info.value)


def test_repeated_names_are_refused():
    with pytest.raises(ValueError, match="repeated: \\['a'\\]"):
        SearchSpace([Hyperparameter("a", "float", 0, 1), Hyperparameter("a", "int", 0, 1)])


def test_mlp_table_is_the_chapters():
    assert MLP_SPACE.rows() == [
        ("learning_rate", "float", "[1e-6, 0.1]", "yes"),
        ("batch_size", "int", "[8, 256]", "yes"),
        ("momentum", "float", "[0, 0.99]", "no"),
        ("activation", "categorical", "{tanh, relu}", "no"),
        ("num_units", "int", "[32, 1024]", "yes"),
        ("num_layers", "int", "[1, 6]", "no"),
    ]
    table = MLP_SPACE.table("Caption", "tbl-x")
    markdown = table._repr_markdown_()
    assert markdown.startswith(":::{table} Caption\n:name: tbl-x\n")
    assert "| `num_units` | int | [32, 1024] | yes |" in markdown
    assert "<caption>Caption</caption>" in table._repr_html_()


@pytest.fixture(scope="module")
def samples():
    rng = np.random.default_rng(0)
    return [MLP_SPACE.sample(rng) for _ in range(20000)]


def test_samples_are_valid_and_reach_inclusive_integer_bounds(samples):
    for config in samples[:2000]:
        MLP_SPACE.check(config)
    for name, low, high in [("batch_size", 8, 256), ("num_layers", 1, 6)]:
        values = [c[name] for c in samples]
        assert all(type(v) is int for v in values)
        assert min(values) == low and max(values) == high
    assert set(c["activation"] for c in samples) == {"tanh", "relu"}


def test_log_scale_where_marked(samples):
    lr = np.log10([c["learning_rate"] for c in samples])
    shares = np.histogram(lr, bins=[-6, -5, -4, -3, -2, -1])[0] / len(lr)
    assert np.allclose(shares, 0.2, atol=0.015)  # uniform in log10 over [-6, -1]
    momentum = np.array([c["momentum"] for c in samples])
    assert abs(np.median(momentum) - 0.495) < 0.02  # linear: median at the midpoint
    layers = np.bincount([c["num_layers"] for c in samples], minlength=7)[1:] / len(samples)
    assert np.allclose(layers, 1 / 6, atol=0.015)  # linear integers: equally likely
    units = np.array([c["num_units"] for c in samples])
    assert abs(np.log(np.median(units)) - np.log(np.sqrt(32 * 1024))) < 0.1


def test_check_refuses_unknown_missing_and_out_of_range(samples):
    good = samples[0]
    with pytest.raises(ValueError, match="unknown hyperparameter\\(s\\) \\['dropout'\\]"):
        MLP_SPACE.check({**good, "dropout": 0.1})
    with pytest.raises(ValueError, match="missing hyperparameter\\(s\\) \\['momentum'\\]"):
        MLP_SPACE.check({k: v for k, v in good.items() if k != "momentum"})
    with pytest.raises(ValueError, match="'num_layers': 7 is not in \\[1, 6\\]"):
        MLP_SPACE.check({**good, "num_layers": 7})
    with pytest.raises(ValueError, match="'batch_size': 16.5 is not in"):
        MLP_SPACE.check({**good, "batch_size": 16.5})
    with pytest.raises(ValueError, match="'activation': 'gelu' is not in"):
        MLP_SPACE.check({**good, "activation": "gelu"})
    with pytest.raises(KeyError, match="unknown hyperparameter 'lr'"):
        MLP_SPACE["lr"]
