"""nbval's comparison of notebook outputs, as the book needs it: every output exactly, except
numbers marked ``†`` (see ``hpobook.repro``), which depend on the machine and must lie within a
tolerance of the committed value: ``hpobook.repro.ERROR_TOLERANCE``, or the cell's ``tolerance``
metadata, a number or one per unit (``{"": 0.002, "%": 10}``: percentages are compared in
percentage points). A differing line is shown around its first difference; after the run, the
summary says per cell how far the marked values moved, also from xdist's workers.

A pytest plugin (the root conftest.py loads it): nbval has no hook for the comparison, so it
replaces ``IPyNbCell.compare_outputs`` and calls nbval's own for the exact part."""
import os
import platform
import re
from dataclasses import astuple, dataclass

from nbval.plugin import IPyNbCell

from hpobook.repro import ERROR_TOLERANCE, MARK

MARKED = re.compile(r"([-+]?\d+(?:\.\d+)?)(%?)" + MARK)
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
