"""Loaded for every test path (tests/ and the notebooks): where this process sees more than
loopback, skip what would start Ray, which listens on every interface it finds and
announces the machine's address. `tools/loopback-only` (as `make test` runs pytest) gives a
network namespace where only 127.0.0.1 exists."""
import socket

import pytest

LOOPBACK_ONLY = [name for _, name in socket.if_nameindex()] == ["lo"]
STARTS_RAY = {"scaling_out.ipynb", "test_book.py"}  # the book build executes scaling_out


def pytest_collection_modifyitems(items):
    if LOOPBACK_ONLY:
        return
    skip = pytest.mark.skip(reason="starts Ray, which must stay on loopback: run pytest in a "
                                   "network namespace with only loopback (tools/loopback-only "
                                   "pytest, as `make test` does; needs root or user namespaces)")
    for item in items:
        if item.path.name in STARTS_RAY:
            item.add_marker(skip)
