"""Prose quotes what the page computes: a decimal number in a notebook's markdown is glued
from the cell that computes it (MyST-NB ``{glue:text}``), or it is one of the constants below."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
DECIMAL = re.compile(r"(?<![\w.§])\d+(?:,\d{3})*\.\d+(?![\w.])")
# Inputs and constants that no cell computes: what a page chooses, the chapter's numbers.
CONSTANTS = {
    "0.1",   # the learning rate the objective page evaluates; the decade [0.1, 1]
    "0.01", "1.0",  # learning rates at which exercise 2 evaluates the hypergradient
    "0.5",   # the midpoint of the momentum's range [0, 1] (configuration space)
    "0.05", "0.95",  # exercise 3: the chapter's 5 % best region, and the 95 % confidence
}
# Names and versions: "d2l 1.0.3", "Ray 2.7", "§19.1" (the § is excluded above).
VERSION = re.compile(r"(?:d2l|Ray|Python|torch) \d+(?:\.\d+)+")


def markdown_cells():
    return [pytest.param("".join(cell["source"]), id=f"{path.stem}-{number}")
            for path in NOTEBOOKS
            for number, cell in enumerate(json.loads(path.read_text())["cells"])
            if cell["cell_type"] == "markdown"]


@pytest.mark.parametrize("text", markdown_cells())
def test_decimal_numbers_in_prose_are_glued_or_constants(text):
    prose = VERSION.sub("", re.sub(r"\{glue:\w+\}`[^`]*`", "", text))
    typed = [m.group() for m in DECIMAL.finditer(prose) if m.group() not in CONSTANTS]
    assert not typed, (f"numbers typed by hand: {typed}; glue them from the cell that "
                       "computes them (hpobook.glue), or list a true constant in CONSTANTS")


def test_the_scan_finds_a_typed_number():
    assert DECIMAL.findall("errors between 0.160 and 0,171, §19.1, 1,000.5") == ["0.160",
                                                                                "1,000.5"]
