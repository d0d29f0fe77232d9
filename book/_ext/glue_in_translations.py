"""Glued values in translated paragraphs. Sphinx parses a translated paragraph as a document of
its own, with the plain MyST parser (executablebooks/MyST-NB#587, fixed for notebooks by
executablebooks/MyST-NB#600), so MyST-NB's `glue` roles find no glue data there. This lookup
lends them the data of the notebook the paragraph belongs to."""
from myst_nb.ext.glue import directives, roles, utils

RENDERERS = {}  # docname: MyST-NB's renderer of the notebook, with its glue data


def retrieve_glue_data(document, key):
    """MyST-NB's lookup; in a translated paragraph (parsed after its page, whose paragraph used
    the same keys), with the page's renderer."""
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


def setup(app):
    roles.retrieve_glue_data = directives.retrieve_glue_data = retrieve_glue_data
    return {"parallel_read_safe": True}
