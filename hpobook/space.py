"""Configuration spaces defined once: validated, sampled and rendered as a table."""
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

TYPES = ("float", "int", "categorical")


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter: a float or int range ``[low, high]`` (both bounds
    included, log-uniform when ``log``) or a categorical set of ``choices``."""
    name: str
    type: str
    low: float = None
    high: float = None
    log: bool = False
    choices: tuple = ()

    def __post_init__(self):
        problem = self._problem()
        if problem:
            raise ValueError(f"hyperparameter {self.name!r}: {problem}")

    def _problem(self):
        if self.type not in TYPES:
            return f"unknown type {self.type!r}; use one of {', '.join(TYPES)}"
        if self.type == "categorical":
            if not self.choices:
                return "a categorical hyperparameter needs at least one choice"
            if self.log:
                return "a categorical hyperparameter has no log scale"
            return None
        if self.choices:
            return f"choices are for categorical hyperparameters, not {self.type}"
        bounds = (self.low, self.high)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                   for v in bounds):
            return f"bounds must be finite numbers, got low={self.low!r}, high={self.high!r}"
        if self.type == "int" and not all(float(v).is_integer() for v in bounds):
            return f"an int hyperparameter needs integer bounds, got [{self.low}, {self.high}]"
        if self.low >= self.high:
            return f"lower bound {self.low} must be below upper bound {self.high}"
        if self.log and self.low <= 0:
            return f"a log scale needs positive bounds, got lower bound {self.low}"
        return None

    def __repr__(self):
        if self.type == "categorical":
            return f"Hyperparameter({self.name!r}, {self.type!r}, choices={self.choices!r})"
        log = ", log=True" if self.log else ""
        return f"Hyperparameter({self.name!r}, {self.type!r}, {self.low!r}, {self.high!r}{log})"

    @property
    def range_text(self):
        if self.type == "categorical":
            return "{" + ", ".join(map(str, self.choices)) + "}"
        low, high = (f"{v:g}".replace("e-0", "e-").replace("e+0", "e+") for v in (self.low, self.high))
        return f"[{low}, {high}]"

    def sample(self, rng):
        """One value drawn with ``rng`` (a ``numpy.random.Generator``)."""
        if self.type == "categorical":
            return self.choices[rng.integers(len(self.choices))]
        if self.type == "int":
            # Each integer owns [k - 1/2, k + 1/2): on a log scale, small values are likelier.
            low, high = self.low - 0.5, self.high + 0.5
            u = rng.uniform(np.log(low), np.log(high)) if self.log else rng.uniform(low, high)
            return int(np.clip(round(np.exp(u) if self.log else u), self.low, self.high))
        if self.log:
            return float(np.exp(rng.uniform(np.log(self.low), np.log(self.high))))
        return float(rng.uniform(self.low, self.high))

    def to_scipy(self):
        """The same distribution for scipy (or scikit-learn's ``ParameterSampler``): a
        frozen scipy distribution, or the list of choices for a categorical. scipy's
        ``randint`` excludes its upper bound, so integer bounds are shifted to keep ours."""
        if self.type == "categorical":
            return list(self.choices)
        if self.type == "float":
            return stats.loguniform(self.low, self.high) if self.log else \
                stats.uniform(self.low, self.high - self.low)
        if not self.log:
            return stats.randint(int(self.low), int(self.high) + 1)
        values = np.arange(int(self.low), int(self.high) + 1)
        widths = np.log(values + 0.5) - np.log(values - 0.5)  # as sample(): k owns [k-1/2, k+1/2)
        return stats.rv_discrete(name=self.name, values=(values, widths / widths.sum()))

    def to_ray(self):
        """The same distribution as a Ray Tune search space. Ray's ``randint`` and
        ``lograndint`` exclude their upper bound, so integer bounds are shifted to keep ours."""
        from ray import tune
        if self.type == "categorical":
            return tune.choice(list(self.choices))
        if self.type == "float":
            return (tune.loguniform if self.log else tune.uniform)(self.low, self.high)
        return (tune.lograndint if self.log else tune.randint)(int(self.low), int(self.high) + 1)

    def to_optuna(self):
        """The same distribution for Optuna. Optuna's integer and float ranges include both
        bounds, as ours do, so they are passed on unchanged."""
        from optuna import distributions
        if self.type == "categorical":
            return distributions.CategoricalDistribution(list(self.choices))
        if self.type == "float":
            return distributions.FloatDistribution(self.low, self.high, log=self.log)
        return distributions.IntDistribution(int(self.low), int(self.high), log=self.log)

    def check(self, value):
        """Raise ``ValueError`` unless ``value`` lies in this hyperparameter's domain."""
        if self.type == "categorical":
            ok = value in self.choices
        elif self.type == "int":
            ok = isinstance(value, (int, np.integer)) and self.low <= value <= self.high
        else:
            ok = isinstance(value, (int, float, np.number)) and self.low <= value <= self.high
        if not ok:
            raise ValueError(f"hyperparameter {self.name!r}: {value!r} is not in {self.range_text}"
                             f"{' (integers)' if self.type == 'int' else ''}")


class SearchSpace:
    """A named set of hyperparameters."""

    def __init__(self, hyperparameters):
        self.hyperparameters = tuple(hyperparameters)
        names = [h.name for h in self.hyperparameters]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"hyperparameter names must be unique, repeated: {repeated}")
        self._by_name = dict(zip(names, self.hyperparameters))

    def __repr__(self):
        return "SearchSpace([\n" + "".join(f"    {h!r},\n" for h in self.hyperparameters) + "])"

    def __getitem__(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"unknown hyperparameter {name!r}; known: {list(self._by_name)}") from None

    def sample(self, rng):
        """One configuration: a dict from name to a value drawn with ``rng``."""
        return {h.name: h.sample(rng) for h in self.hyperparameters}

    def to_scipy(self):
        """The space as a dict of scipy distributions (lists for categoricals)."""
        return {h.name: h.to_scipy() for h in self.hyperparameters}

    def to_ray(self):
        """The space as a Ray Tune ``param_space`` (needs ``ray[tune]``)."""
        return {h.name: h.to_ray() for h in self.hyperparameters}

    def to_optuna(self):
        """The space as Optuna distributions, for ask-and-tell (needs ``optuna``):
        ``trial = study.ask(space.to_optuna())``, then ``trial.params`` is a configuration."""
        return {h.name: h.to_optuna() for h in self.hyperparameters}

    def check(self, config):
        """Raise ``ValueError`` for unknown, missing or out-of-domain values."""
        unknown = sorted(set(config) - set(self._by_name))
        if unknown:
            raise ValueError(f"unknown hyperparameter(s) {unknown}; known: {list(self._by_name)}")
        missing = [n for n in self._by_name if n not in config]
        if missing:
            raise ValueError(f"missing hyperparameter(s) {missing}")
        for h in self.hyperparameters:
            h.check(config[h.name])

    def rows(self):
        """(name, type, range, log-scale) per hyperparameter, as the chapter's table."""
        return [(h.name, h.type, h.range_text, "yes" if h.log else "no")
                for h in self.hyperparameters]

    def table(self, caption, label):
        """The space as a table with a caption: a MyST ``table`` directive named ``label``
        (numbered and referable in the book) and HTML (in a live notebook)."""
        return SpaceTable(self.rows(), caption, label)


HEADER = ("Name", "Type", "Range", "Log-scale")


@dataclass(frozen=True)
class SpaceTable:
    rows: list
    caption: str
    label: str

    def _repr_markdown_(self):
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += [f"| `{name}` | " + " | ".join(rest) + " |" for name, *rest in self.rows]
        return f":::{{table}} {self.caption}\n:name: {self.label}\n\n" + "\n".join(lines) + "\n:::\n"

    def _repr_html_(self):
        head = "".join(f"<th>{h}</th>" for h in HEADER)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        return (f"<table><caption>{self.caption}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")


LEARNING_RATE_SPACE = SearchSpace([  # the chapter's, for softmax regression
    Hyperparameter("learning_rate", "float", 1e-4, 1, log=True),
])

MLP_SPACE = SearchSpace([
    Hyperparameter("learning_rate", "float", 1e-6, 1e-1, log=True),
    Hyperparameter("batch_size", "int", 8, 256, log=True),
    Hyperparameter("momentum", "float", 0, 0.99),
    Hyperparameter("activation", "categorical", choices=("tanh", "relu")),
    Hyperparameter("num_units", "int", 32, 1024, log=True),
    Hyperparameter("num_layers", "int", 1, 6),
])
