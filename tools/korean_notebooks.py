"""Write the Korean notebooks for Colab, notebooks/ko/*.ipynb, from the English notebooks and
the Korean catalogs: each paragraph, heading, list item and table cell of a markdown cell is
replaced by its translation; code cells and outputs stay as they are (the notebook's
metadata says ``language: ko``).

    python -m tools.korean_notebooks           write them
    python -m tools.korean_notebooks --check   only say which are out of date
"""
import re
import sys

import nbformat
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from .translations import CATALOGS, ROOT
from .translations import korean as catalog_translations

# MyST as Jupyter Book 1.x configures it, so that each piece reads as its msgid
PARSER = create_md_parser(MdParserConfig(enable_extensions={
    "colon_fence", "dollarmath", "linkify", "substitution", "tasklist"}), RendererHTML)
DIRECTIVE_OPTION = re.compile(r"^:[\w-]+:.*$")
LITERAL = {"code", "code-block", "code-cell", "math", "raw", "eval-rst"}  # bodies not prose


class Untranslated(Exception):
    """A piece of a notebook's markdown that the catalog does not translate."""


def translated(text, translations):
    """The translation of a piece of markdown, whose msgid has its lines joined by spaces."""
    msgid = " ".join(text.split("\n")).strip()
    if msgid not in translations:
        raise Untranslated(msgid)
    return translations[msgid]


def translate_markdown(text, translations):
    """``text`` (MyST markdown) with every translatable piece in Korean: paragraphs,
    headings, list items, table cells, and directives' titles and bodies."""
    lines = text.split("\n")
    for token in reversed(PARSER.parse(text)):  # from the end, so earlier line numbers hold
        if token.type in ("fence", "colon_fence") and token.info.startswith("{") and token.map:
            name, _, title = token.info[1:].partition("}")
            title = title.strip()
            if name in LITERAL:
                continue
            body = token.content.split("\n")
            options = next((i for i, line in enumerate(body) if not DIRECTIVE_OPTION.match(line)), 0)
            korean = translate_markdown("\n".join(body[options:]), translations)
            replace_in(lines, token.map, token.content, "\n".join(body[:options] + [korean]))
            if title in translations:  # an admonition's title; not a figure's path
                replace_in(lines, (token.map[0], token.map[0] + 1), title, translations[title])
        elif token.type == "inline" and token.map and token.content.strip():
            replace_in(lines, token.map, token.content, translated(token.content, translations))
    return "\n".join(lines)


def replace_in(lines, span, old, new):
    """Replace the last ``old`` in lines[span[0]:span[1]] by ``new``, where ``old`` may be
    indented (in a list, a quote): the lines of ``new`` get the same indentation. The last,
    because the pieces of one line (a table row's cells) come right to left."""
    start, end = span
    region = "\n".join(lines[start:end])
    pattern = r"\n[ \t>]*".join(re.escape(part) for part in old.rstrip("\n").split("\n"))
    matches = list(re.finditer(pattern, region))
    if not matches:
        raise Untranslated(old)
    indent = re.match(r"[ \t>]*", lines[start]).group(0)
    new = re.sub(r"\n(?=[^\n])", "\n" + indent, new.rstrip("\n"))
    last = matches[-1]
    lines[start:end] = (region[:last.start()] + new + region[last.end():]).split("\n")


def korean(notebook):
    """The Korean notebook for the English one at ``notebook``, as the text to commit."""
    catalog = CATALOGS / "notebooks" / notebook.with_suffix(".po").name
    translations = catalog_translations(catalog)
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            try:
                cell.source = translate_markdown(cell.source, translations)
            except Untranslated as error:
                raise SystemExit(f"{notebook.relative_to(ROOT)}: no Korean for {str(error)[:80]!r} "
                                 f"in {catalog.relative_to(ROOT)}: translate it, then run this again")
    nb.metadata["language"] = "ko"
    return nbformat.writes(nb) + "\n"


def main(argv):
    check = "--check" in argv
    stale = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        target = notebook.parent / "ko" / notebook.name
        text = korean(notebook)
        if not target.exists() or target.read_text() != text:
            stale.append(target)
            if not check:
                target.parent.mkdir(exist_ok=True)
                target.write_text(text)
    for target in stale:
        print(f"{target.relative_to(ROOT)}: {'out of date' if check else 'written'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
