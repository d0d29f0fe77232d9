"""Connecting to a Ray cluster: fail in seconds, with a clear message, where none answers."""
import os
import socket


def connect(address=None, timeout=5.0):
    """``ray.init(address=...)`` for the cluster at ``address`` (default: ``$RAY_ADDRESS``),
    after checking within ``timeout`` seconds that its head node accepts connections."""
    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise ValueError("no cluster address: pass address='HOST:PORT' or set RAY_ADDRESS to "
                         "the address that `ray start --head` printed")
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        raise ConnectionError(
            f"no Ray cluster answers at {address} ({exc}). Start one with "
            f"`ray start --head --port={port or 6379}`, or set RAY_ADDRESS to a running head node."
        ) from None
    import ray
    return ray.init(address=address)
