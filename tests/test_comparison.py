"""The notebook comparison itself (conftest.py): exact, except values marked †, which pass
within their tolerance and otherwise fail with a message that names the value."""
from pathlib import Path

import nbformat
import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parent.parent
COMMITTED = "best of 3 trials: learning_rate = 0.5, validation_error = 0.2000†\nexact {}\n"


@pytest.fixture
def run_notebook(pytester, monkeypatch):
    """Commit a one-cell notebook with COMMITTED as its output, recompute it with other
    values, and compare as `make test` does."""
    pytester.makeconftest((ROOT / "conftest.py").read_text())

    def run(approx, exact="0.1630", options=(), committed_exact="0.1630"):
        cell = nbformat.v4.new_code_cell(
            'import os\nprint(f"best of 3 trials: learning_rate = 0.5, validation_error '
            '= {os.environ[\'APPROX\']}†\\nexact {os.environ[\'EXACT\']}")', execution_count=1,
            outputs=[nbformat.v4.new_output("stream", name="stdout",
                                            text=COMMITTED.format(committed_exact))])
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), pytester.path / "page.ipynb")
        monkeypatch.setenv("APPROX", approx)
        monkeypatch.setenv("EXACT", exact)
        return pytester.runpytest_subprocess("--nbval", "--nbval-current-env",
                                             "-p", "no:cacheprovider", *options, "page.ipynb")
    return run


@pytest.mark.parametrize("options", [(), ("-n", "1")], ids=["here", "in-a-worker"])
def test_marked_value_within_tolerance_passes(run_notebook, options):
    """The summary lists the move wherever the cell ran (`make test` runs xdist workers)."""
    result = run_notebook("0.2700", options=options)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["page.ipynb cell 0: 1 values, largest move 0.07 (tolerance 0.08)"])


def test_marked_value_outside_tolerance_names_value_distance_and_machine(run_notebook, monkeypatch):
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "avx2")
    result = run_notebook("0.3000")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*1 machine-dependent value(s) (†) outside the tolerance, computed on *ATEN_CPU_CAPABILITY=avx2*",
        "*page.ipynb cell 0*line 1*validation_error*committed 0.2, computed 0.3, off by 0.1 > tolerance 0.08"])


def test_unmarked_value_must_match_exactly(run_notebook):
    result = run_notebook("0.2000", exact="0.1631")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*line 2: committed 'exact 0.1630', computed 'exact 0.1631'"])


def test_a_long_line_shows_where_it_differs(run_notebook):
    """The failure shows the part of a line that differs, however far along it lies."""
    prefix = "lr 0.01: hypergradient -19.69147, finite difference -19.69147, " * 2
    result = run_notebook("0.2000", exact=prefix + "relative difference 3.9e-10",
                          committed_exact=prefix + "relative difference 4.0e-10")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*line 2: committed '…19.69147, relative difference 4.0e-10', "
                                 "computed '…19.69147, relative difference 3.9e-10'"])
