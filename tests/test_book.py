"""The built book, both editions, in a real browser: Debian's chromium, driven by Playwright,
against _build/html served on 127.0.0.1. Requests to any other host are blocked and recorded."""
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from tools.book import pages, published, repository

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PUBLISHED = published()  # {lang: base URL}
PAGES = pages()
KOREAN = [f"ko/{name}" for name in PAGES]
# the chapter: the landing page and the three pages that teach it
CORE = [TOC["root"], "notebooks/objective", "notebooks/configuration_space", "notebooks/random_search"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
PHONE = 390  # px, the width of a common phone's viewport
# sphinx-book-theme 1.x declares this constant twice on every page; it is not ours.
THEME_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared",)
AXE = Axe()
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"duplicate-id": {"enabled": True}}}


@pytest.fixture(scope="session")
def book():
    """Build the book as `make book` does, in both languages: strict, from the committed
    outputs, which nbval checks, so that no notebook runs twice in one `make test`."""
    build = subprocess.run([sys.executable, "-m", "tools.book", "build"], cwd=ROOT,
                           capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert (HTML / "index.html").exists() and (HTML / "ko" / "index.html").exists()
    assert "Executed notebook" not in build.stdout + build.stderr
    return HTML


@pytest.fixture(scope="session")
def server(book):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                                "127.0.0.1", "-d", str(book)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the HTTP server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield browser
        browser.close()


@contextmanager
def window(browser, server):
    """A browser window onto the book: ``open_(name, width, query)`` opens a page in it.
    ``open_.foreign`` lists the URLs requested from any host but 127.0.0.1, which are blocked,
    and ``open_.errors`` the errors thrown by the pages' scripts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors, foreign = [], []

    def route(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)

    def open_(page_name, width=1280, query=""):
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.on("pageerror", lambda error: errors.append(f"{page_name}: {error}"))
        page.goto(f"{server}/{page_name}.html{query}", wait_until="load")
        return page

    open_.errors, open_.foreign = errors, foreign
    try:
        yield open_
    finally:
        context.close()


@pytest.fixture
def open_page(browser, server):
    """For the tests that click or type."""
    with window(browser, server) as open_:
        yield open_


@dataclass
class Visit:
    """What a page shows once loaded, idle (MathJax fetches its fonts after the load event) and
    typeset."""
    titles: int  # visible titles in the article
    errors: list
    foreign: list
    scroll_width: int
    formulas: int
    untypeset: list  # the formulas MathJax left as TeX
    contents: tuple  # article_contents
    prose: list  # PROSE
    parts: list  # the sidebar's part captions
    text: str  # the article's
    code: list  # the code cells' text, folded or not
    title: str
    colab: set  # the Colab links' targets
    lang: str
    url: str
    canonical: str  # the page's published address, as the head announces it
    alternates: dict  # hreflang: the published address of the page in that language
    switcher: str  # the page the header's language switcher links to
    violations: list  # axe-core's: (rule, impact, elements)


@pytest.fixture(scope="session")
def visit(browser, server):
    """``visit(name, width)``: the page's Visit, read the first time it is asked for, so that
    the tests that only read a page load it once. Its screenshot lands in test-artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    seen = {}

    def read(name, width):
        with window(browser, server) as open_:
            page = open_(name, width)
            page.wait_for_load_state("networkidle")
            math = page.locator(".math")
            formulas = math.count()
            if formulas:
                page.evaluate("() => MathJax.startup.promise.then(() => true)")
            visited = Visit(
                titles=page.locator("article section h1").count(), errors=open_.errors,
                foreign=open_.foreign,
                scroll_width=page.evaluate("document.scrollingElement.scrollWidth"),
                formulas=formulas,
                untypeset=page.locator(".math:not(:has(mjx-container))").all_inner_texts(),
                contents=article_contents(page), prose=page.evaluate(PROSE),
                parts=page.locator(".bd-sidebar-primary p.caption").all_inner_texts(),
                text=page.locator("article").inner_text(),
                code=page.locator(".cell_input").all_text_contents(),
                title=page.locator("article h1").first.inner_text(),
                colab={a.get_attribute("href")
                       for a in page.locator("a[href*='colab.research.google.com']").all()},
                lang=page.locator("html").get_attribute("lang"), url=page.url,
                canonical=page.locator("link[rel=canonical]").get_attribute("href"),
                alternates={link.get_attribute("hreflang"): link.get_attribute("href")
                            for link in page.locator("link[rel=alternate][hreflang]").all()},
                switcher=urljoin(page.url, page.locator("a.edition-switcher").get_attribute("href")),
                violations=[(v["id"], v["impact"], len(v["nodes"])) for v in AXE.run(
                    page, options=AXE_OPTIONS).response["violations"]])
            suffix = "-phone" if width == PHONE else ""
            page.screenshot(path=str(ARTIFACTS / f"{name.replace('/', '-')}{suffix}.png"),
                            full_page=True)
        return visited

    def visit_(name, width=1280):
        if (name, width) not in seen:
            seen[name, width] = read(name, width)
        return seen[name, width]

    return visit_


@pytest.mark.parametrize("name", PAGES + KOREAN)
def test_page_loads_without_errors_from_our_code(visit, name):
    page = visit(name)
    assert page.titles == 1  # one visible title
    assert [e for e in page.errors if not any(t in e for t in THEME_ERRORS)] == []


@pytest.mark.parametrize("name", CORE + [f"ko/{name}" for name in CORE])
def test_the_chapters_code_teaches_without_plumbing(visit, name):
    """No code on the chapter's pages exists only to feed the prose or the tests: such cells
    are removed from the page (they stay in the notebook, for Colab)."""
    code = "\n".join(visit(name).code)
    assert "glue(" not in code and "NBVAL" not in code


@pytest.mark.parametrize("name", PAGES + KOREAN)
def test_page_requests_nothing_from_another_host(visit, name):
    """The book works offline: its scripts, styles, fonts and MathJax come from its own server."""
    assert visit(name).foreign == []


@pytest.mark.parametrize("width", [1280, PHONE])
@pytest.mark.parametrize("name", PAGES + KOREAN)
def test_page_passes_axe(visit, name, width):
    """axe-core's WCAG 2 A/AA and best-practice rules (the copy bundled with
    axe-playwright-python, offline), duplicate ids included: no violation of any impact."""
    assert visit(name, width).violations == []


@pytest.mark.parametrize("name", PAGES + KOREAN)
def test_page_fits_a_phone(visit, name):
    width = visit(name, PHONE).scroll_width
    assert width <= PHONE + 1, f"{name} scrolls sideways on a phone: {width} px wide"


def test_every_formula_is_typeset(visit):
    """MathJax, served with the book, turns the TeX of every formula into rendered math."""
    pages = {name: visit(name) for name in PAGES + KOREAN}
    assert {name: page.untypeset for name, page in pages.items() if page.untypeset} == {}
    assert sum(page.formulas for page in pages.values()) > 0


@pytest.mark.parametrize("width", [1280, PHONE])
def test_one_search_box_finds_pages_offline(open_page, width):
    page = open_page("book/intro", width)
    boxes = [b for b in page.locator(".search-button__button").all() if b.is_visible()]
    assert len(boxes) == 1  # the sidebar's field, or on a phone the header's button
    boxes[0].click()
    page.locator("#pst-search-dialog input[name=q]").fill("random search")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    hits = page.locator("#search-results ul.search li a")
    hits.first.wait_for()
    assert any(h.get_attribute("href").endswith("notebooks/random_search.html") for h in hits.all())
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1
    assert open_page.foreign == []


def test_configuration_space_table_is_numbered_and_referenced(open_page):
    page = open_page("notebooks/configuration_space")
    table = page.locator("table#tbl-mlp-space")
    assert table.count() == 1
    assert "multi-layer perceptron" in table.locator("caption").inner_text()
    assert table.locator("tbody tr").count() == 6
    assert "num_units" in table.inner_text() and "{tanh, relu}" in table.inner_text()
    reference = page.locator("a[href='#tbl-mlp-space']").first
    assert reference.inner_text().startswith("Table")
    table.screenshot(path=str(ARTIFACTS / "mlp-table.png"))


def test_bibliography_lists_every_cited_work(open_page):
    page = open_page("book/references")
    entries = page.locator(".bibliography, .citation-list").first.inner_text()
    for needle in ["Bergstra", "Bellman", "Maclaurin", "Franceschi", "Hutter", "Feurer", "Liaw"]:
        assert needle in entries
    intro = open_page("book/intro")
    targets = {a.get_attribute("href").split("#")[1]
               for a in intro.locator("a[href*='references.html#id']").all()}
    assert len(targets) >= 7  # the landing page's citations, each to its entry
    assert all(page.locator(f"[id='{target}']").count() == 1 for target in targets)


def test_scaling_out_shows_the_search_and_the_cluster_steps(open_page):
    page = open_page("notebooks/scaling_out")
    frame = page.locator("table.dataframe")
    assert frame.count() == 1 and frame.locator("tbody tr").count() == 20
    assert "validation_error" in frame.inner_text()
    assert page.locator("figure#fig-ray-search img").count() == 1
    text = page.locator("article").inner_text()
    assert "Failed to determine local IP" not in text  # the book hides Ray's own log lines
    for step in ["ray get-auth-token --generate", "ray start --head --port=6379",
                 "ray start --address=HEAD_IP:6379", "RAY_ADDRESS=HEAD_IP:6379"]:
        assert step in text
    frame.screenshot(path=str(ARTIFACTS / "ray-dataframe.png"))


def test_static_slider_redraws_figure_and_readout(open_page):
    page = open_page("notebooks/random_search")
    slider = page.locator("#trial-slider input[type=range]")
    readout = page.locator("#trial-slider .trial-slider-readout")
    svg = page.locator("#trial-slider svg")
    assert readout.inner_text().startswith("Best of 5 trials")
    assert svg.locator("circle.trial").count() == 5
    before = svg.inner_html()
    page.locator("#trial-slider").screenshot(path=str(ARTIFACTS / "slider-5.png"))
    slider.fill("30")
    assert readout.inner_text().startswith("Best of 30 trials")
    assert svg.locator("circle.trial").count() == 30 and svg.inner_html() != before
    titles = [t.text_content() for t in svg.locator("circle.trial title").all()]
    assert titles[7].endswith("†") and not titles[0].endswith("†")  # lr 0.37 is chaotic, 0.016 not
    assert titles[20].endswith("(training diverged)")  # drawn, but never the best
    assert "trial 20," not in readout.inner_text()
    page.locator("#trial-slider").screenshot(path=str(ARTIFACTS / "slider-30.png"))
    slider.fill("1")
    assert readout.inner_text().startswith("Best of 1 trial:")
    for outside, clamped in [("0", "1"), ("-5", "1"), ("99", "30")]:
        slider.evaluate("(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }", outside)
        assert slider.input_value() == clamped
        assert readout.inner_text().startswith(f"Best of {clamped} trial")
    assert open_page.errors == [] or all(any(t in e for t in THEME_ERRORS) for e in open_page.errors)


def test_static_slider_fits_a_phone_and_redraws(open_page):
    """On a phone the two panels stand one above the other, at the size of their labels."""
    page = open_page("notebooks/random_search", PHONE)
    svg = page.locator("#trial-slider svg")
    box = svg.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE
    assert box["width"] >= 0.9 * svg.evaluate("s => s.viewBox.baseVal.width")  # legible
    page.locator("#trial-slider input[type=range]").fill("30")
    assert page.locator("#trial-slider .trial-slider-readout").inner_text().startswith(
        "Best of 30 trials")
    assert svg.locator("circle.trial").count() == 30
    rights = svg.evaluate("s => [...s.querySelectorAll('text')]"
                          ".map(t => t.getBoundingClientRect().right)")
    assert max(rights) <= PHONE  # every label on screen
    page.locator("#trial-slider").screenshot(path=str(ARTIFACTS / "slider-30-phone.png"))


@pytest.mark.parametrize("edition", ["", "ko/"])
def test_exercise_answers_stay_folded_until_opened(open_page, edition):
    """A learner sees each exercise's questions and can try them before the worked answer
    (sphinx-exercise's solutions, folded by sphinx-togglebutton)."""
    page = open_page(f"{edition}notebooks/exercises")
    questions = page.locator(".exercise.admonition")
    answers = page.locator(".solution.dropdown")
    assert questions.count() == answers.count() == 3
    assert all(q.is_visible() for q in questions.all())
    figure = answers.first.locator("img").first
    assert not figure.is_visible()
    answers.first.locator(".toggle-button").click()
    assert figure.is_visible()
    assert not answers.nth(1).locator("img").first.is_visible()  # the others stay folded
    title = answers.first.locator(".admonition-title").inner_text()
    assert title.startswith("풀이: 연습 문제" if edition else "Solution to Exercise")


@pytest.mark.parametrize("edition", ["", "ko/"])
def test_colab_links_point_to_the_notebook_on_main(visit, edition):
    """A Korean page opens the Korean notebook (notebooks/ko/), an English page the English one."""
    slug = repository()["slug"]
    for name in [p for p in PAGES if p.startswith("notebooks/")]:
        notebook = name.replace("notebooks/", f"notebooks/{edition}")
        want = f"https://colab.research.google.com/github/{slug}/blob/main/{notebook}.ipynb"
        # the header's launch button and the notebook's own link
        assert visit(edition + name).colab == {want}


@pytest.mark.parametrize("name", PAGES)
def test_switcher_leads_to_the_same_page_in_the_other_language_and_back(visit, name):
    english, korean = visit(name), visit(f"ko/{name}")
    assert (english.lang, korean.lang) == ("en", "ko") and HANGUL.search(korean.title)
    assert english.url.endswith(f"/{name}.html") and korean.url.endswith(f"/ko/{name}.html")
    assert english.switcher == korean.url and korean.switcher == english.url
    # for search engines: the published addresses, from the repository in _config.yml
    published = {lang: f"{base}{name}.html" for lang, base in PUBLISHED.items()}
    assert english.alternates == korean.alternates == {**published, "x-default": published["en"]}
    assert (english.canonical, korean.canonical) == (published["en"], published["ko"])


def test_sitemap_lists_every_page_of_both_editions_with_its_alternates(book):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    listed = {url.findtext("s:loc", namespaces=ns):
              {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
              for url in ElementTree.parse(book / "sitemap.xml").getroot()}
    assert len(listed) == 2 * len(PAGES)
    for name in PAGES:
        published = {lang: f"{base}{name}.html" for lang, base in PUBLISHED.items()}
        for address in published.values():
            assert listed[address] == {**published, "x-default": published["en"]}
            assert (book / address.removeprefix(PUBLISHED["en"])).exists()


@pytest.mark.parametrize("name", PAGES + KOREAN)
def test_link_previews_speak_the_pages_language(book, name):
    """OpenGraph: the page's title, description, address and image, in its language."""
    meta = dict(re.findall(r'<meta property="(og:[a-z:_]+)" content="([^"]*)"',
                           (book / f"{name}.html").read_text()))
    korean = name.startswith("ko/")
    assert meta["og:locale"] == ("ko_KR" if korean else "en_US")
    assert meta["og:url"] == PUBLISHED["en"] + f"{name}.html"
    for key in ("og:title", "og:description", "og:site_name", "og:image:alt"):
        assert bool(HANGUL.search(meta[key])) == korean, key
    image = meta["og:image"].removeprefix(PUBLISHED["en"])
    assert image != meta["og:image"] and (book / image).stat().st_size > 10_000


def test_not_found_page_leads_back_to_the_start_in_both_languages(book):
    """GitHub Pages answers every missing address with the root's 404.html: it speaks both
    languages, and loads its styles from the book's root whatever the address."""
    english, korean = (book / "404.html").read_text(), (book / "ko" / "404.html").read_text()
    for lang, base in PUBLISHED.items():
        assert f'<div lang="{lang}">' in english and f'href="{base}"' in english
    assert f'href="{PUBLISHED["ko"]}"' in korean and HANGUL.search(korean.split("<article")[1])
    assert f'href="{urlsplit(PUBLISHED["en"]).path}_static/' in english


@pytest.mark.parametrize("width", [1280, PHONE])
def test_switcher_is_a_button_that_works(open_page, width):
    """In the header's one row, as its label or on a phone its short label."""
    page = open_page("notebooks/random_search", width)
    english = page.url
    page.locator("a.edition-switcher").click()
    page.wait_for_url(english.replace("/notebooks/", "/ko/notebooks/"))
    assert page.locator("html").get_attribute("lang") == "ko"
    page.locator("a.edition-switcher").click()
    page.wait_for_url(english)
    assert page.locator("html").get_attribute("lang") == "en"


def article_contents(page):
    """What both editions share: code, outputs and figures, in page order (a drawn figure's
    Korean twin, name.ko.svg, stands for name.svg)."""
    return (page.locator("article pre").all_inner_texts(),
            [re.sub(r"\.ko(\.\w+)$", r"\1", img.get_attribute("src"))
             for img in page.locator("article img").all()])


@pytest.mark.parametrize("name", PAGES)
def test_korean_page_shows_the_english_code_and_outputs(visit, name):
    english = visit(name).contents
    assert visit(f"ko/{name}").contents == english
    assert len(english[0]) + len(english[1]) > 0 or name.startswith("book/")


# Prose on a Korean page: paragraphs, list items, headings, captions and table cells outside
# code and outputs, without their code, math, citations and the bibliography's entries.
PROSE = """() => [...document.querySelectorAll(
    'article p, article li, article h1, article h2, article h3, article figcaption, article caption,'
    + ' article th, article td')]
  .filter(e => !e.closest('.cell_output, .highlight, pre, .citation-list, .bibliography, .output'))
  .map(e => { const c = e.cloneNode(true);
              c.querySelectorAll('code, .math, mjx-container, a[href*="references.html"], ul, ol')
                .forEach(x => x.remove());
              return c.textContent.replace(/\\s+/g, ' ').trim(); })"""


@pytest.mark.parametrize("name", KOREAN)
def test_korean_page_leaves_no_prose_in_english(visit, name):
    """Names, code and citations aside, a Korean page's text is Korean: a piece of prose of
    four English words or more without Hangul is a paragraph left untranslated."""
    page = visit(name)
    english = [text for text in page.prose
               if len(re.findall(r"[A-Za-z]{2,}", text)) >= 4 and not HANGUL.search(text)]
    assert english == []
    assert len(page.parts) == len(TOC["parts"]) and all(HANGUL.search(c) for c in page.parts)


@pytest.mark.parametrize("noun", ["학습률", "발산", "클러스터"])
def test_korean_search_finds_every_page_that_uses_a_noun_with_a_particle(open_page, visit, noun):
    """Sphinx has no Korean search: its index would hold 학습률을 and 학습률이, not 학습률."""
    expected = {name for name in KOREAN if re.search(f"{noun}[\\uac00-\\ud7a3]", visit(name).text)}
    assert expected, f"no page uses {noun} with a particle"
    page = open_page("ko/search", query=f"?q={noun}")
    # every hit listed: the summary's text is set when the search ends (Search._pulse_status
    # is -1 only until the next tick of its dots, which a busy machine can miss)
    page.wait_for_function("() => document.querySelector('#search-results .search-summary')"
                           "?.innerText")
    hits = {h.get_attribute("href").split("?")[0].removesuffix(".html")
            for h in page.locator("#search-results ul.search li a").all()}
    assert {f"ko/{h}" for h in hits} >= expected
    page.screenshot(path=str(ARTIFACTS / f"ko-search-{noun}.png"))


def test_static_slider_speaks_the_language_of_its_page(open_page):
    """One output in both editions; on a Korean page the slider's words are Korean."""
    page = open_page("ko/notebooks/random_search")
    slider = page.locator("#trial-slider")
    assert slider.locator(".trial-slider-label").inner_text() == "시행 횟수:"
    assert slider.locator("input[type=range]").get_attribute("aria-label") == "시행 횟수"
    assert slider.locator(".trial-slider-readout").inner_text().startswith("시행 5번 중 최고: 시행 ")
    slider.locator("input[type=range]").fill("30")
    assert slider.locator(".trial-slider-readout").inner_text().startswith("시행 30번 중 최고")
    text = slider.locator("svg").text_content()
    assert "학습률에 따른 검증 오류" in text and "validation" not in text
    slider.screenshot(path=str(ARTIFACTS / "ko-slider-30.png"))


def test_korean_page_downloads_the_korean_notebook(open_page):
    page = open_page("ko/notebooks/objective")
    link = page.locator("a[href$='_sources/notebooks/objective.ipynb']").first
    downloaded = page.request.get(urljoin(page.url, link.get_attribute("href"))).json()
    assert downloaded == json.loads((ROOT / "notebooks" / "ko" / "objective.ipynb").read_text())


class Links(HTMLParser):
    """A page's link targets (href, src) and the ids it defines."""

    def __init__(self):
        super().__init__()
        self.targets, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids.update(filter(None, [attrs.get("id"), attrs.get("name") if tag == "a" else None]))
        self.targets += [attrs[key] for key in ("href", "src") if attrs.get(key)]


def test_every_internal_link_and_anchor_resolves(book):
    """Every link of both editions to a page, file or anchor of the book points at something
    that exists; the external ones are listed once in test-artifacts/external-links.txt, not
    fetched."""
    pages = {path: Links() for path in book.rglob("*.html") if "_static" not in path.parts}
    for path, links in pages.items():
        links.feed(path.read_text())
    root_path = urlsplit(PUBLISHED["en"]).path  # the 404 page's links start with it
    broken, external = [], set()
    for path, links in pages.items():
        for target in links.targets:
            url = urlsplit(target)
            if url.scheme in ("http", "https") and not target.startswith(PUBLISHED["en"]):
                external.add(target.split("#")[0])
                continue
            if url.scheme in ("mailto", "data", "javascript") or (not url.path and not url.fragment):
                continue
            if target.startswith(PUBLISHED["en"]):
                file = book / target.removeprefix(PUBLISHED["en"]).split("#")[0]
            elif url.path.startswith(root_path):
                file = book / url.path.removeprefix(root_path)
            else:
                file = (path.parent / url.path).resolve() if url.path else path
            file = file / "index.html" if file.is_dir() else file
            if not file.exists():
                broken.append(f"{path.relative_to(book)}: {target}")
            elif url.fragment and file.suffix == ".html" and url.fragment not in pages[file].ids:
                broken.append(f"{path.relative_to(book)}: {target} (no such anchor)")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "external-links.txt").write_text("\n".join(sorted(external)) + "\n")
    assert broken == [], "\n".join(broken)
    assert any("colab.research.google.com" in link for link in external)
