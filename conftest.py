"""Loaded for every test path (tests/ and the notebooks).

1. The comparison of notebook outputs is the plugin ``tests/nbcompare.py``.
2. Where this process sees more than loopback, skip what would start Ray, which listens on
   every interface it finds and announces the machine's address. `tools/loopback-only` (as
   `make test` runs pytest) gives a network namespace where only 127.0.0.1 exists.
3. `make test` runs two pytest-xdist workers, one per core, each computing with one torch
   thread (two processes of two threads each on two cores slow each other about tenfold). A
   worker takes a group of tests at a time, the slowest first, so that the two finish about
   together: a file (a notebook's cells share a kernel), the book's two test files (they
   share _build), or one emulated machine alone.
"""
import os
import shutil
import socket
import tempfile

import pytest

pytest_plugins = ["tests.nbcompare"]
# The Korean notebooks have the English ones' code and outputs (tests/test_korean.py): nbval
# runs each notebook once.
collect_ignore = ["notebooks/ko"]
LOOPBACK_ONLY = [name for _, name in socket.if_nameindex()] == ["lo"]
STARTS_RAY = {"scaling_out.ipynb"}
# The groups in the order the workers take them, the slowest first (`pytest --durations`
# lists the times); the others follow.
SLOWEST_FIRST = ["tests/test_machines.py", "book", "notebooks/exercises.ipynb",
                 "notebooks/scaling_out.ipynb", "notebooks/objective.ipynb", "tests/test_ray.py",
                 "notebooks/batched.ipynb", "notebooks/random_search.ipynb",
                 "notebooks/configuration_space.ipynb"]
BOOK = {"tests/test_book.py", "tests/test_korean.py"}
ALONE = {"tests/test_machines.py"}  # each test on its own


def pytest_configure(config):
    """Settings for this process and those it starts: the workers, the notebooks' kernels."""
    if getattr(config.option, "numprocesses", None):  # before the workers start
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    if "RAY_TMPDIR" not in os.environ:  # Ray's sessions, else left in /tmp/ray
        os.environ["RAY_TMPDIR"] = config.ray_files = tempfile.mkdtemp(prefix="ray-")


def pytest_unconfigure(config):
    if hasattr(config, "ray_files"):
        shutil.rmtree(config.ray_files, ignore_errors=True)


def group(nodeid):
    """What one worker runs of the test ``nodeid``: its file, the whole book's tests, or
    alone, an emulated machine."""
    path = nodeid.split("::")[0]
    return "book" if path in BOOK else nodeid if path in ALONE else path


def pytest_collection_modifyitems(items):
    slowest = {name: rank for rank, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: slowest.get(group(item.nodeid).split("::")[0], len(slowest)))
    if LOOPBACK_ONLY:
        return
    skip = pytest.mark.skip(reason="starts Ray, which must stay on loopback: run pytest in a "
                                   "network namespace with only loopback (tools/loopback-only "
                                   "pytest, as `make test` does; needs root or user namespaces)")
    for item in items:
        if item.path.name in STARTS_RAY:
            item.add_marker(skip)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's
def pytest_xdist_make_scheduler(config, log):
    """Each worker takes a whole group at a time, in the order of the collection. xdist's own
    modes cannot: ``loadfile`` would run every emulated machine in one worker, one after the
    other, and ``loadgroup``'s groups could not be set at collection time under pytest 9.2, when
    this was tried."""
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return group(nodeid)

    config.option.loadscopereorder = False
    return ByGroup(config, log)


