"""The built book in a real browser: Debian's chromium, driven by Playwright, against
_build/html served on 127.0.0.1. Requests to any other address are blocked."""
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
PAGES = ["book/intro", "notebooks/objective", "notebooks/configuration_space",
         "notebooks/random_search", "notebooks/exercises", "notebooks/scaling_out",
         "book/references"]
# sphinx-book-theme 1.x declares this constant twice on every page; it is not ours.
THEME_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared",)


@pytest.fixture(scope="session")
def book():
    """Build the book as `make book` does: strict, from the committed outputs, which nbval
    checks, so that no notebook runs twice in one `make test`."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    build = subprocess.run([str(jupyter_book), "build", str(ROOT), "-W", "--keep-going"],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert (HTML / "index.html").exists()
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


@pytest.fixture
def open_page(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
                  else route.abort())
    errors = []

    def open_(page_name):
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page_name}: {error}"))
        page.goto(f"{server}/{page_name}.html", wait_until="load")
        return page

    open_.errors = errors
    yield open_
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors_from_our_code(open_page, name):
    page = open_page(name)
    assert page.locator("article section h1").count() == 1  # one visible title
    page.screenshot(path=str(ARTIFACTS / f"{name.replace('/', '-')}.png"), full_page=True)
    ours = [e for e in open_page.errors if not any(t in e for t in THEME_ERRORS)]
    assert ours == []


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
    citations = intro.locator("a[href*='references.html#id']")
    assert citations.count() >= 13


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
    assert "error ≈" in titles[7] and "error ≈" not in titles[0]  # lr 0.37 is chaotic, 0.016 not
    page.locator("#trial-slider").screenshot(path=str(ARTIFACTS / "slider-30.png"))
    slider.fill("1")
    assert readout.inner_text().startswith("Best of 1 trial:")
    for outside, clamped in [("0", "1"), ("-5", "1"), ("99", "30")]:
        slider.evaluate("(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }", outside)
        assert slider.input_value() == clamped
        assert readout.inner_text().startswith(f"Best of {clamped} trial")
    assert open_page.errors == [] or all(any(t in e for t in THEME_ERRORS) for e in open_page.errors)


def test_colab_links_point_to_the_notebook_on_main(open_page):
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    slug = repo["url"].removeprefix("https://github.com/")
    for name in [p for p in PAGES if p.startswith("notebooks/")]:
        page = open_page(name)
        want = f"https://colab.research.google.com/github/{slug}/blob/main/{name}.ipynb"
        launch = page.locator("a[href*='colab.research.google.com']")
        hrefs = {launch.nth(i).get_attribute("href") for i in range(launch.count())}
        assert hrefs == {want}, hrefs  # the header's launch button and the notebook's own link
