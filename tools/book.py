"""Build the book in two languages from one set of notebooks, and keep the Korean catalogs.

    python -m tools.book build     English at _build/html, Korean at _build/html/ko
    python -m tools.book extract   the English book's messages: _build/i18n/_build/gettext/
    python -m tools.book update    extract, merge into locales/ko/LC_MESSAGES/*.po, and write
                                   the Korean notebooks (once those are translated)

Neither language executes a notebook: both render the outputs committed with them.
"""
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree

import yaml

from . import korean_notebooks, translations

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
LOCALES = ROOT / "locales"
GETTEXT = BUILD / "i18n" / "_build" / "gettext"


def read(path):
    return yaml.safe_load(path.read_text())


def merged(base, changes):
    """A new ``base`` with ``changes`` written over it, nested mappings key by key."""
    return {**base, **{key: merged(base.get(key, {}), value) if isinstance(value, dict) else value
                       for key, value in changes.items()}}


def pages():
    """The book's pages, in the order of _toc.yml."""
    toc = read(ROOT / "_toc.yml")
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def repository():
    """`repository` in _config.yml, the one setting of the repository's address, with its
    owner/name as ``slug``."""
    repo = read(ROOT / "_config.yml")["repository"]
    return {**repo, "slug": urlparse(repo["url"]).path.strip("/")}


def published():
    """The addresses of both editions on GitHub Pages, from the repository's."""
    owner, name = repository()["slug"].split("/")
    base = f"https://{owner.lower()}.github.io/{name}/"
    return {"en": base, "ko": base + "ko/"}


def config(language):
    """The book's _config.yml for ``language`` (Korean: with locales/ko/_config.yml merged in),
    written under _build with absolute paths. The repository's address gives the published
    addresses (canonical links, OpenGraph, the 404 page's links) and the links to its files
    ({repo}`LICENSE`); each edition's switcher gets the other's name."""
    editions = {"en": read(ROOT / "_config.yml"), "ko": read(LOCALES / "ko" / "_config.yml")}
    own = {lang: edition["sphinx"]["config"] for lang, edition in editions.items()}
    book = editions["en"] if language == "en" else merged(editions["en"], editions["ko"])
    extensions = book["sphinx"]["local_extensions"]
    book["sphinx"]["local_extensions"] = {name: str(ROOT / path)
                                          for name, path in extensions.items()}
    settings = book["sphinx"]["config"]
    settings["language"] = language
    settings["locale_dirs"] = [str(ROOT / path) for path in settings["locale_dirs"]]
    other = "en" if language == "ko" else "ko"
    settings["html_context"]["edition"] = own[other]["html_context"]["edition"]
    addresses = published()
    settings["html_context"]["editions"] = addresses
    repo = book["repository"]
    settings.update(
        html_baseurl=addresses[language], ogp_site_url=addresses[language],
        ogp_site_name=book["title"], notfound_urls_prefix=urlparse(addresses[language]).path,
        extlinks={"repo": (f"{repo['url']}/blob/{repo['branch']}/%s", "%s")})
    # Pages answers every missing address with the English 404 page: it speaks both languages
    settings["notfound_context"]["body"] = "\n".join(
        f'<div lang="{lang}">'
        f'{own[lang]["notfound_context"]["body"].replace("{start}", addresses[lang])}</div>'
        for lang in (["en", "ko"] if language == "en" else ["ko"]))
    path = BUILD / "config" / f"_config.{language}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False))
    return path


def korean_toc():
    """_toc.yml with the parts' captions in Korean, from the root page's catalog (the gettext
    builder extracts them there, but Sphinx does not apply their translation)."""
    toc = read(ROOT / "_toc.yml")
    catalog = translations.CATALOGS / f"{toc['root']}.po"
    korean = translations.korean(catalog)
    for part in toc["parts"]:
        if part["caption"] not in korean:
            sys.exit(f"{catalog.relative_to(ROOT)}: no Korean for the part {part['caption']!r}")
        part["caption"] = korean[part["caption"]]
    path = BUILD / "config" / "_toc.ko.yml"
    path.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False))
    return path


def jupyter_book(*args):
    """Run `jupyter-book build`; stop, with its exit status, where it fails (it says why)."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), *args]
    if status := subprocess.run(command, cwd=ROOT).returncode:
        sys.exit(status)


def build():
    jupyter_book("-W", "--keep-going", "--config", str(config("en")), "--path-output", str(ROOT))
    jupyter_book("-W", "--keep-going", "--config", str(config("ko")), "--toc", str(korean_toc()),
                 "--path-output", str(BUILD / "ko"))
    korean = BUILD / "html" / "ko"
    shutil.rmtree(korean, ignore_errors=True)
    shutil.copytree(BUILD / "ko" / "_build" / "html", korean)
    for notebook in (ROOT / "notebooks" / "ko").glob("*.ipynb"):  # the pages' download button
        shutil.copyfile(notebook, korean / "_sources" / "notebooks" / notebook.name)
    sitemap()


def sitemap():
    """_build/html/sitemap.xml: every page of both editions with its address in each language.
    (sphinx-sitemap writes one per build and puts every language under a folder of its own;
    English is at the root here.)"""
    addresses = published()
    xhtml = "http://www.w3.org/1999/xhtml"
    ElementTree.register_namespace("xhtml", xhtml)
    urlset = ElementTree.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    for page, lang in ((page, lang) for lang in addresses for page in pages()):
        url = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(url, "loc").text = f"{addresses[lang]}{page}.html"
        for other, base in {**addresses, "x-default": addresses["en"]}.items():
            ElementTree.SubElement(url, f"{{{xhtml}}}link", rel="alternate", hreflang=other,
                                   href=f"{base}{page}.html")
    ElementTree.indent(urlset)
    ElementTree.ElementTree(urlset).write(BUILD / "html" / "sitemap.xml", xml_declaration=True,
                                          encoding="utf-8")


def extract():
    shutil.rmtree(GETTEXT, ignore_errors=True)
    jupyter_book("-W", "--keep-going", "--builder", "custom", "--custom-builder", "gettext",
                 "--config", str(config("en")), "--path-output", str(GETTEXT.parents[1]))
    return GETTEXT


def update():
    """Merge the English book's messages into the Korean catalogs. If every message has its
    Korean, write the Korean notebooks; if not, list what is left. The theme's strings are
    kept by hand in locales/ko/LC_MESSAGES/sphinx.po."""
    (extract() / "sphinx.pot").unlink(missing_ok=True)
    intl = [str(Path(sys.executable).with_name("sphinx-intl")), "update", "-p", str(GETTEXT),
            "-d", str(LOCALES), "-l", "ko", "-w", "0"]
    if status := subprocess.run(intl, cwd=ROOT).returncode:
        sys.exit(status)
    if translations.main([]):
        sys.exit("Translate these in locales/ko/LC_MESSAGES (clear the fuzzy flags), then run "
                 "`make translations` again: it writes the Korean notebooks.")
    korean_notebooks.main([])


if __name__ == "__main__":
    commands = {"build": build, "extract": extract, "update": update}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]]()
