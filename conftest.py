"""Loaded for every test path (tests/ and the notebooks).

1. nbval compares every output exactly, except numbers marked ``†`` (see ``hpobook.repro``):
   those depend on the machine, and must lie within a tolerance of the committed value:
   ``hpobook.repro.ERROR_TOLERANCE``, or the cell's ``tolerance`` metadata, a number or one
   per unit (``{"": 0.002, "%": 10}``: percentages are compared in percentage points).
2. Where this process sees more than loopback, skip what would start Ray, which listens on
   every interface it finds and announces the machine's address. `tools/loopback-only` (as
   `make test` runs pytest) gives a network namespace where only 127.0.0.1 exists.
3. `make test` runs two pytest-xdist workers, one per core, each computing with one torch
   thread (two processes of two threads each on two cores slow each other about tenfold). A
   file runs in one worker (a notebook's cells share a kernel), the slowest first, so that the
   two finish about together.
"""
import os
import platform
import re
import shutil
import socket
import tempfile
from dataclasses import astuple, dataclass

import pytest
from nbval.plugin import IPyNbCell

from hpobook.repro import ERROR_TOLERANCE, MARK

# The Korean notebooks have the English ones' code and outputs (tests/test_korean.py): nbval
# runs each notebook once.
collect_ignore = ["notebooks/ko"]
LOOPBACK_ONLY = [name for _, name in socket.if_nameindex()] == ["lo"]
STARTS_RAY = {"scaling_out.ipynb"}
MARKED = re.compile(r"([-+]?\d+(?:\.\d+)?)(%?)" + MARK)
# Files in the order the workers take them, the slowest first (in `make test`, each emulated
# machine about 105 s, the book's tests 140, down to 20); the others follow. The book's tests
# share one worker: both build into _build.
SLOWEST_FIRST = ["tests/test_machines.py", "book", "notebooks/exercises.ipynb",
                 "notebooks/scaling_out.ipynb", "notebooks/objective.ipynb", "tests/test_ray.py",
                 "notebooks/batched.ipynb", "notebooks/random_search.ipynb",
                 "notebooks/configuration_space.ipynb"]
BOOK = {"tests/test_book.py", "tests/test_korean.py"}
ALONE = {"tests/test_machines.py"}  # each test on its own
SETTINGS = ("ATEN_CPU_CAPABILITY", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "MKL_CBWR",
            "ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS")


@dataclass
class Deviation:
    cell: str  # "page.ipynb cell N"
    where: str
    committed: float
    computed: float
    tolerance: float

    @property
    def distance(self):
        return abs(self.computed - self.committed)

    @property
    def within(self):
        return self.distance <= self.tolerance

    def __str__(self):
        return (f"{self.cell} {self.where}: committed {self.committed}, computed {self.computed}, "
                f"off by {self.distance:.4g} > tolerance {self.tolerance}")


DEVIATIONS = []  # every marked value compared in this session, wherever its cell ran


def machine():
    """This machine and the settings that change how it computes, for failure messages."""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor()) \
        if os.path.exists("/proc/cpuinfo") else platform.processor()
    settings = [f"{k}={os.environ[k]}" for k in SETTINGS if k in os.environ]
    return f"{cpu}, {' '.join(settings) or 'no emulation settings'}"


def _reconcile_text(computed, committed, cell, where, tolerance, compared):
    """``computed`` with each marked number replaced by the committed one where the two
    agree within ``tolerance`` (then nbval compares the rest exactly); each comparison is
    appended to ``compared``."""
    ours, theirs = list(MARKED.finditer(computed)), list(MARKED.finditer(committed))
    if not theirs or [m[2] for m in ours] != [m[2] for m in theirs]:
        return computed  # nbval's exact comparison reports the difference
    pieces, end = [], 0
    for new, old in zip(ours, theirs):
        line = committed[:old.start()].count("\n") + 1
        context = committed.splitlines()[line - 1].strip()
        unit_tolerance = tolerance if isinstance(tolerance, (int, float)) else tolerance.get(old[2])
        if unit_tolerance is None:
            raise ValueError(f"{where}: the cell's tolerance metadata {tolerance} has no entry "
                             f"for the unit {old[2]!r} of {old[0]!r}")
        deviation = Deviation(cell, f"{where}, line {line} ({context[:70]!r})", float(old[1]),
                              float(new[1]), unit_tolerance)
        compared.append(deviation)
        pieces += [computed[end:new.start()], old[0] if deviation.within else new[0]]
        end = new.end()
    return "".join(pieces) + computed[end:]


def _reconcile(computed, committed, cell, tolerance, compared, where=""):
    if isinstance(computed, str) and isinstance(committed, str):
        return _reconcile_text(computed, committed, cell, where.strip(), tolerance, compared)
    if isinstance(computed, dict) and isinstance(committed, dict):
        return type(computed)({k: _reconcile(v, committed[k], cell, tolerance, compared,
                                             f"{where} {k}")
                               if k in committed else v for k, v in computed.items()})
    return computed


_exact_comparison = IPyNbCell.compare_outputs


def compare_outputs(self, test, ref, skip_compare=None):
    tolerance = self.cell.metadata.get("tolerance", ERROR_TOLERANCE)
    where = f"{self.parent.path.name} cell {self.cell_num}"
    compared = []
    test = [_reconcile(t, r, where, tolerance, compared)
            for t, r in zip(test, ref)] + test[len(ref):]
    self.user_properties.append(("deviations", [astuple(d) for d in compared]))
    too_far = [d for d in compared if not d.within]
    if too_far:
        self.comparison_traceback = [
            f"{len(too_far)} machine-dependent value(s) ({MARK}) outside the tolerance, "
            f"computed on {machine()}:", *[f"  {d}" for d in too_far]]
        return False
    if _exact_comparison(self, test, ref, skip_compare):
        return True
    self.comparison_traceback[:0] = [f"outputs differ, computed on {machine()}:",
                                     *_differing_lines(test, ref, where)]
    return False


def _texts(output):
    """{field: text} of one output, streams and MIME data alike."""
    texts = {k: v for k, v in output.items() if isinstance(v, str) and k not in ("output_type", "name")}
    return {**texts, **{k: v for k, v in output.get("data", {}).items() if isinstance(v, str)}}


def _differing_lines(test, ref, where, most=10):
    """The first lines that differ between computed and committed outputs, one per line, each
    shown around its first differing character."""
    found = []
    for computed, committed in zip(test, ref):
        new, old = _texts(computed), _texts(committed)
        for field in new.keys() & old.keys():
            for number, (a, b) in enumerate(zip(new[field].splitlines(), old[field].splitlines()), 1):
                if a != b:
                    found.append(f"  {where} {field}, line {number}: committed {_around(b, a)!r}, "
                                 f"computed {_around(a, b)!r}")
    return found[:most]


def _around(line, other, width=30):
    """``line`` from ``width`` characters before its first difference from ``other`` to
    ``width`` after, with ``…`` where it is cut."""
    first = next((i for i, (x, y) in enumerate(zip(line, other)) if x != y), min(len(line), len(other)))
    start, end = max(0, first - width), first + width
    return "…" * (start > 0) + line[start:end] + "…" * (end < len(line))


IPyNbCell.compare_outputs = compare_outputs


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
    """Each worker takes a whole group at a time, in the order of the collection."""
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return group(nodeid)

    config.option.loadscopereorder = False
    return ByGroup(config, log)


def pytest_runtest_logreport(report):
    """Collects the compared values of each cell, from this process or from a worker."""
    if report.when == "call":
        DEVIATIONS.extend(Deviation(*fields) for name, value in report.user_properties
                          if name == "deviations" for fields in value)


def pytest_terminal_summary(terminalreporter):
    """Per cell, how far its machine-dependent values moved from the committed ones."""
    if not DEVIATIONS:
        return
    terminalreporter.section(f"machine-dependent values ({MARK}), computed on {machine()}")
    cells = {}
    for d in DEVIATIONS:
        cells.setdefault(d.cell, []).append(d)
    # by notebook (workers run theirs side by side), each in the order of its cells
    for cell, found in sorted(cells.items(), key=lambda c: c[0].split(" cell ")[0]):
        worst = max(found, key=lambda d: d.distance / d.tolerance)
        terminalreporter.write_line(
            f"{cell}: {len(found)} values, largest move {worst.distance:.4g} "
            f"(tolerance {worst.tolerance})")
