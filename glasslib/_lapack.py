"""LAPACK's two-stage symmetric eigenvalue driver, from the OpenBLAS that scipy already loaded.

For eigenvalues only, ``dsyevd_2stage`` reduces the matrix to a band by blocked (BLAS-3)
updates and the band to tridiagonal form by bulge chasing, where the classic one-stage
reduction behind ``scipy.linalg.eigvalsh`` spends half its flops in memory-bound matrix-vector
products. Measured here on one thread: the same at N = 2000, 1.5x faster at N = 4000, 1.9x at
N = 10^4 (``benchmarks/floors.py`` times both drivers at N = 4000). scipy does not wrap
the two-stage drivers, but the OpenBLAS its wheels ship contains them (LAPACK >= 3.7): this
module finds that library through threadpoolctl (the one scipy's own LAPACK calls go to, so
the same thread limits apply) and calls ``LAPACKE_dsyevd_2stage`` through ctypes. Where there
is no such library or symbol (another BLAS vendor), :func:`eigvalsh_2stage` is unavailable and
the caller uses ``scipy.linalg.eigvalsh``; which of the two ran is a property of the installed
scipy, so it is part of the platform a result is recorded with.
"""

from __future__ import annotations

import ctypes
import functools

import numpy as np
import scipy.linalg

from ._validation import check_choice

__all__ = ["TWO_STAGE_MIN_N", "SYMMETRIC_DRIVERS", "two_stage_available", "eigvalsh_2stage",
           "symmetric_eigenvalues"]

#: from this size on, ``driver="auto"`` takes the two-stage driver (where the BLAS has it):
#: measured on one thread, the two are equal at N = 1000-2000, the two-stage one 1.5x faster at
#: N = 4000 and 1.9x at N = 10^4, and 1.5x slower below N = 300
TWO_STAGE_MIN_N = 3000

SYMMETRIC_DRIVERS = ("auto", "classic", "two_stage")

#: (symbol, integer type) of the LAPACKE entry point in the scipy-openblas builds: the LP64
#: build scipy ships (``scipy_`` prefix) and the ILP64 one numpy ships (``64_`` suffix)
_SYMBOLS = (("scipy_LAPACKE_dsyevd_2stage", ctypes.c_int),
            ("LAPACKE_dsyevd_2stage", ctypes.c_int),
            ("scipy_LAPACKE_dsyevd_2stage64_", ctypes.c_int64))
_COL_MAJOR = 102


@functools.lru_cache(maxsize=1)
def _entry_point():
    """The ctypes function ``LAPACKE_dsyevd_2stage`` and its integer type, or None."""
    import scipy.linalg  # noqa: F401  (loads scipy's OpenBLAS, so threadpoolctl sees it)
    from threadpoolctl import threadpool_info

    libraries = [i["filepath"] for i in threadpool_info()
                 if i.get("internal_api") == "openblas"]
    # scipy's own OpenBLAS first: the library scipy.linalg's drivers call
    libraries.sort(key=lambda path: "scipy.libs" not in path)
    for path in libraries:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name, integer in _SYMBOLS:
            fn = getattr(lib, name, None)
            if fn is None:
                continue
            fn.argtypes = [ctypes.c_int, ctypes.c_char, ctypes.c_char, integer,
                           ctypes.c_void_p, integer, ctypes.c_void_p]
            fn.restype = integer
            return fn, path
    return None


def two_stage_available() -> bool:
    """True when the two-stage driver was found (scipy's bundled OpenBLAS has it)."""
    return _entry_point() is not None


def eigvalsh_2stage(matrix: np.ndarray) -> np.ndarray:
    """Eigenvalues (ascending) of the symmetric ``matrix`` by ``dsyevd_2stage``, reading its
    lower triangle as ``scipy.linalg.eigvalsh`` does. Raises RuntimeError when the driver is
    unavailable (check :func:`two_stage_available`) or reports a failure."""
    found = _entry_point()
    if found is None:
        raise RuntimeError("LAPACK's dsyevd_2stage is not available in this BLAS")
    fn, _ = found
    n = matrix.shape[0]
    # LAPACK overwrites its input: a Fortran-ordered copy (the copy eigvalsh makes too); the
    # Fortran lower triangle of the copy is the lower triangle of the array
    a = np.array(matrix, dtype=np.float64, order="F", copy=True)
    w = np.empty(n)
    if n == 0:
        return w
    info = fn(_COL_MAJOR, b"N", b"L", n, a.ctypes.data, n, w.ctypes.data)
    if info != 0:
        raise RuntimeError(f"dsyevd_2stage failed with info = {info}")
    return w


def symmetric_eigenvalues(matrix: np.ndarray, driver: str = "auto") -> np.ndarray:
    """Eigenvalues (ascending) of a symmetric ``matrix`` (its lower triangle is read).

    ``"classic"``: ``scipy.linalg.eigvalsh`` (one-stage tridiagonal reduction); ``"two_stage"``:
    :func:`eigvalsh_2stage`; ``"auto"``: the two-stage driver from :data:`TWO_STAGE_MIN_N`
    rows on when it is available, else the classic one. Both are backward stable, so they agree
    to ``N eps ||S||``. No input checks: callers check symmetry and finiteness.
    """
    check_choice("driver", driver, SYMMETRIC_DRIVERS)
    if driver == "auto":
        two_stage = matrix.shape[0] >= TWO_STAGE_MIN_N and two_stage_available()
    else:
        two_stage = driver == "two_stage"
    if two_stage:
        return eigvalsh_2stage(matrix)
    return scipy.linalg.eigvalsh(matrix, check_finite=False)
