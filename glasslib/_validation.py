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
    "check_symmetric",
    "MAX_ENERGY_RATIO",
    "check_energy_ratio",
]

#: largest accepted ``max|E| / T``. The kernels work with ``x = E/T`` and form sums and
#: differences of a few such terms (``x_i - x_j``, ``log cosh(x_i/2) - log cosh(x_j/2)`` plus a
#: log sinh, ``|x| + log1p(...)``), and exponentials only in log space, so intermediates stay
#: below about 4 max|x|. 1e300 leaves a factor > 10^8 of headroom below the float64 maximum
#: (1.8e308) for that, while no physical ``|E|/T`` comes anywhere near it (1e4 is extreme).
MAX_ENERGY_RATIO = 1e300

#: relative tolerance of :func:`check_symmetric`, in units of the dtype's machine epsilon
SYMMETRY_ULPS = 16

#: rows per block in :func:`check_symmetric` (bounded temporaries for N = 10^4 matrices)
SYMMETRY_BLOCK_ROWS = 256


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
    elif arr.dtype not in (np.float32, np.float64):
        # float16 underflows the physics (Delta_0 = 1e-7, rates ~ 1e-14) and numpy only warns;
        # longdouble would be silently rounded by every float64 kernel downstream
        raise TypeError(
            f"{name} must be float32 or float64 (or integer), got {arr.dtype}: "
            f"pass float32 or float64"
        )
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


def check_symmetric(name: str, value, *, block_rows: int = SYMMETRY_BLOCK_ROWS):
    """Return ``value`` (a finite square array) if it is symmetric to rounding; else ValueError.

    A pair passes when ``|S_ij - S_ji| <= rtol max(|S_ij|, |S_ji|) + atol`` with
    ``rtol = 16 eps`` and ``atol = eps max|S|`` (``eps`` of the array's dtype). Why: an entry made
    by k rounded operations has relative error <= k eps/2, so two orders of evaluation of a
    symmetric formula differ by <= k eps relative; 16 covers the exp/log chains of the builders
    (``eg_symmetrized_rate_matrix`` and ``distance_rate_matrix`` are in fact symmetric to the
    bit). The floor covers entries near zero (an ``exp`` of a rounded sum of large arguments has
    a large relative but a tiny absolute error). A symmetric eigensolver reads one triangle, so
    what is accepted moves an eigenvalue by at most ``||S - S^T||_2 / 2 <= 8.5 N eps max|S|``,
    the order of the solver's own rounding floor (``drop_unresolved``); anything larger is not
    rounding and is reported with its worst pair.

    The check runs over blocks of ``block_rows`` rows of the upper triangle against the matching
    columns, so its temporaries are a few blocks, never N x N.
    """
    arr = check_square(name, value)
    n = arr.shape[0]
    if n == 0:
        return arr
    eps = float(np.finfo(arr.dtype).eps)
    rtol = SYMMETRY_ULPS * eps
    # max|S| from two reductions: np.abs(arr) would be an N x N temporary
    atol = eps * max(float(np.max(arr)), -float(np.min(arr)))
    if atol == 0.0:  # the zero matrix
        return arr
    worst = 0.0
    worst_pair = None
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        upper = arr[start:stop, start:]  # rows start:stop, columns start:n
        lower = arr[start:, start:stop].T  # the mirrored entries
        gap = np.abs(upper - lower)
        scale = np.abs(upper)
        np.maximum(scale, np.abs(lower), out=scale)
        scale *= rtol
        scale += atol
        np.divide(gap, scale, out=gap)
        k = int(np.argmax(gap))
        excess = float(gap.flat[k])
        if excess > worst:
            i, j = divmod(k, n - start)
            worst, worst_pair = excess, (start + i, start + j)
    if worst > 1.0:
        i, j = sorted(worst_pair)
        raise ValueError(
            f"{name} must be symmetric (method='symmetric' reads one triangle): worst pair "
            f"({i}, {j}) has {name}[{i}, {j}] = {float(arr[i, j])!r} but "
            f"{name}[{j}, {i}] = {float(arr[j, i])!r}, "
            f"{worst:.3g} times the rounding tolerance ({SYMMETRY_ULPS} eps relative + eps max|"
            f"{name}| absolute); use method='general' for a non-symmetric matrix"
        )
    return arr


def check_energy_ratio(energies, T: float, *, name: str = "T", source: str | None = None) -> None:
    """Raise ValueError naming ``name`` unless ``max|energies| / T <= MAX_ENERGY_RATIO``.

    ``T`` is an already validated positive float; ``source`` says in the message where the
    largest |E| comes from (a solver passes an a-priori bound on its energies). The test is
    ``max|E| <= limit * T``, which neither overflows nor warns whatever T.
    """
    energies = np.asarray(energies)
    emax = float(np.max(np.abs(energies))) if energies.size else 0.0
    if not emax <= MAX_ENERGY_RATIO * T:
        ratio = emax / T  # Python floats: inf on overflow, no warning
        where = f" ({source})" if source else ""
        raise ValueError(
            f"{name} must be large enough that |E|/{name} stays finite in float64: the largest "
            f"|E|{where} is {emax:.3g}, so |E|/{name} = {ratio:.3g} at {name} = {T:.3g}, above "
            f"the limit {MAX_ENERGY_RATIO:.0e} of the rate and mean-field formulas (|E|/T "
            f"overflows float64)"
        )


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
