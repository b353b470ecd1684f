"""Parameter validation shared by every public kernel.

Physics parameters are checked at the boundary so that a bad value fails at once, with a
message naming the parameter, instead of producing NaNs deep inside a solver.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_int",
    "check_real",
    "check_choice",
    "check_rng",
    "check_array",
    "blas_threads",
    "check_float_dtype",
    "check_square",
]


def check_int(name: str, value, *, minimum: int | None = None) -> int:
    """Return ``value`` as ``int`` if it is an integer (not bool) >= ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_real(
    name: str,
    value,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as ``float`` after checking type, finiteness and sign."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if np.isnan(value):
        raise ValueError(f"{name} must not be NaN")
    if np.isinf(value) and not allow_inf:
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if nonnegative and not value >= 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def check_choice(name: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_rng(name: str, value) -> np.random.Generator:
    """Accept a Generator, a SeedSequence or an int seed; return a Generator."""
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, np.random.SeedSequence):
        return np.random.default_rng(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        if value < 0:
            raise ValueError(f"{name} must be a non-negative seed, got {value}")
        return np.random.default_rng(int(value))
    raise TypeError(
        f"{name} must be a numpy Generator, SeedSequence or non-negative int seed, "
        f"got {type(value).__name__}"
    )


def check_array(name: str, value, *, ndim: int | None = None, shape=None, finite: bool = True):
    """Return ``value`` as a float ndarray after checking its dimension and finiteness."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - numpy raises many types here
        raise TypeError(f"{name} must be array-like: {exc}") from None
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def check_float_dtype(name: str, value):
    """Return ``np.dtype(value)`` if it is float32 or float64."""
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"{name} must be float32 or float64, got {value!r}") from None
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be float32 or float64, got {dtype}")
    return dtype


def check_square(name: str, value):
    """Return a finite real 2-D square array."""
    arr = check_array(name, value, ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
    return arr


def blas_threads(value):
    """A context that pins BLAS/LAPACK to ``value`` threads (None: leave the pool as it is).

    Dense LAPACK results change in the last bits with the thread count; pinning makes a seed give
    the same numbers on every machine and worker layout.
    """
    import contextlib

    from threadpoolctl import threadpool_limits

    if value is None:
        return contextlib.nullcontext()
    return threadpool_limits(limits=check_int("blas_threads", value, minimum=1), user_api="blas")
