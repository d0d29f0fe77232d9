"""Ray Tune: a fast-failing connection, a restored experiment, and a real
two-node cluster. Every Ray process runs in a private network namespace with only
loopback up: Ray would otherwise advertise the machine's own address."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from hpobook.distributed import connect, head_address

ray = pytest.importorskip("ray")
DRIVER = Path(__file__).with_name("ray_driver.py")
RAY = Path(sys.executable).with_name("ray")
ENV = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0",
       "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "1",  # two nodes (tools/loopback-only sets 0)
       "PYTHONPATH": str(DRIVER.parent.parent)}
# network and process namespaces; the namespace's first process dies with unshare, and all
# others with it
NAMESPACES = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "--kill-child"]


def in_namespace(script, timeout):
    """Run ``script`` with bash in new network and process namespaces: only loopback is up,
    and only the processes the script starts are seen, so its `ray stop` stops only those.
    Ray's files, the address of the last cluster started among them, go to a temporary folder
    of its own: a `ray.init()` outside never finds this cluster, nor the script another one.
    When the script ends, or the test kills it at ``timeout``, every process it left dies."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs unshare and ip (util-linux, iproute2)")
    probe = subprocess.run([*NAMESPACES, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make network and process namespaces: {probe.stderr.decode().strip()}")
    with tempfile.TemporaryDirectory(prefix="ray-") as files:  # short: Ray's socket paths
        return subprocess.run([*NAMESPACES, "bash", "-c", "ip link set lo up\n" + script],
                              capture_output=True, text=True, timeout=timeout,
                              env={**ENV, "RAY_TMPDIR": files})


def test_unreachable_cluster_fails_within_seconds():
    start = time.monotonic()
    with pytest.raises(ConnectionError, match="no Ray cluster answers at 127.0.0.1:9"):
        connect("127.0.0.1:9", timeout=3)
    assert time.monotonic() - start < 5
    with pytest.raises(ValueError, match="RAY_ADDRESS"):
        connect("", timeout=3)


def test_the_tests_stop_only_the_ray_processes_they_started(tmp_path):
    """A developer's own Ray node (here a process named like Ray's raylet) outlives a test
    whose cluster is stopped with `ray stop --force`."""
    raylet, left = tmp_path / "raylet", tmp_path / "left-behind"
    shutil.copy("/bin/sleep", raylet)
    shutil.copy("/bin/sleep", left)
    own = subprocess.Popen([str(raylet), "300"])
    try:
        run = in_namespace(f"{left} 300 & {RAY} stop --force", timeout=120)
        assert run.returncode == 0, run.stderr
        assert own.poll() is None, "ray stop in a test stopped a Ray process it did not start"
        running = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        assert str(left) not in running  # what the test started died with its namespace
    finally:
        own.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The steps of the "Scaling out" page, taken once for the tests below: a token, a head
    node, a worker joining it; a driver with another token (ray.init retries for 20 s, so it
    runs beside the others), and two drivers with RAY_ADDRESS, one for each search of
    tests/ray_driver.py. Their outputs are in the returned folder."""
    folder = tmp_path_factory.mktemp("cluster")
    script = f"""
set -e
export RAY_AUTH_MODE=token HOME={folder}
trap '{RAY} stop --force >/dev/null 2>&1' EXIT
{RAY} get-auth-token --generate >/dev/null 2>&1
{RAY} start --head --port=6399 --num-cpus=1 --include-dashboard=false --disable-usage-stats >/dev/null
{RAY} start --address=127.0.0.1:6399 --num-cpus=1 >/dev/null
RAY_AUTH_TOKEN=not-the-token RAY_ADDRESS=127.0.0.1:6399 timeout 120 \\
  {sys.executable} -c 'import ray; ray.init()' >{folder}/stranger.log 2>&1 &
stranger=$!
export RAY_ADDRESS=127.0.0.1:6399
{sys.executable} {DRIVER} two-nodes {folder}/two-nodes >{folder}/two-nodes.log
{sys.executable} {DRIVER} restore {folder}/restore >{folder}/restore.log
wait $stranger || true  # refused
"""
    run = in_namespace(script, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return folder


def driver_output(cluster, search):
    return json.loads((cluster / f"{search}.log").read_text().strip().splitlines()[-1])


def test_two_node_cluster_runs_trials_on_both_nodes(cluster):
    out = driver_output(cluster, "two-nodes")
    assert out["cluster_nodes"] == 2
    assert len(out["nodes"]) == 2  # trials ran on both nodes
    assert out["trials"] == [0, 1, 2, 3] and not any(out["errors"])
    assert out["runs"] == {"0": 1, "1": 1, "2": 1, "3": 1}  # every trial finished once


def test_a_driver_with_another_token_is_refused(cluster):
    assert "InvalidAuthToken" in (cluster / "stranger.log").read_text()


def test_restore_finishes_an_interrupted_experiment(cluster):
    out = driver_output(cluster, "restore")
    assert out["first_errors"] == 1  # trial 2 was interrupted
    assert "1 trial(s) did not report 'error'" in out["tune_trials_refusal"]
    assert out["trials"] == [0, 1, 2, 3] and not any(out["errors"])
    assert out["runs"] == {"0": 1, "1": 1, "2": 2, "3": 1}  # only the lost trial ran again


@pytest.mark.parametrize("address, host, port", [
    ("10.0.0.5:6379", "10.0.0.5", 6379),
    ("[::1]:6380", "::1", 6380),
    ("ray://head.example:10002", "head.example", 10002),
    ("ray://head.example", "head.example", 10001),
])
def test_cluster_addresses_are_read_as_ray_reads_them(address, host, port):
    assert head_address(address) == (host, port)


@pytest.mark.parametrize("address", ["::1:6379", "head", "head:port"])
def test_an_address_without_a_port_is_refused_with_the_forms_that_work(address):
    with pytest.raises(ValueError, match=r"HOST:PORT, \[IPv6\]:PORT, ray://HOST:PORT"):
        head_address(address)


def test_auto_without_a_local_cluster_says_how_to_start_one():
    """Where no Ray runs: in a namespace, which neither a developer's own cluster nor the
    Ray of a test running beside this one can be seen from."""
    run = in_namespace(f"{sys.executable} -c 'from hpobook.distributed import connect; "
                       "connect(\"auto\")'", timeout=120)
    assert "ConnectionError: no Ray cluster runs on this machine" in run.stderr, run.stderr[-2000:]
    assert "--port=auto" not in run.stderr


def test_unreachable_ipv6_cluster_is_reported_with_its_port():
    with pytest.raises(ConnectionError, match=r"ray start --head --port=9`"):
        connect("[::1]:9", timeout=3)
