"""Write each notebook's "Open in Colab" link and its Colab install line from the one
repository setting in _config.yml. `python -m tools.colab_links --check` only compares."""
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\[Open in Colab\]\([^)]*\)")
INSTALL = re.compile(r'"hpobook @ git\+[^"]*"')


def expected(notebook):
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    slug = repo["url"].removeprefix("https://github.com/")
    path = notebook.relative_to(ROOT / repo.get("path_to_book", "")).as_posix()
    link = (f"[Open in Colab](https://colab.research.google.com/github/{slug}/blob/"
            f"{repo['branch']}/{path})")
    return link, f'"hpobook @ git+{repo["url"]}@{repo["branch"]}"'


def sync(notebook, check):
    """Rewrite (or, with ``check``, compare) the link and install line; True if in sync."""
    text = notebook.read_text()
    link, install = expected(notebook)
    nb = nbformat.reads(text, as_version=4)
    sources = [c.source for c in nb.cells]
    if not any(LINK.search(s) for s in sources) or not any(INSTALL.search(s) for s in sources):
        raise SystemExit(f"{notebook}: no Colab link or install line to update")
    for cell in nb.cells:
        cell.source = INSTALL.sub(install, LINK.sub(link, cell.source))
    new = nbformat.writes(nb) + "\n"
    if not check and new != text:
        notebook.write_text(new)
    return new == text


def main(argv):
    check = "--check" in argv
    stale = [nb for nb in sorted((ROOT / "notebooks").glob("*.ipynb")) if not sync(nb, check)]
    for nb in stale:
        print(f"{nb.relative_to(ROOT)}: Colab link {'out of date' if check else 'updated'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
