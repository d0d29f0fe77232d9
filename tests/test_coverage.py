"""book/coverage.md maps every item of d2l's §19.1 to the sections of this book that cover it."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = [line for line in (ROOT / "book" / "coverage.md").read_text().splitlines()
        if line.startswith("| `")]
REF = re.compile(r"\{ref\}`(?:[^`<]*<)?([^`<>]+)>?`")
TARGET = re.compile(r"^\(([\w.-]+)\)=\s*$", re.MULTILINE)

# The chapter's items (d2l-en's chapter_hyperparameter-optimization/hyperopt-intro.md), in
# its order: 47 items, the figure, the table, the code cells, every exercise and sub-item,
# plus two items of d2l.ai's tooling.
CHAPTER_ITEMS = [
    "code-tab-select", "intro-p1", "intro-p2", "fig-ml-workflow", "intro-p3", "intro-p4",
    "intro-p5", "intro-p6",
    "problem-p1", "code-imports", "problem-p2",
    "objective-p1", "objective-p2", "objective-p3", "objective-p4", "objective-p5",
    "code-hpotrainer", "objective-p6", "code-hpo-objective",
    "space-p1", "code-config-space", "space-p2", "space-p3", "space-p4",
    "tab-example-configspace", "space-p5", "space-p6",
    "rs-p1", "code-rs-loop", "rs-p2", "code-rs-best", "rs-p3", "rs-p4", "rs-p5",
    "summary-p1", "summary-p2",
    "ex1", "ex1-a", "ex1-b", "ex1-c",
    "ex2", "ex2-a", "ex2-b", "ex2-c", "ex2-d", "ex2-e",
    "ex3", "ex3-a",
    "discussions-link",
]


def targets():
    found = set()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                found |= set(TARGET.findall("".join(cell["source"])))
    for path in (ROOT / "book").glob("*.md"):
        found |= set(TARGET.findall(path.read_text()))
    return found


def test_every_row_points_to_existing_sections():
    existing = targets()
    for row in ROWS:
        labels = REF.findall(row)
        assert labels, f"no {{ref}} in: {row}"
        missing = [label for label in labels if label not in existing]
        assert not missing, f"labels without a (label)= target: {missing}"


def test_every_chapter_item_has_exactly_one_row():
    ids = [row.split("|")[1].strip().strip("`") for row in ROWS]
    assert len(ids) == len(set(ids)), "an item has two rows"
    assert ids == CHAPTER_ITEMS
