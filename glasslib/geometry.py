"""Random sites in a periodic box, minimum-image distances and the nearest-neighbour scale.

The paper sets "r_nn = 1" but the phrase is ambiguous (DESIGN.md, book page *Conventions*):

``"lattice"`` (default)
    Box side ``L = r_nn (N**(1/d) - 1)``: close to unit density with the lattice-like
    finite-size correction that Appendix A's Eq. (A2) assumes, and the authors' own code uses.
``"poisson"``
    Density chosen so that the *mean nearest-neighbour distance* of Poisson points equals
    ``r_nn``: ``<r> = Gamma(1 + 1/d) (V_d n)**(-1/d)`` (3D: 0.554 n^-1/3, 2D: 0.5 n^-1/2).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gamma

from ._validation import (
    check_array,
    check_choice,
    check_float_dtype,
    check_int,
    check_real,
    check_rng,
)

__all__ = [
    "R_NN_CONVENTIONS",
    "unit_ball_volume",
    "poisson_mean_nn_distance",
    "box_side",
    "sample_sites",
    "wrap_positions",
    "minimum_image_distances",
    "distance_row_blocks",
    "nearest_neighbour_distances",
]

R_NN_CONVENTIONS = ("lattice", "poisson")

#: rows per block in chunked distance computations; fixed so results never depend on memory
BLOCK_ROWS = 512


def unit_ball_volume(d: int) -> float:
    """Volume ``V_d = pi**(d/2) / Gamma(d/2 + 1)`` of the unit ball (V_1 = 2, V_2 = pi)."""
    d = check_int("d", d, minimum=1)
    return float(np.pi ** (d / 2) / gamma(d / 2 + 1))


def poisson_mean_nn_distance(density: float, d: int) -> float:
    """Mean nearest-neighbour distance of a Poisson point process of the given density."""
    density = check_real("density", density, positive=True)
    d = check_int("d", d, minimum=1)
    return float(gamma(1 + 1 / d) * (unit_ball_volume(d) * density) ** (-1 / d))


def box_side(N: int, d: int, r_nn: float = 1.0, convention: str = "lattice",
             density: float | None = None) -> float:
    """Side ``L`` of the periodic box holding ``N`` sites, for the chosen r_nn convention; with
    ``density`` (sites per unit volume, in the units of the positions), ``L = (N / density)^(1/d)``
    whatever the convention: a box of any density without compensating J by hand."""
    N = check_int("N", N, minimum=2)
    d = check_int("d", d, minimum=1)
    r_nn = check_real("r_nn", r_nn, positive=True)
    check_choice("r_nn_convention", convention, R_NN_CONVENTIONS)
    if density is not None:
        density = check_real("density", density, positive=True)
        return float((N / density) ** (1 / d))
    if convention == "lattice":
        return r_nn * (N ** (1 / d) - 1)
    # poisson: choose the density n so that Gamma(1+1/d) (V_d n)^(-1/d) = r_nn
    density = (gamma(1 + 1 / d) / r_nn) ** d / unit_ball_volume(d)
    return float((N / density) ** (1 / d))


def wrap_positions(positions, L: float) -> np.ndarray:
    """Positions folded into the periodic box ``[0, L)^d`` (C-contiguous float64)."""
    positions = check_array("positions", positions, ndim=2)
    L = check_real("L", L, positive=True)
    wrapped = np.mod(positions, L)
    wrapped[wrapped >= L] = 0.0  # np.mod(-tiny, L) can round to L
    return np.ascontiguousarray(wrapped, dtype=np.float64)


def sample_sites(rng, N: int, d: int, L: float) -> np.ndarray:
    """``N`` independent uniform sites in the periodic box ``[0, L)^d`` (float64, shape (N, d))."""
    rng = check_rng("rng", rng)
    N = check_int("N", N, minimum=2)
    d = check_int("d", d, minimum=1)
    L = check_real("L", L, positive=True)
    return rng.uniform(0.0, L, size=(N, d))


def _block_distances(positions: np.ndarray, L: float, start: int, stop: int, dtype) -> np.ndarray:
    """Minimum-image distances from sites ``start:stop`` to all sites (float64 arithmetic)."""
    diff = positions[start:stop, None, :] - positions[None, :, :]
    diff -= L * np.round(diff / L)
    out = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    return out.astype(dtype, copy=False)


def distance_row_blocks(positions, L: float, *, dtype=np.float64, block_rows: int = BLOCK_ROWS):
    """Yield ``(start, stop, block)`` with the minimum-image distances of rows ``start:stop``.

    Memory stays at ``block_rows * N * d`` floats whatever N, so N = 10^5 is fine.
    The diagonal (distance of a site to itself) is 0.
    """
    positions = check_array("positions", positions, ndim=2)
    L = check_real("L", L, positive=True)
    block_rows = check_int("block_rows", block_rows, minimum=1)
    N = positions.shape[0]
    for start in range(0, N, block_rows):
        stop = min(start + block_rows, N)
        yield start, stop, _block_distances(positions, L, start, stop, dtype)


def minimum_image_distances(positions, L: float, *, dtype=np.float64) -> np.ndarray:
    """Dense symmetric matrix of minimum-image distances ``r_ij`` in a periodic box of side L.

    Computed in row blocks (bounded temporary memory); the result itself is ``N*N`` of ``dtype``.
    """
    positions = check_array("positions", positions, ndim=2)
    dtype = check_float_dtype("dtype", dtype)
    N = positions.shape[0]
    out = np.empty((N, N), dtype=dtype)
    for start, stop, block in distance_row_blocks(positions, L, dtype=dtype):
        out[start:stop] = block
    return out


def nearest_neighbour_distances(positions, L: float) -> np.ndarray:
    """Distance from each site to its nearest other site (minimum image), chunked."""
    positions = check_array("positions", positions, ndim=2)
    N = positions.shape[0]
    if N < 2:
        raise ValueError(f"positions must hold at least 2 sites, got {N}")
    out = np.empty(N)
    for start, stop, block in distance_row_blocks(positions, L):
        block[np.arange(stop - start), np.arange(start, stop)] = np.inf
        out[start:stop] = block.min(axis=1)
    return out
