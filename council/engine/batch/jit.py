"""numba's ``njit``, imported without its BLAS probe: the one place the kernel imports numba.

On import, ``numba.np.arraymath`` checks for a BLAS by importing ``scipy.linalg`` (about
0.2 s of a sweep worker's start-up when SciPy is installed, as pref_voting installs it). The
kernel's compiled functions use no linear algebra: the probe is answered "absent" (an
ImportError) while numba loads, and SciPy is left importable afterwards. numba's own linear
algebra would still probe again when compiled (``ensure_blas`` runs at compile time).
``ziggurat`` hands ``pcg`` the tables of numpy's normal sampler, from numba's port of it.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import numpy as np

_PROBE = "scipy.linalg.cython_blas"


def _load() -> Any:
    """numba, with ``numba.np.arraymath`` loaded while the BLAS probe fails.

    The garbage collector is off while it loads: its modules make some 100,000 objects, and
    each collection on the way would scan all of them again (about 20 ms of a sweep worker's
    start); they live as long as the process.
    """
    blocked = _PROBE not in sys.modules
    if blocked:
        sys.modules[_PROBE] = None  # type: ignore[assignment]  # import raises ImportError
    collecting = gc.isenabled()
    gc.disable()
    try:
        import numba  # type: ignore[import-untyped]
        import numba.np.arraymath  # type: ignore[import-untyped]  # noqa: F401  # probes BLAS
    finally:
        if collecting:
            gc.enable()
        if blocked and sys.modules.get(_PROBE, "") is None:
            del sys.modules[_PROBE]
    return numba


numba = _load()
njit = numba.njit
"""``numba.njit``."""


def ziggurat() -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """The ziggurat of numpy's ``standard_normal``: (ki, wi, fi, r, 1 / r) of its 256 layers.

    numpy keeps them in C; numba's port of numpy's generators carries the same tables, and
    ``tests/test_batch_pcg.py`` holds the draws made with them to numpy's own.
    """
    from numba.np.random import _constants as tables  # type: ignore[import-untyped]

    return (tables.ki_double, tables.wi_double, tables.fi_double, tables.ziggurat_nor_r,
            tables.ziggurat_nor_inv_r)  # fmt: skip
