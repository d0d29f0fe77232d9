"""Which results depend on the machine that computes them, and how the pages show them.

SGD at large learning rates is sensitive to rounding, and from about 0.3 on chaotic: a
difference in the last bit of one operation (another instruction set, thread count or BLAS)
grows into another final error. Such values are shown with ``†`` after them (a footnote
mark: the value is exact for this machine, not an approximation); the tests compare them
with the committed outputs within a tolerance, and every other value exactly.
``bench/machine_spread.py`` measures both constants below.
"""
import math

import numpy as np

MARK = "†"
# Trials at this learning rate or above may end elsewhere on another machine. Measured: from
# 0.3 on, every trial moved under six emulated machines and six last-bit perturbations of the
# data (bench/machine_spread.py); below, the bench saw none move, but in the notebooks one trial
# at 0.157 moved by one validation image under avx2 with one thread. None below 0.13 moved.
CHAOTIC_LEARNING_RATE = 0.12
# How far a chaotic trial's validation error may stray: about twice the largest spread of one
# trial measured, 0.033 here (lr 0.5) and 0.043 on an AMD EPYC (lr 0.369, four settings).
ERROR_TOLERANCE = 0.08


def machine_dependent(learning_rates):
    """Whether trials at ``learning_rates`` (a number or an array) are chaotic."""
    return np.asarray(learning_rates) >= CHAOTIC_LEARNING_RATE


def shown(value, dependent, spec=".4f"):
    """``value`` formatted with ``spec``, followed by ``†`` when it depends on the machine."""
    return f"{value:{spec}}{MARK if dependent else ''}"


def bound(value):
    """The power of ten just above ``value`` (``"1e-09"`` for 3.9e-10): a figure set by
    round-off, shown as what holds on every machine."""
    return f"{10.0 ** math.ceil(math.log10(value)):.0e}"
