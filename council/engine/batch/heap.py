"""Keep the kernel's freed arrays in the process's heap, so the next block reuses their pages.

A block's arrays are a few megabytes each and short-lived. glibc's malloc serves such sizes by
mapping fresh pages (over its mmap threshold) or hands freed pages back to the system (over
its trim threshold), so every temporary faulted its pages in again: most of a round's time,
measured. ``keep`` raises both thresholds once per process (glibc's ``mallopt``); elsewhere it
does nothing. Memory stays bounded by the largest block: freed pages are reused, not held twice
(a process that ran a sweep, the app's included, keeps up to ``TRIM_THRESHOLD`` of them).
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
"""glibc's ``mallopt`` parameters (malloc.h)."""
MMAP_THRESHOLD = 32 * 2**20
"""Arrays below this come from the heap (glibc's largest allowed value on 64-bit)."""
TRIM_THRESHOLD = 128 * 2**20
"""Free memory at the heap's top kept up to this much."""
TOP_PAD = 32 * 2**20
"""Extra heap asked for whenever it grows, so growing is rare."""


@cache
def keep() -> bool:
    """Raise malloc's thresholds for this process (once); whether it could (glibc only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:  # the process's own symbols hold its C library's (find_library would run ldconfig)
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return all(
        mallopt(param, value) == 1
        for param, value in (
            (M_MMAP_THRESHOLD, MMAP_THRESHOLD),
            (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            (M_TOP_PAD, TOP_PAD),
        )
    )
