"""Helpers for the executable chapter "What Is Hyperparameter Optimization?"."""
import inspect

from IPython.display import Code


def show_source(obj):
    """The source code of ``obj``, highlighted, to read in a notebook or the book."""
    return Code(inspect.getsource(obj), language="python")
