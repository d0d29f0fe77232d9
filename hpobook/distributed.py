"""Ray Tune helpers: the chapter's objective as a Tune trainable, joining a cluster (or
failing in seconds, with a clear message), and a finished search read back as trials."""
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from .batched import softmax_validation_errors
from .search import make_trials


def experiment_storage():
    """Where the book keeps Ray Tune's experiments: ``_build/ray_results`` in the book's
    repository (``make clean`` removes it), elsewhere (Colab) ``ray_results`` here."""
    root = Path(__file__).resolve().parent.parent
    if (root / "_config.yml").exists():
        return root / "_build" / "ray_results"
    return Path.cwd() / "ray_results"


def tune_objective(config, data=None):
    """A Ray Tune trainable: the chapter's objective for one trial, with the configuration's
    ``learning_rate`` and ``seed``. Reports the validation error and whether training diverged."""
    from ray import tune
    result = softmax_validation_errors([config["learning_rate"]], seeds=[config["seed"]],
                                       data=data)
    tune.report({"validation_error": float(result.errors[0]),
                 "diverged": bool(result.diverged[0])})


def head_address(address):
    """The head node's host and port in ``HOST:PORT``, ``[IPv6]:PORT`` or ``ray://HOST:PORT``
    (Ray Client, by default on port 10001)."""
    parts = urlsplit(address if "://" in address else "//" + address)
    try:
        port = parts.port or (10001 if parts.scheme == "ray" else None)
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise ValueError(f"cannot read a cluster address from {address!r}: write HOST:PORT, "
                         "[IPv6]:PORT, ray://HOST:PORT, or 'auto' for a cluster on this machine")
    return parts.hostname, port


def connect(address=None, timeout=5.0):
    """``ray.init(address=...)`` for the cluster at ``address`` (default: ``$RAY_ADDRESS``),
    after checking within ``timeout`` seconds that its head node accepts connections.
    ``'auto'`` joins the cluster that `ray start` began on this machine."""
    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise ValueError("no cluster address: pass address='HOST:PORT' or set RAY_ADDRESS to "
                         "the address that `ray start --head` printed")
    import ray
    if address == "auto":
        try:
            return ray.init(address="auto")
        except ConnectionError:
            raise ConnectionError("no Ray cluster runs on this machine (address 'auto'). Start "
                                  "one with `ray start --head`, or give the head node's "
                                  "HOST:PORT.") from None
    host, port = head_address(address)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise ConnectionError(
            f"no Ray cluster answers at {address} ({exc}). Start one with "
            f"`ray start --head --port={port}`, or set RAY_ADDRESS to a running head node."
        ) from None
    return ray.init(address=address)


def tune_trials(results, metric="validation_error"):
    """The trials of a Ray Tune ``ResultGrid`` of :func:`tune_objective` (configurations
    with ``learning_rate``, reports with ``metric`` and ``diverged``) as
    :class:`~hpobook.search.Trial` objects, numbered in the order Tune created them."""
    unfinished = [r.path for r in results if r.error is not None or metric not in r.metrics]
    if unfinished:
        raise ValueError(f"{len(unfinished)} trial(s) did not report {metric!r}: {unfinished}; "
                         "restore the experiment with Tuner.restore(..., resume_errored=True)")
    frame = results.get_dataframe().sort_values("trial_id")
    return make_trials(frame["config/learning_rate"], frame[metric], frame["diverged"])
