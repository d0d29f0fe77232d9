"""Accessibility fixes to the HTML that docutils and sphinx-exercise write, each found by
axe-core; the rule each answers is named with it."""
import re

from docutils import nodes

# docutils (0.21.2, still in 0.23.1: _html_base.HTMLTranslator.visit_citation) marks each
# entry of a citation list role="doc-biblioentry", a role DPUB-ARIA 1.1 deprecates for
# listitem: browsers then see a list with no items (axe: aria-required-children, critical;
# aria-deprecated-role; aria-allowed-role).
BIBLIOENTRY = ' role="doc-biblioentry"'
# pandas' to_html leaves the cell above a dataframe's index an empty <th> (axe:
# empty-table-header); an empty corner cell is a <td>.
DATAFRAME_HEAD = re.compile(r'<table[^>]*class="dataframe"[^>]*>\s*<thead>.*?</thead>', re.S)
# sphinx-exercise 1.2.1 gives the body of every exercise the id exercise-content and of every
# solution solution-content: on a page with several, duplicate ids (axe's duplicate-id,
# which axe 4.12 runs only when asked, WCAG 2.2 having made 4.1.1 obsolete).
SHARED_IDS = {"exercise-content", "solution-content"}


def unique_exercise_ids(app, doctree, docname):
    """exercise-content in the exercise ex-test-set: ex-test-set-content."""
    for section in doctree.findall(nodes.section):
        if section["ids"] and section["ids"][0] in SHARED_IDS:
            owner = section.parent["ids"] if section.parent is not None else []
            section["ids"] = [f"{owner[0]}-content"] if owner else []


def fix_body(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        body = body.replace(BIBLIOENTRY, ' role="listitem"')
        body = DATAFRAME_HEAD.sub(lambda m: m[0].replace("<th></th>", "<td></td>"), body)
        context["body"] = body


def setup(app):
    app.connect("doctree-resolved", unique_exercise_ids)
    app.connect("html-page-context", fix_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
