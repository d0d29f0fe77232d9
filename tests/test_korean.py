"""The Korean edition's sources: every message of the English book translated, one Korean
term per concept, markup intact, the Korean notebooks in sync, the search that finds a noun
with its particle. (The built Korean pages are tested in test_book.py.)"""
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from tools import book, translations  # noqa: E402

THEME = translations.CATALOGS / "sphinx.po"  # the theme's strings, kept by hand
PAGES = sorted(translations.CATALOGS.rglob("*.po"))


@pytest.fixture(scope="module")
def extracted():
    """The English book's messages, extracted afresh: {page: [msgid, ...]}."""
    run = subprocess.run([sys.executable, "-m", "tools.book", "extract"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    pots = sorted(book.GETTEXT.rglob("*.pot"))
    assert pots
    return {pot.relative_to(book.GETTEXT).with_suffix("").as_posix():
            [msgid for msgid, _, _ in translations.messages(pot)] for pot in pots}


def test_every_message_of_the_english_book_has_a_korean_translation(extracted):
    """Editing English prose without its translation fails here, naming the paragraph. The
    strings of book/_templates (page "sphinx") are the theme's."""
    missing = []
    for page, msgids in extracted.items():
        catalog = translations.CATALOGS / f"{page}.po"
        if not catalog.exists():
            missing.append(f"{page}: no catalog (run `make translations`)")
            continue
        korean = {msgid: (msgstr, fuzzy) for msgid, msgstr, fuzzy in translations.messages(catalog)}
        for msgid in msgids:
            msgstr, fuzzy = korean.get(msgid, ("", False))
            if not msgstr.strip() or fuzzy:
                state = "fuzzy: the English changed" if fuzzy else "not translated"
                missing.append(f"{page}: {state}: {msgid[:100]!r}")
    assert not missing, (f"{len(missing)} messages lack Korean; `make translations`, then translate "
                         "them in locales/ko/LC_MESSAGES:\n" + "\n".join(missing))
    assert sum(map(len, extracted.values())) > 300


@pytest.mark.parametrize("catalog", PAGES, ids=lambda p: p.stem)
def test_translations_keep_markup_and_glossary(catalog):
    assert translations.problems(catalog, translations.glossary()) == []


def test_glossary_check_catches_a_second_term():
    terms = translations.glossary()
    assert translations.glossary_misses("Each trial draws a learning rate.",
                                        "각 시행은 학습률을 뽑습니다.", terms) == []
    assert translations.glossary_misses("Each trial draws a learning rate.",
                                        "각 시도는 학습 속도를 뽑습니다.", terms) == ["learning rate", "trial"]
    assert translations.glossary_misses("by gradient descent", "경사 하강법으로", terms) == []


def test_markup_check_catches_a_changed_role():
    assert translations.markup("see {ref}`sec-a` and `x`") == translations.markup(
        "{ref}`sec-a`와 `x` 참고", korean=True)
    assert translations.markup("see {ref}`sec-a`") != translations.markup("{ref}`sec-b` 참고", korean=True)


def test_theme_strings_are_all_translated():
    messages = translations.messages(THEME)
    assert len(messages) > 30 and all(msgstr.strip() and not fuzzy for _, msgstr, fuzzy in messages)
    assert dict((i, s) for i, s, _ in messages)["On this page"] == "이 페이지의 내용"


def test_korean_notebooks_are_in_sync_with_the_english_ones_and_the_catalogs():
    check = subprocess.run([sys.executable, "-m", "tools.korean_notebooks", "--check"], cwd=ROOT,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr + "\nrun `make translations`"


@pytest.mark.parametrize("english", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_korean_notebook_has_the_same_code_and_outputs_and_korean_prose(english):
    korean = english.parent / "ko" / english.name
    en, ko = (nbformat.read(path, as_version=4) for path in (english, korean))
    assert len(en.cells) == len(ko.cells)
    for e, k in zip(en.cells, ko.cells):
        assert e.cell_type == k.cell_type
        if e.cell_type == "code":
            assert (e.source, json.dumps(e.outputs)) == (k.source, json.dumps(k.outputs))
    prose = [c.source for c in ko.cells if c.cell_type == "markdown"]
    assert f"notebooks/ko/{english.name})" in prose[0]  # its Colab link opens itself
    text = " ".join(" ".join(prose).split())
    catalog = translations.CATALOGS / "notebooks" / english.with_suffix(".po").name
    english_left = [msgid for msgid, msgstr, _ in translations.messages(catalog)
                    if msgstr != msgid and re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", text)]
    assert english_left == []


def test_korean_search_indexes_a_noun_without_its_particle():
    from korean_search import SearchKorean
    search = SearchKorean({})
    words = search.split("학습률을 너무 크게 잡으면 훈련이 발산합니다. Ray Tune의 워커가 시행을 실행합니다.")
    for noun in ["학습률", "훈련", "발산", "Tune", "워커", "시행"]:
        assert noun in words
    assert not {"학습률을", "훈련이", "Tune의", "시행을"} & set(words)
    assert search.stem("trials") == search.stem("trial")  # English words as in the English book
