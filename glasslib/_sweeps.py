"""Compiled inner loops of the mean-field solvers (numba).

Both glasses share one fixed-point form,

    x_i = b_i + c * sum_{j != i} K_ij * tanh((phi_j(x_j) - mu) / 2T),
    phi_j(x) = sgn(x) * sqrt(x^2 + g_j^2),

with ``g = Delta_0`` (TLS glass, field on E_j) or ``g = 0`` (phi = identity: TLS glass with the
paper's field on Delta'_j, and the electron glass). K is symmetric with a zero diagonal.

Row sums accumulate in float64 whatever the storage dtype of K (float32 halves the memory at
N = 10^4), and every sum is recomputed from scratch, so no rounding drifts across sweeps. Each
row sum is a sequential loop, so results do not depend on the number of threads.
"""

from __future__ import annotations

import numba as nb
import numpy as np

#: below this size threads cost more than they save (and contend with other worker processes)
PARALLEL_MIN_N = 4096


@nb.njit(cache=True, fastmath=False, inline="always")
def _phi(x, g):
    if g == 0.0:
        return x
    r = np.sqrt(x * x + g * g)
    return r if x >= 0.0 else -r


@nb.njit(cache=True, fastmath=False)
def _row_dot(K, i, m):
    acc = 0.0
    row = K[i]
    for j in range(row.shape[0]):
        acc += np.float64(row[j]) * m[j]
    return acc


@nb.njit(cache=True)
def tanh_field(x, g, mu, T):
    """m_j = tanh((phi_j(x_j) - mu) / 2T) for all sites."""
    n = x.shape[0]
    out = np.empty(n)
    for j in range(n):
        out[j] = np.tanh((_phi(x[j], g[j]) - mu) / (2.0 * T))
    return out


def _fill_upper_couplings(K, positions, L, start, stop, u, U0, power):
    """K[i, j] = U0 * u[i - start, j - start] / r_ij^power for start <= i < stop, j > i.

    ``power`` is 3 (TLS glass, Eq. 2) or 1 (electron glass, Coulomb; pass u = 1).

    Minimum-image distances in float64; entries with j <= i are left untouched. The sites must
    be distinct (:func:`fill_upper_couplings` checks with :func:`coincident_pairs` first), so
    the loop over j has no test and no branch: with the coordinates copied to contiguous
    columns it vectorizes. Every entry is the same IEEE operations in the same order as the
    scalar form ``delta = |x_i - x_j|; if delta > L/2: delta = L - delta; r2 += delta^2``:
    ``min(delta, L - delta)`` picks the same value (for delta > L/2, fl(L - delta) <= L/2 <
    delta; otherwise fl(L - delta) >= L/2 >= delta), so the couplings are unchanged to the bit
    (tested against that form).
    """
    n = positions.shape[0]
    d = positions.shape[1]
    cols = np.empty((d, n))
    for k in range(d):
        for j in range(n):
            cols[k, j] = positions[j, k]
    cubic = power == 3
    for ii in nb.prange(stop - start):
        i = start + ii
        row = K[i]
        urow = u[ii]
        if d == 3 and cubic:
            _row_3d(row, urow, start, cols[0], cols[1], cols[2], i, L, U0, 3)
        elif d == 3:
            _row_3d(row, urow, start, cols[0], cols[1], cols[2], i, L, U0, 1)
        elif d == 2 and cubic:
            _row_2d(row, urow, start, cols[0], cols[1], i, L, U0, 3)
        elif d == 2:
            _row_2d(row, urow, start, cols[0], cols[1], i, L, U0, 1)
        else:
            for j in range(i + 1, n):
                r2 = 0.0
                for k in range(d):
                    delta = abs(cols[k, i] - cols[k, j])
                    delta = min(delta, L - delta)
                    r2 += delta * delta
                row[j] = U0 * urow[j - start] / _r_power(r2, 3 if cubic else 1)


@nb.njit(cache=True, inline="always", error_model="numpy")
def _r_power(r2, power):
    return r2 * np.sqrt(r2) if power == 3 else np.sqrt(r2)


@nb.njit(cache=True, error_model="numpy")
def _row_3d(row, urow, start, xs, ys, zs, i, L, U0, power):
    """One row of :func:`_fill_upper_couplings` in 3D (``power`` a compile-time constant per
    call site, so the loop has no branch and vectorizes)."""
    x0, y0, z0 = xs[i], ys[i], zs[i]
    for j in range(i + 1, xs.shape[0]):
        dx = abs(x0 - xs[j])
        dx = min(dx, L - dx)
        dy = abs(y0 - ys[j])
        dy = min(dy, L - dy)
        dz = abs(z0 - zs[j])
        dz = min(dz, L - dz)
        row[j] = U0 * urow[j - start] / _r_power(dx * dx + dy * dy + dz * dz, power)


@nb.njit(cache=True, error_model="numpy")
def _row_2d(row, urow, start, xs, ys, i, L, U0, power):
    """One row of :func:`_fill_upper_couplings` in 2D (as :func:`_row_3d`)."""
    x0, y0 = xs[i], ys[i]
    for j in range(i + 1, xs.shape[0]):
        dx = abs(x0 - xs[j])
        dx = min(dx, L - dx)
        dy = abs(y0 - ys[j])
        dy = min(dy, L - dy)
        row[j] = U0 * urow[j - start] / _r_power(dx * dx + dy * dy, power)


@nb.njit(cache=True)
def _pair_r2(positions, L, i, j):
    """Minimum-image r_ij^2 as the fill kernel computes it."""
    r2 = 0.0
    for k in range(positions.shape[1]):
        delta = abs(positions[i, k] - positions[j, k])
        delta = min(delta, L - delta)
        r2 += delta * delta
    return r2


@nb.njit(cache=True)
def _coincident_pairs(positions, L, r2_min):
    """Pairs (i < j) whose minimum-image r_ij^2, computed as the fill kernel does, is at most
    ``r2_min``; found from the sites sorted by their first coordinate (a coincident pair is
    within ``w = 2 sqrt(r2_min)`` there, directly or through the periodic wrap), so the cost is
    O(N log N) plus the candidates, not O(N^2); only the hits are stored."""
    n = positions.shape[0]
    order = np.argsort(positions[:, 0], kind="mergesort")
    x = positions[order, 0]
    w = 2.0 * np.sqrt(r2_min)
    out = []
    for a in range(n):
        # forward neighbours within w, then (near x = 0) the ones near x = L through the wrap
        b = a + 1
        while b < n and x[b] - x[a] <= w:
            i, j = min(order[a], order[b]), max(order[a], order[b])
            if _pair_r2(positions, L, i, j) <= r2_min:
                out.append((i, j))
            b += 1
        b = n - 1
        while b > a + 1 and x[a] + L - x[b] <= w:
            i, j = min(order[a], order[b]), max(order[a], order[b])
            if _pair_r2(positions, L, i, j) <= r2_min:
                out.append((i, j))
            b -= 1
    result = np.empty((len(out), 2), dtype=np.int64)
    for k in range(len(out)):
        result[k, 0] = out[k][0]
        result[k, 1] = out[k][1]
    return result


def coincident_pairs(positions, L):
    """Pairs of sites ``(i, j)``, ``i < j``, closer than :func:`coincidence_r2` allows (the
    same site, up to the rounding of the coordinates), in lexicographic order; positions must
    lie in ``[0, L)``."""
    pairs = _coincident_pairs(np.ascontiguousarray(positions, dtype=np.float64), float(L),
                              coincidence_r2(L))
    if pairs.shape[0] > 1:
        pairs = np.unique(pairs, axis=0)
    return pairs


def _mirror_upper_to_lower(K):
    """Copy the strict upper triangle onto the lower one and zero the diagonal (tiled transpose)."""
    n = K.shape[0]
    tile = 64
    ntiles = (n + tile - 1) // tile
    for bi in nb.prange(ntiles):
        i0 = bi * tile
        i1 = min(i0 + tile, n)
        for bj in range(bi + 1):
            j0 = bj * tile
            j1 = min(j0 + tile, n)
            for i in range(i0, i1):
                for j in range(j0, min(j1, i)):
                    K[i, j] = K[j, i]
        for i in range(i0, i1):
            K[i, i] = 0.0


@nb.njit(cache=True)
def residual_driven_pass(K, b, c, g, mu, T, x, m, h, order, threshold, damping):
    """One pass of asynchronous updates that skips sites already within ``threshold``.

    ``h = K @ m`` is kept up to date incrementally (``h += dm_i K[i, :]``, using K = K^T), so the
    residual ``r_i = b_i + c h_i - x_i`` of every site is known at all times and a site costs
    O(N) only when it is actually updated. Returns (updates made, largest |r_i| met).
    """
    two_t = 2.0 * T
    n = order.shape[0]
    updates = 0
    biggest = 0.0
    for k in range(n):
        i = order[k]
        r = b[i] + c * h[i] - x[i]
        ar = abs(r)
        if ar > biggest:
            biggest = ar
        if ar <= threshold:
            continue
        updates += 1
        x[i] += (1.0 - damping) * r
        new_m = np.tanh((_phi(x[i], g[i]) - mu) / two_t)
        dm = new_m - m[i]
        m[i] = new_m
        if dm != 0.0:
            row = K[i]
            for j in range(n):
                h[j] += dm * np.float64(row[j])
    return updates, biggest


# error_model="numpy": no division-by-zero test in the loop (the sites are distinct), so it
# vectorizes; the arithmetic is the same
_fill_serial = nb.njit(cache=True, error_model="numpy")(_fill_upper_couplings)
_fill_parallel = nb.njit(cache=True, parallel=True, error_model="numpy")(_fill_upper_couplings)
_mirror_serial = nb.njit(cache=True)(_mirror_upper_to_lower)
_mirror_parallel = nb.njit(cache=True, parallel=True)(_mirror_upper_to_lower)


#: sites closer than this many machine epsilons times the box side are the same point
COINCIDENCE_ULPS = 16


def coincidence_r2(L):
    """Squared distance below which two sites of a box of side ``L`` count as coincident.

    A coordinate in ``[0, L)`` is stored to within ``eps L / 2``, and folding an image ``x + kL``
    back into the box (:func:`glasslib.geometry.wrap_positions`) rounds by up to about
    ``(|k| + 1) eps L / 2`` (measured: <= 3.2 eps L for |k| <= 5). So ``r <= 16 eps L``
    (3.6e-15 L) cannot be told apart from 0 by the coordinates, while distinct random sites come
    that close with probability ~ N^2 (16 eps)^d, i.e. never; and 1/r^3 there (> 10^42 / L^3)
    would overflow float32 storage anyway.
    """
    r_min = COINCIDENCE_ULPS * np.finfo(np.float64).eps * float(L)
    return r_min * r_min


def require_distinct_sites(positions, L, power):
    """Raise ValueError naming the first pair of coincident sites (smallest i, then j; also
    through the periodic wrap; :func:`coincident_pairs`), whose ``1/r^power`` coupling would be
    infinite. O(N log N); called once per matrix, before anything is filled."""
    pairs = coincident_pairs(positions, L)
    if pairs.shape[0]:
        i, j = int(pairs[0, 0]), int(pairs[0, 1])
        r = float(np.sqrt(np.sum(np.square(_min_image(positions[i] - positions[j], L)))))
        raise ValueError(
            f"positions must be distinct sites: sites {i} and {j} coincide (minimum-image "
            f"distance {r:.3g} in the periodic box of side {L:g}, zero up to the rounding of "
            f"the coordinates): the 1/r^{power:g} coupling is infinite"
        )


def fill_upper_couplings(K, positions, L, start, stop, u, U0, power):
    """See :func:`_fill_upper_couplings`; threaded for N >= PARALLEL_MIN_N (same result).

    The sites must be distinct: call :func:`require_distinct_sites` once per matrix first (the
    loop has no test, and would divide by a zero distance).
    """
    big = positions.shape[0] >= PARALLEL_MIN_N
    (_fill_parallel if big else _fill_serial)(K, positions, L, start, stop, u, U0, power)


def _min_image(delta, L):
    delta = np.abs(delta)
    return np.where(delta > 0.5 * L, L - delta, delta)


def mirror_upper_to_lower(K):
    """See :func:`_mirror_upper_to_lower`; threaded for N >= PARALLEL_MIN_N (same result)."""
    (_mirror_parallel if K.shape[0] >= PARALLEL_MIN_N else _mirror_serial)(K)


def _matvec64(K, m):
    """K @ m with float64 accumulation in each row (sequential per row: independent of the
    thread count)."""
    n = m.shape[0]
    out = np.empty(n)
    for i in nb.prange(n):
        out[i] = _row_dot(K, i, m)
    return out


_matvec64_serial = nb.njit(cache=True)(_matvec64)
_matvec64_parallel = nb.njit(cache=True, parallel=True)(_matvec64)

def matvec64(K, m):
    """``K @ m`` summed in float64 row by row; threaded (numba) for N >= PARALLEL_MIN_N.

    Each row is one sequential sum, so the result is the same whatever the thread count.
    """
    if m.shape[0] >= PARALLEL_MIN_N:
        return _matvec64_parallel(K, m)
    return _matvec64_serial(K, m)


def _abs_row_sums(K):
    """sum_j |K_ij| per row in float64 (sequential per row: thread-count independent)."""
    n = K.shape[0]
    out = np.empty(n)
    for i in nb.prange(n):
        acc = 0.0
        row = K[i]
        for j in range(row.shape[0]):
            acc += abs(np.float64(row[j]))
        out[i] = acc
    return out


_abs_row_sums_serial = nb.njit(cache=True)(_abs_row_sums)
_abs_row_sums_parallel = nb.njit(cache=True, parallel=True)(_abs_row_sums)


def abs_row_sums(K):
    """``sum_j |K_ij|`` for every row, float64; NaN or inf in a row makes its sum non-finite.

    One O(N^2) pass without temporaries; threaded (numba) for N >= PARALLEL_MIN_N.
    """
    if K.shape[0] >= PARALLEL_MIN_N:
        return _abs_row_sums_parallel(K)
    return _abs_row_sums_serial(K)


def fixed_point_map(K, b, c, m):
    """F(x) = b + c K m for all sites at once (the Jacobi map), float64 accumulation."""
    return b + c * matvec64(K, m)


#: side of the square tiles of :func:`_eg_symmetrized_tiles` (a tile and its mirror, 2 x 32 KiB,
#: stay in cache while both are written)
EG_TILE = 64
#: the diagonal's terms use precomputed ``cosh`` factors while every exponent stays above
#: ``-FAST_EXPONENT`` and every ``ln cosh`` below it (all factors normal doubles)
FAST_EXPONENT = 700.0


def _eg_symmetrized_tiles(coords, L, x, lc, p, q, xi, S, part):
    """The symmetrized electron-glass rate matrix of Eq. (23), pair by pair, from the sites.

    ``S_ik = -e^{-r_ik/xi} / (2 sinh(|x_i - x_k|/2))`` (i != k), written as ``-exp(-r/xi - y) /
    (1 - e^{-2y})`` with ``y = |x_i - x_k|/2`` (``-expm1(-2y)`` below ``y = 1/4``, where the
    subtraction would lose bits; floored at ``2e-300`` as the numpy builder's ``sinh``), and
    ``S_ii = sum_k t_ik`` with ``t_ik = exp(-r/xi - y + lc_i - lc_k) / (1 - e^{-2y})``,
    ``lc = ln cosh(x/2)``; ``r_ik`` is the minimum-image distance (rounding half to even, as
    numpy). ``coords`` holds the positions by coordinate (``d x N``, C-contiguous).

    Each unordered pair is computed once (upper triangle, in tiles of ``EG_TILE``; the tile's
    mirror is written at the same time), with two exponentials: ``e^{-y}`` (or ``expm1``) and
    ``e^{-r/xi - y}``. The diagonal's two terms reuse the latter: ``t_ik = (-S_ik) (p_i q_k)``
    with ``p = e^{lc}`` and ``q = e^{-lc}`` precomputed, exact in exponent form
    ``e^{a + lc_i - lc_k} = e^a e^{lc_i} e^{-lc_k}`` and within a few more ulps (each factor's
    rounding, ``eps (lc + 1)``, inside the comparator's ``16 eps (|lc_i| + |lc_k|)``). That is
    used while ``a = -r/xi - y > -FAST_EXPONENT`` and both ``lc < FAST_EXPONENT``, so every
    factor is a normal double; otherwise the terms are taken in one exponent each (then they
    cannot overflow for any ``|E|/T``), as the numpy builder does.

    A tile row (site ``i`` against up to ``EG_TILE`` sites ``k``) is done in three passes over
    small buffers: the exponents (distance and ``y``; branch-free, so the compiler vectorizes
    it), the exponentials and denominators (``e^{-y}`` for every pair, then ``expm1`` for the
    pairs with ``y < 1/4``, gathered without a branch), then the entries and the diagonal's
    terms. The passes do the same operations on the same operands as one pass per pair would,
    so the entries are the same bits (tested against that form); the split lets the first pass
    run on SIMD lanes and removes the data-dependent branches from the loops over all pairs.

    Block-row ``bi`` adds the terms it computes for site ``k`` to ``part[bi, k]``; a site's
    diagonal is then ``sum_b part[b, i]`` in the order of ``b``. Block-rows are independent
    (``bi`` paired with ``nb - 1 - bi`` so that threads get equal work), so the matrix is the same
    for any thread count, and exactly symmetric.
    """
    N = x.shape[0]
    d = coords.shape[0]
    nblocks = (N + EG_TILE - 1) // EG_TILE
    for t in nb.prange((nblocks + 1) // 2):
        r2 = np.empty(EG_TILE)
        ybuf = np.empty(EG_TILE)
        abuf = np.empty(EG_TILE)
        ea = np.empty(EG_TILE)
        den = np.empty(EG_TILE)
        near = np.empty(EG_TILE, np.int64)
        for side in range(2):
            bi = t if side == 0 else nblocks - 1 - t
            if side == 1 and bi == t:
                continue
            i0 = bi * EG_TILE
            i1 = min(i0 + EG_TILE, N)
            for bj in range(bi, nblocks):
                k0 = bj * EG_TILE
                k1 = min(k0 + EG_TILE, N)
                for i in range(i0, i1):
                    ks = max(k0, i + 1)
                    n = k1 - ks
                    if n <= 0:
                        continue
                    # pass 1: exponents (vectorized)
                    for u in range(n):
                        r2[u] = 0.0
                    for a in range(d):
                        c_i = coords[a, i]
                        for u in range(n):
                            dx = c_i - coords[a, ks + u]
                            dx -= L * np.rint(dx / L)
                            r2[u] += dx * dx
                    xi_i = x[i]
                    for u in range(n):
                        y = 0.5 * abs(xi_i - x[ks + u])
                        ybuf[u] = y
                        abuf[u] = -np.sqrt(r2[u]) / xi - y
                    # pass 2: the exponentials; the few y < 1/4 (expm1) are gathered first,
                    # so that no branch depends on the data in the loops over all pairs
                    for u in range(n):
                        ea[u] = np.exp(abuf[u])
                    m = 0
                    for u in range(n):
                        qy = np.exp(-ybuf[u])
                        den[u] = 1.0 - qy * qy
                        near[m] = u
                        m += ybuf[u] < 0.25
                    for j in range(m):
                        u = near[j]
                        den[u] = -np.expm1(-2.0 * ybuf[u])
                    # pass 3: entries, mirror and the diagonal's terms
                    lc_i = lc[i]
                    p_i = p[i]
                    q_i = q[i]
                    fast_i = lc_i < FAST_EXPONENT
                    acc = 0.0
                    for u in range(n):
                        k = ks + u
                        a = abuf[u]
                        dn = den[u]
                        if dn < 2e-300:  # the numpy builder's floor of sinh at 1e-300
                            dn = 2e-300
                        off = ea[u] / dn
                        S[i, k] = -off
                        S[k, i] = -off
                        if fast_i and a > -FAST_EXPONENT and lc[k] < FAST_EXPONENT:
                            acc += off * (p_i * q[k])
                            part[bi, k] += off * (p[k] * q_i)
                        else:
                            acc += np.exp(a + lc_i - lc[k]) / dn
                            part[bi, k] += np.exp(a + lc[k] - lc_i) / dn
                    part[bi, i] += acc
    for i in nb.prange(N):
        diag = 0.0
        for b in range(nblocks):
            diag += part[b, i]
        S[i, i] = diag


_eg_symmetrized_serial = nb.njit(cache=True, fastmath=False)(_eg_symmetrized_tiles)
_eg_symmetrized_parallel = nb.njit(cache=True, fastmath=False, parallel=True)(
    _eg_symmetrized_tiles)


def eg_symmetrized_matrix(positions, L, x, lc, xi, S, *, threads: int | None = 1):
    """Fill ``S`` (N x N float64) by :func:`_eg_symmetrized_tiles`; ``threads`` > 1 (or None:
    numba's current setting) runs the block-rows in parallel, with the same result. Needs
    ``N^2 / EG_TILE`` doubles of scratch (1/64 of the matrix) for the diagonal's partial sums."""
    N = x.shape[0]
    small = lc < FAST_EXPONENT
    p = np.where(small, np.exp(np.where(small, lc, 0.0)), 0.0)
    q = np.where(small, np.exp(-np.where(small, lc, 0.0)), 0.0)
    part = np.zeros(((N + EG_TILE - 1) // EG_TILE, N))
    coords = np.ascontiguousarray(positions.T, dtype=np.float64)
    if threads == 1:
        _eg_symmetrized_serial(coords, L, x, lc, p, q, xi, S, part)
        return
    saved = nb.get_num_threads()
    try:
        if threads is not None:
            nb.set_num_threads(min(int(threads), nb.config.NUMBA_NUM_THREADS))
        _eg_symmetrized_parallel(coords, L, x, lc, p, q, xi, S, part)
    finally:
        nb.set_num_threads(saved)
