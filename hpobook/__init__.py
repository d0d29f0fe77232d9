"""Helpers for the executable chapter "What Is Hyperparameter Optimization?"."""
import inspect

from IPython.display import Code


def show_source(obj):
    """The source code of ``obj``, highlighted, to read in a notebook or the book."""
    return Code(inspect.getsource(obj), language="python")


def glue(name, value):
    """Hand ``value`` to the book's prose as ``{glue:text}`name```: MyST-NB's glue, shown
    nowhere on the page; nothing where MyST-NB is not installed (Colab)."""
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    myst_glue(name, value, display=False)
