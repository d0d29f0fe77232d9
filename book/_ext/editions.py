"""The book's two editions, English at the site root and Korean under ko/ (tools/book.py).

Every page links to the same page of the other edition; the Korean pages' Colab button
opens the Korean notebook (notebooks/ko/); and the Korean search index holds each word
without its particle, so that a search for 학습률 finds 학습률을 and 학습률이.
"""
import functools
import gettext
import io
import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from myst_nb.ext.glue import directives, roles, utils
from sphinx import locale
from sphinx.search.en import SearchEnglish

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# the other edition: language, label, short label (a phone's header), tooltip
EDITIONS = {"en": ("ko", "한국어", "한", "이 페이지의 한국어판"),
            "ko": ("en", "English", "EN", "This page in English")}
# What follows a Korean word's stem: particles (J), endings (E), the copula and the
# suffixes that make verbs of nouns (발산 + 하 + ㅂ니다)
INFLECTION = ("J", "E", "VCP", "XSV", "XSA")


@functools.lru_cache(maxsize=1)
def kiwi():
    from kiwipiepy import Kiwi
    return Kiwi()


class SearchKorean(SearchEnglish):
    """English stemming for English words; a Korean word is indexed as its stem (the word
    up to its particle or ending) and as each noun it is made of."""
    lang = "ko"
    language_name = "Korean"

    def split(self, text):
        return [term for word in super().split(text)
                for term in (self.korean_terms(word) if HANGUL.search(word) else [word])]

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def korean_terms(word):
        tokens = kiwi().tokenize(word)
        end = next((t.start for t in tokens[1:] if t.tag.startswith(INFLECTION)), len(word))
        stem = word[:end] or word  # 합니다: the ending starts where the verb does
        return [stem, *(t.form for t in tokens if t.tag in ("NNG", "NNP") and t.form != stem)]


RENDERERS = {}  # docname: MyST-NB's renderer of the notebook, with its glue data


def retrieve_glue_data(document, key):
    """MyST-NB's lookup, which also works in a translated paragraph: Sphinx parses that as a
    document of its own, without the notebook's glue data, after the page itself, whose
    paragraph used the same keys."""
    docname = document.settings.env.docname
    if "nb_renderer" in document:
        RENDERERS[docname] = document["nb_renderer"]
    if "nb_renderer" in document or docname not in RENDERERS:
        return utils.retrieve_glue_data(document, key)
    document["nb_renderer"] = RENDERERS[docname]
    try:
        return utils.retrieve_glue_data(document, key)
    finally:  # the paragraph keeps its document as parent, and the renderer cannot be pickled
        del document["nb_renderer"]


def switch_edition(app, pagename, templatename, context, doctree):
    """The other edition's page, for templates/edition-switcher.html."""
    other, label, short, title = EDITIONS["ko" if app.config.language == "ko" else "en"]
    root = "../" * pagename.count("/")
    context["edition"] = {"lang": other, "label": label, "short": short, "title": title,
                          "url": f"{root}{'ko/' if other == 'ko' else '../'}{pagename}.html"}


def korean_colab(app, pagename, templatename, context, doctree):
    """On Korean pages, the Colab button opens the Korean notebook."""
    if app.config.language == "ko":
        for group in context.get("header_buttons", []):
            for button in group.get("buttons", []):
                if button.get("text") == "Colab":
                    button["url"] = re.sub(r"/notebooks/(?=[^/]+\.ipynb$)", "/notebooks/ko/",
                                           button["url"])


def theme_strings(app, config):
    """On Korean pages, the theme's strings from locales/ko/theme.po first, before Sphinx's,
    pydata-sphinx-theme's and sphinx-book-theme's catalogs, which lack some of them."""
    if config.language != "ko":
        return
    with open(Path(app.srcdir, "locales", "ko", "theme.po"), "rb") as po:
        catalog, compiled = read_po(po), io.BytesIO()
    write_mo(compiled, catalog)
    for domain in ("sphinx", "booktheme"):
        ours = gettext.GNUTranslations(io.BytesIO(compiled.getvalue()))
        ours.add_fallback(locale.translators[("general", domain)])
        locale.translators[("general", domain)] = ours
    app.translator = locale.translators[("general", "sphinx")]  # what the templates will use


def setup(app):
    app.connect("config-inited", theme_strings)
    roles.retrieve_glue_data = directives.retrieve_glue_data = retrieve_glue_data
    app.add_search_language(SearchKorean)
    app.connect("html-page-context", switch_edition, priority=400)  # before the templates
    app.connect("html-page-context", korean_colab, priority=600)  # after the theme's buttons
    return {"parallel_read_safe": True}
