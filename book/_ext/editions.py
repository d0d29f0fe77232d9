"""The book's two editions, English at the site root and Korean under ko/ (tools/book.py):
every page links to the same page of the other edition, the Korean pages' Colab button opens
the Korean notebook (notebooks/ko/), and the Korean edition's theme strings come from
locales/ko/LC_MESSAGES/sphinx.po."""
import gettext
import re
from pathlib import Path

from sphinx import locale


def switch_edition(app, pagename, templatename, context, doctree):
    """The other edition's page, for templates/edition-switcher.html: its name comes from
    html_context (tools/book.py), its address from the page's. And the page's published
    address in each language, for templates/layout.html."""
    root = "../" * pagename.count("/")
    other = context["edition"]
    there = "ko/" if other["lang"] == "ko" else "../"
    context["edition"] = {**other, "url": f"{root}{there}{pagename}.html"}
    context["alternates"] = {lang: f"{base}{pagename}.html"
                             for lang, base in context["editions"].items()}


def korean_colab(app, pagename, templatename, context, doctree):
    """On Korean pages, the Colab button opens the Korean notebook."""
    if app.config.language == "ko":
        for group in context.get("header_buttons", []):
            for button in group.get("buttons", []):
                if button.get("text") == "Colab":
                    button["url"] = re.sub(r"/notebooks/(?=[^/]+\.ipynb$)", "/notebooks/ko/",
                                           button["url"])


def theme_strings_first(app, config):
    """Sphinx reads locales/ko/LC_MESSAGES/sphinx.po first for its own strings and
    pydata-sphinx-theme's. sphinx-book-theme and sphinx-exercise have catalogs of their own,
    which Sphinx's API can only extend: ours goes in front of them. The theme's Korean is
    machine-translated (executablebooks/sphinx-book-theme#684: "By" reads "으로"), and
    sphinx-exercise's "Solution to" + "Exercise" reads "해답 연습"."""
    if config.language != "ko":
        return
    for domain in ("booktheme", "exercise"):
        ours = gettext.translation("sphinx", Path(app.srcdir, config.locale_dirs[0]),
                                   languages=["ko"])
        ours.add_fallback(locale.get_translator(domain))
        locale.translators[("general", domain)] = ours


def setup(app):
    app.connect("config-inited", theme_strings_first)
    app.connect("html-page-context", switch_edition, priority=400)  # before the templates
    app.connect("html-page-context", korean_colab, priority=600)  # after the theme's buttons
    return {"parallel_read_safe": True}
