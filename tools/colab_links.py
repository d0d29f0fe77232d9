"""Write the notebooks' "Open in Colab" links and Colab install lines, and the Korean catalogs'
translated links, from the one repository setting in _config.yml (then `make colab-links`
writes the Korean notebooks). `python -m tools.colab_links --check` only compares."""
import re
import sys

import nbformat

from .book import repository
from .translations import CATALOGS, ROOT

# a Colab link up to the notebook's path in the repository, and the install line
COLAB = re.compile(r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/[^/\s)]+/")
INSTALL = re.compile(r'"hpobook @ git\+[^"\\]*')


def expected():
    repo = repository()
    return (f"https://colab.research.google.com/github/{repo['slug']}/blob/{repo['branch']}/",
            f'"hpobook @ git+{repo["url"]}@{repo["branch"]}')


def sync(path, expected, check):
    """Rewrite (or, with ``check``, compare) the links and install lines; True if in sync."""
    text = path.read_text()
    colab, install = expected
    if path.suffix == ".ipynb":
        nb = nbformat.reads(text, as_version=4)
        if not any(COLAB.search(c.source) for c in nb.cells) or not any(
                INSTALL.search(c.source) for c in nb.cells):
            raise SystemExit(f"{path}: no Colab link or install line to update")
        for cell in nb.cells:
            cell.source = INSTALL.sub(install, COLAB.sub(colab, cell.source))
        new = nbformat.writes(nb) + "\n"
    else:  # a catalog: the English link and its Korean translation
        new = COLAB.sub(colab, text)
    if not check and new != text:
        path.write_text(new)
    return new == text


def main(argv):
    check = "--check" in argv
    files = [*sorted((ROOT / "notebooks").glob("*.ipynb")),
             *sorted((CATALOGS / "notebooks").glob("*.po"))]
    links = expected()
    stale = [path for path in files if not sync(path, links, check)]
    for path in stale:
        print(f"{path.relative_to(ROOT)}: Colab link {'out of date' if check else 'updated'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
