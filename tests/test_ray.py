"""Ray Tune: a fast-failing connection, a restored experiment, and a real
two-node cluster. Every Ray process runs in a private network namespace with only
loopback up: Ray would otherwise advertise the machine's own address."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hpobook.distributed import connect

ray = pytest.importorskip("ray")
DRIVER = Path(__file__).with_name("ray_driver.py")
RAY = Path(sys.executable).with_name("ray")
ENV = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0",
       "PYTHONPATH": str(DRIVER.parent.parent)}


def in_namespace(script, timeout):
    """Run ``script`` with bash in a new network namespace that has only loopback."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs unshare and ip (util-linux, iproute2)")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace: {probe.stderr.decode().strip()}")
    try:
        return subprocess.run(["unshare", "-n", "bash", "-c", "ip link set lo up\n" + script],
                              capture_output=True, text=True, timeout=timeout, env=ENV)
    finally:  # whatever happened, no Ray process outlives the test
        subprocess.run([str(RAY), "stop", "--force"], capture_output=True, env=ENV, timeout=60)


def driver_output(run):
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_unreachable_cluster_fails_within_seconds():
    start = time.monotonic()
    with pytest.raises(ConnectionError, match="no Ray cluster answers at 127.0.0.1:9"):
        connect("127.0.0.1:9", timeout=3)
    assert time.monotonic() - start < 5
    with pytest.raises(ValueError, match="RAY_ADDRESS"):
        connect("", timeout=3)


def test_restore_finishes_an_interrupted_experiment(tmp_path):
    run = in_namespace(f"{sys.executable} {DRIVER} restore {tmp_path}", timeout=600)
    out = driver_output(run)
    assert out["first_errors"] == 1  # trial 2 was interrupted
    assert "1 trial(s) did not report 'error'" in out["tune_trials_refusal"]
    assert out["trials"] == [0, 1, 2, 3] and not any(out["errors"])
    assert out["runs"] == {"0": 1, "1": 1, "2": 2, "3": 1}  # only the lost trial ran again


def test_two_node_cluster_runs_trials_on_both_nodes(tmp_path):
    """The steps of the "Scaling out" page: a token, a head node, a worker joining it, and a
    driver with RAY_ADDRESS; a driver with another token is refused."""
    script = f"""
export RAY_AUTH_MODE=token HOME={tmp_path}
trap '{RAY} stop --force >/dev/null 2>&1' EXIT
{RAY} get-auth-token --generate >/dev/null 2>&1
{RAY} start --head --port=6399 --num-cpus=1 --include-dashboard=false --disable-usage-stats >/dev/null
{RAY} start --address=127.0.0.1:6399 --num-cpus=1 >/dev/null
RAY_AUTH_TOKEN=not-the-token RAY_ADDRESS=127.0.0.1:6399 timeout 120 \\
  {sys.executable} -c 'import ray; ray.init()' >{tmp_path}/stranger.log 2>&1
RAY_ADDRESS=127.0.0.1:6399 {sys.executable} {DRIVER} two-nodes {tmp_path}
"""
    out = driver_output(in_namespace(script, timeout=600))
    assert out["cluster_nodes"] == 2
    assert len(out["nodes"]) == 2  # trials ran on both nodes
    assert out["trials"] == [0, 1, 2, 3] and not any(out["errors"])
    assert out["runs"] == {"0": 1, "1": 1, "2": 1, "3": 1}  # every trial finished once
    assert "InvalidAuthToken" in (tmp_path / "stranger.log").read_text()
