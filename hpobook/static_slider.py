"""A trial-count slider for the static book: the trials' results and the script that
redraws the figure travel inside one HTML output, so it works without kernel or network."""
import json
from importlib import resources

from IPython.display import HTML

from .repro import shown
from .search import LEARNING_RATE

SCRIPT = resources.files(__package__).joinpath("trial_slider.js").read_text()


def static_trial_slider(trials, value=5, element_id="trial-slider"):
    """An HTML slider over the first 1..len(trials) of ``trials`` (computed already)."""
    # a machine-dependent error travels as the text "0.2179†" (see hpobook.repro)
    data = {"lr": [round(t.learning_rate, 8) for t in trials],
            "error": [shown(t.error, True, ".6f") if t.machine_dependent else round(t.error, 6)
                      for t in trials],
            "diverged": [t.diverged for t in trials],
            "lrRange": [float(v) for v in LEARNING_RATE.support()]}
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return HTML(
        f'<div id="{element_id}" class="trial-slider">'
        f'<label><span class="trial-slider-label">Number of trials:</span> '
        f'<input type="range" min="1" max="{len(trials)}" '
        f'value="{min(value, len(trials))}" step="1" aria-label="number of trials"> '
        f'<span class="trial-slider-count"></span></label>'
        # trial_slider.js lays the figure out for the element's width; narrower, it shrinks
        f'<svg role="img" fill="currentColor" style="display:block;max-width:100%;height:auto" '
        f'aria-label="validation error against learning rate, and best error so far"></svg>'
        f'<p class="trial-slider-readout"></p>'
        f'<script type="application/json">{payload}</script>'
        f'<script>{SCRIPT}\nhpobookTrialSlider(document.getElementById("{element_id}"));'
        f'</script></div>')
