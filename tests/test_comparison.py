"""The notebook comparison itself (tests/nbcompare.py): exact, except values marked †, which
pass within their tolerance and otherwise fail with a message that names the value. Its rules
first, on text alone; then whole notebooks under pytest, here and in an xdist worker."""
from pathlib import Path

import nbformat
import pytest

from tests.nbcompare import _around, _reconcile_text

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parent.parent
COMMITTED = "best of 3 trials: learning_rate = 0.5, validation_error = 0.2000†\nexact {}\n"


@pytest.fixture
def run_notebook(pytester, monkeypatch):
    """Commit a one-cell notebook with COMMITTED as its output, recompute it with other
    values, and compare as `make test` does."""
    pytester.makeconftest('pytest_plugins = ["tests.nbcompare"]')
    monkeypatch.setenv("PYTHONPATH", str(ROOT))

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


def reconcile(computed, committed, tolerance=0.08):
    compared = []
    return _reconcile_text(computed, committed, "page cell 0", "text", tolerance, compared), compared


def test_a_marked_value_within_its_tolerance_reads_as_committed():
    text, [found] = reconcile("error 0.2700† at 0.5", "error 0.2000† at 0.5")
    assert text == "error 0.2000† at 0.5" and found.within and round(found.distance, 4) == 0.07


def test_a_marked_value_outside_its_tolerance_stays_as_computed():
    text, [found] = reconcile("error 0.3000†", "error 0.2000†")
    assert text == "error 0.3000†" and not found.within
    assert "committed 0.2, computed 0.3, off by 0.1 > tolerance 0.08" in str(found)


def test_an_unmarked_difference_is_left_for_the_exact_comparison():
    text, found = reconcile("error 0.2000† and 0.1631", "error 0.2000† and 0.1630")
    assert text == "error 0.2000† and 0.1631" and len(found) == 1


def test_a_share_is_compared_in_points_by_its_own_tolerance():
    text, [found] = reconcile("65%† of searches", "60%† of searches", {"": 0.01, "%": 5})
    assert text == "60%† of searches" and found.tolerance == 5
    with pytest.raises(ValueError, match="no entry for the unit '%'"):
        reconcile("65%†", "60%†", {"": 0.01})


def test_a_difference_is_shown_around_its_first_differing_character():
    line = "x" * 100 + "relative difference 3.9e-10"
    assert _around(line, line.replace("3.9", "4.0")) == "…" + "x" * 10 + "relative difference 3.9e-10"


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
