"""What a notebook must be before nbval even runs it: committed executed top to bottom,
with a Colab link and setup cell that follow the repository setting."""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from tools import colab_links
from tools.book import repository

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_executed_top_to_bottom_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert sum(bool(c.outputs) for c in code) >= len(code) // 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_timestamps_or_widget_state(path):
    """What `make notebooks` leaves out, so that a diff shows only what changed."""
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata
    assert not [i for i, c in enumerate(nb.cells) if "execution" in c.metadata]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_starts_with_colab_link_then_colab_only_setup(path):
    nb = nbformat.read(path, as_version=4)
    title, setup = nb.cells[0], nb.cells[1]
    assert title.cell_type == "markdown" and "[Open in Colab](" in title.source
    assert setup.cell_type == "code" and 'if "google.colab" in sys.modules:' in setup.source
    assert "--no-deps d2l==1.0.3" in setup.source and setup.outputs == []


def test_colab_links_follow_the_repository_setting():
    check = subprocess.run([sys.executable, "-m", "tools.colab_links", "--check"], cwd=ROOT,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_repository_address_is_typed_in_one_place():
    """`repository.url` in _config.yml drives every link to the repository (tools/book.py) and
    the notebooks' Colab links and install lines (`make colab-links`, checked above); no other
    source may name the repository."""
    slug = repository()["slug"]
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    typed = [name for name in files if name != "_config.yml" and (ROOT / name).is_file()
             and slug in colab_links.INSTALL.sub("", colab_links.COLAB.sub(
                 "", (ROOT / name).read_text(errors="ignore")))]
    assert typed == [], f"{slug} typed in {typed}: use {{repo}}`FILE` or _config.yml"
