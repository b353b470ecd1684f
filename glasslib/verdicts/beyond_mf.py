"""Beyond mean field: the paper's results checked against Monte Carlo on the same realizations.

The paper closes by asking for "more exact numerical methods such as Monte Carlo simulations".
Experiments: ``mc_tg_dos`` (``tls_mc``: replica-exchange MC of the Ising limit of the TLS glass
and the mean-field solutions of Eq. 4 on the same samples), ``mc_eg_dos`` (``eg_mc``: the same
for the electron glass, Eq. 20) and ``kmc_tg_table_one`` (``tls_kmc``: kinetic MC of the
relaxation after a field step, and the mean-field prediction of Eq. 15 on the same samples),
``kmc_eg_table_one`` (``eg_kmc``: kinetic MC of Miller-Abrahams hops after a square-wave
potential step, and the mean-field prediction of Eq. 23 without its interaction term).
Measures: :mod:`glasslib.measures.beyond`; errors are bootstrap standard errors over
realizations.

Verdict rules (mechanical; fixed before the paper-scale data were looked at):

- **Dipole gap, MC vs MF** (T = 0.05). The gap ratio ``R = g0 / g_peak`` of Sec. II
  (:func:`glasslib.measures.gap_ratio`) for the hot-start MC and for mean field, and the depression
  ``D = R_ref - R`` against the exact J = 0 shape. Reproduced if MC shows a visible gap (Sec. II's
  rule: ``D > 3 sigma`` and ``D >= 0.1``) and ``|R_MC - R_MF| <= 0.1 + 2 sigma`` (the same 0.1 of
  the peak); partly if MC shows a visible gap of another depth; not reproduced if MC shows none.
  Undecided if the hot and cold starts give gap ratios more than ``0.05`` (+ 2 sigma) apart: the
  sampler would not have equilibrated (this condition was added after the first paper-scale
  run, whose single-flip sampler left the closest pairs frozen; see :mod:`glasslib.monte_carlo`).
- **The gap fills with T, in MC.** Sec. II's Fig. 2 rule on the MC DOS at the anchors.
- **Coulomb gap, MC vs MF** (T = 0.05). ``alpha(e) = fraction(|E| < e) / e^2`` at ``e = 10^-1``
  and ``10^-0.5`` (:func:`glasslib.measures.coulomb_gap_coefficient`). Reproduced if
  ``|alpha_MC / alpha_MF - 1| <= 0.2`` (+ 2 sigma) at both; partly if ``<= 0.5``; not reproduced
  otherwise. The Efros-Shklovskii bound ``2/pi`` (per unit density) is reported alongside.
- **Where the Coulomb gap fills.** ``T_fill``: the lowest anchor at which ``R >= 0.9`` (the DOS
  at E = 0 within 10% of its peak), for MC and MF. Reproduced if equal; partly if adjacent
  anchors; not reproduced otherwise (also if one of them never fills on the ladder).
- **Logarithmic relaxation, KMC** (each scheme). The relaxed fraction ``f(t)`` of the initial
  deviation, fitted linearly in ``log10 t`` on each half of ``KMC_WINDOW`` (10 to 10^6 / a):
  slopes ``s1, s2``. Reproduced if both exceed 2 sigma and ``|s1 - s2| <= 0.25 mean(s) + 2
  sigma`` (the same rate per decade over five decades); partly if both exceed 2 sigma but differ
  more; not reproduced otherwise.
- **Eq. 17's rate per decade, KMC** (each scheme). Eq. (17) with uniform weights relaxes a
  fraction ``1 / log10(lambda_max/lambda_min)`` per decade, the cutoffs by the book's rule on the
  mean-field Ising-limit rates of the same realizations (``mf_rate_counts``). Reproduced if the
  KMC's slope over the window is within ``0.25`` of it (relative, + 2 sigma); partly if within a
  factor 2; not reproduced otherwise.
- **Table I directions, KMC.** ``f(10^6)`` (the fraction relaxed by the end) between the ends of
  the disorder scheme (W = 1 -> 10 at W/T = 10, claimed faster: +) and of the interaction scheme
  (W/J = 9.8 -> 1 at W^2 + J^2 = 2: J up, claimed faster: +); :func:`glasslib.rules.sign_verdict`.
- **MF relaxation vs KMC** (each scheme). ``rho = relaxed_KMC(10^6) / relaxed_MF(10^6)`` (the
  change of the polarization per site by the end, each from its own initial deviation), as an
  interval at two standard errors (:func:`_ratio_interval`). Reproduced if it meets ``[0.8,
  1.25]``; partly if it meets ``[0.5, 2]``; not reproduced otherwise. (Changed after the electron
  glass's paper-scale run, for a denominator consistent with zero only: the first rule took
  ``rho +- 2 sigma_rho`` there too, and called a ratio of 14 +- 8 "reproduced" when the
  mean-field amount was within two standard errors of zero; where the denominator is
  significant, as for every TLS-glass scheme, the rule is unchanged.)
- **The electron glass** (``kmc_eg_table_one``, added with its experiment, before its
  paper-scale data were looked at): the same logarithmic-relaxation and MF-vs-KMC rules on its
  window (``EG_KMC_WINDOW``, 10 to 10^4 / Gamma^0, the amounts at t = 10^4), and Table I's
  directions for the electron glass: ``f(10^4)`` from W = 1 to 10 at W/T = 10 (claimed faster:
  +) and from W/J = sqrt 97 to 1 at W^2 + J^2 = 2 (J up, claimed slower: -); Eq. (17)'s rate
  per decade by the same rule, its cutoffs from the plateau of the mean-field spectrum of Eq.
  (23) of the same realizations (``mf_rate_counts``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..experiments import EXPERIMENTS
from ..formatting import pm
from ..measures import (
    ES_BOUND,
    WINDOWS,
    coulomb_gap_coefficient,
    dos_view,
    eq17_slope,
    gap_ratio,
    kmc_relaxation,
    reference_gap_ratio,
    start_agreement,
)
from ..measures.finite_size import site_density
from ..rules import SIGMAS, sign_verdict, significant_sign
from . import Claim, print_claims, replicated, sec2, show_claims

__all__ = ["claims", "print_claims", "show_claims", "TG", "EG", "KMC", "EG_KMC", "SINGLE",
           "CONTROL",
           "ALPHA_E",
           "FILL_RATIO", "DOS_TOLERANCE", "EQUILIBRATION_TOLERANCE", "ALPHA_TOLERANCE",
           "LOG_TOLERANCE", "EQ17_RANGE", "RHO_RANGE", "dos_table", "kmc_table"]

TG, EG, KMC = "mc_tg_dos", "mc_eg_dos", "kmc_tg_table_one"
#: the electron glass's kinetic Monte Carlo
EG_KMC = "kmc_eg_table_one"
#: the label of the KMC's J = 0 control curve (no claims)
CONTROL = "J=0"
#: the TLS glass's Monte Carlo without pair flips (the equilibration table; no claims)
SINGLE = "mc_tg_single_flips"
#: energies of the Coulomb-gap coefficient (edges of the log10|E| histogram)
ALPHA_E = (10.0**-1, 10.0**-0.5)
#: the DOS at E = 0 within 10% of its peak: the gap has filled
FILL_RATIO = 0.9
#: gap ratios within this (of the peak) agree: Sec. II's visible-gap threshold
DOS_TOLERANCE = sec2.VISIBLE_DEPRESSION
#: hot and cold starts whose gap ratios differ by more than this (+ 2 sigma) are not equilibrated
EQUILIBRATION_TOLERANCE = 0.05
#: relative Coulomb-gap coefficient differences: (reproduced, partly)
ALPHA_TOLERANCE = (0.2, 0.5)
#: relative difference of the two half-window slopes of a logarithmic relaxation
LOG_TOLERANCE = 0.25
#: KMC / Eq. 17 slope per decade within this range: partly
EQ17_RANGE = (0.5, 2.0)
#: KMC / MF relaxed amount: (reproduced range, partly range)
RHO_RANGE = ((0.8, 1.25), (0.5, 2.0))
TARGET_DOS, TARGET_KMC = "fig-beyond-dos", "fig-beyond-kmc"
TARGET_EG_KMC = "fig-beyond-eg-kmc"


def _lowest(result) -> float:
    return float(min(result.meta["params"]["temperatures"]))


def _tg_gap_claim(result) -> Claim:
    T = _lowest(result)
    mc, mf = gap_ratio(dos_view(result, "mc", T)), gap_ratio(dos_view(result, "mf", T))
    cold = gap_ratio(dos_view(result, "cold", T))
    ref = reference_gap_ratio(dict(result.meta["params"], T=T))
    visible, significant, D = sec2._visible(mc, ref)
    diff = mc.ratio - mf.ratio
    err = float(np.hypot(mc.ratio_err, mf.ratio_err))
    eq = start_agreement(result)
    measured = (f"T = {T:g}: R_MC = {pm(mc.ratio, mc.ratio_err, 3)} (cold start "
                f"{pm(cold.ratio, cold.ratio_err, 3)}), R_MF = {pm(mf.ratio, mf.ratio_err, 3)}, "
                f"J = 0: {ref:.3f}; MC depression D = {pm(D, mc.ratio_err, 3)}; hot - cold energy "
                f"per site {pm(eq.diff, eq.diff_err, 4, signed=True)}")
    split = abs(mc.ratio - cold.ratio)
    if split > EQUILIBRATION_TOLERANCE + SIGMAS * float(np.hypot(mc.ratio_err, cold.ratio_err)):
        verdict = "undecided"
        why = (f"the hot and cold starts give gap ratios {split:.3f} apart: the sampler has not "
               "equilibrated, so its DOS is not the model's")
    elif visible and abs(diff) <= DOS_TOLERANCE + SIGMAS * err:
        verdict = "reproduced"
        why = (f"MC shows the gap ({D / mc.ratio_err:.0f} sigma) and R_MC - R_MF = "
               f"{diff:+.3f} is within {DOS_TOLERANCE:g} (+ 2 sigma)")
    elif visible:
        verdict = "partly"
        why = (f"MC shows a gap, but R_MC - R_MF = {diff:+.3f} +- {err:.3f}: "
               + ("shallower" if diff > 0 else "deeper") + " than mean field")
    else:
        verdict = "not reproduced"
        why = "MC shows no visible gap at E = 0 (Sec. II's rule)"
    return Claim("Beyond MF (Fig. 1)", "The dipole gap of the mean-field DOS is the gap of the "
                 "model: Monte Carlo on the same realizations gives the same DOS at E = 0 "
                 f"(W = J = 1, T = {T:g}).", measured, verdict, why, TARGET_DOS)


def _tg_fill_claim(result) -> Claim:
    temps = [float(t) for t in result.meta["params"]["temperatures"]]
    c = sec2._fig2_claim({T: dos_view(result, "mc", T) for T in temps})
    return replace(c, figure="Beyond MF (Fig. 2)",
                   statement="In Monte Carlo too, the dipole gap gradually disappears as the "
                   "temperature increases (T = " + ", ".join(f"{t:g}" for t in temps) + ").",
                   target=TARGET_DOS)


def _alpha(result, start, T):
    return coulomb_gap_coefficient(dos_view(result, start, T), list(ALPHA_E))


def _eg_alpha_claim(result) -> Claim:
    T = _lowest(result)
    (a_mc, e_mc), (a_mf, e_mf) = _alpha(result, "mc", T), _alpha(result, "mf", T)
    rel = a_mc / a_mf - 1.0
    rel_err = np.abs(a_mc / a_mf) * np.hypot(e_mc / a_mc, e_mf / a_mf)
    bound = ES_BOUND / site_density(int(result.meta["params"]["N"]))
    measured = "; ".join(f"alpha({e:.3g}): MC {pm(a, ea, 3)}, MF {pm(b, eb, 3)}"
                         for e, a, ea, b, eb in zip(ALPHA_E, a_mc, e_mc, a_mf, e_mf, strict=True))
    measured += f" (T = {T:g}; Efros-Shklovskii bound 2/(pi n) = {bound:.3f})"
    worst = float(np.max(np.abs(rel) - SIGMAS * rel_err))
    if worst <= ALPHA_TOLERANCE[0]:
        verdict, why = "reproduced", (f"MC and MF agree within {ALPHA_TOLERANCE[0]:.0%} "
                                      f"(+ 2 sigma) at both energies")
    elif worst <= ALPHA_TOLERANCE[1]:
        verdict, why = "partly", ("MC / MF - 1 = " + ", ".join(f"{r:+.2f}" for r in rel)
                                  + f": beyond {ALPHA_TOLERANCE[0]:.0%}, within "
                                  f"{ALPHA_TOLERANCE[1]:.0%}")
    else:
        verdict, why = "not reproduced", ("MC / MF - 1 = " + ", ".join(f"{r:+.2f}" for r in rel)
                                          + f": beyond {ALPHA_TOLERANCE[1]:.0%}")
    return Claim("Beyond MF (Fig. 8)", "The Coulomb gap of the mean-field DOS is the gap of "
                 "the model: Monte Carlo on the same realizations gives the same coefficient "
                 f"alpha = fraction(|E| < e) / e^2 (T = {T:g}).", measured, verdict, why,
                 TARGET_DOS)


def _fill_temperature(result, start):
    temps = sorted(float(t) for t in result.meta["params"]["temperatures"])
    ratios = [gap_ratio(dos_view(result, start, T)) for T in temps]
    filled = [k for k, g in enumerate(ratios) if g.ratio >= FILL_RATIO]
    return temps, ratios, (filled[0] if filled else None)


def _eg_fill_claim(result) -> Claim:
    temps, r_mc, k_mc = _fill_temperature(result, "mc")
    _, r_mf, k_mf = _fill_temperature(result, "mf")
    name = {None: "not on the ladder"} | {k: f"T = {temps[k]:g}" for k in range(len(temps))}
    measured = "R = g0/g_peak, MC / MF: " + "; ".join(
        f"T = {T:g}: {a.ratio:.2f} / {b.ratio:.2f}" for T, a, b in zip(temps, r_mc, r_mf,
                                                                        strict=True))
    measured += f"; filled (R >= {FILL_RATIO:g}) at MC {name[k_mc]}, MF {name[k_mf]}"
    if k_mc is not None and k_mc == k_mf:
        verdict, why = "reproduced", f"both fill at {name[k_mc]}"
    elif k_mc is not None and k_mf is not None and abs(k_mc - k_mf) == 1:
        verdict, why = "partly", "they fill at adjacent temperatures of the ladder"
    else:
        verdict, why = "not reproduced", f"MC fills at {name[k_mc]}, MF at {name[k_mf]}"
    return Claim("Beyond MF (Fig. 8)", "Mean field and Monte Carlo fill the Coulomb gap at the "
                 "same temperature.", measured, verdict, why, TARGET_DOS)


def _span(result) -> tuple[str, str]:
    """(the window of the log fit, t_max) of a kinetic ensemble, as text."""
    lo, hi = WINDOWS[result.meta["model"]]
    return f"t = {lo:g}-10^{np.log10(hi):.0f}", f"10^{np.log10(hi):.0f}"


def _log_claim(label, result) -> Claim:
    window, _ = _span(result)
    eg = result.meta["model"] == "eg_kmc"
    r = kmc_relaxation(result, "kmc")
    m = kmc_relaxation(result, "mf")
    (s1, s2), (e1, e2) = r.slopes, r.slopes_err
    sig = [s > SIGMAS * e for s, e in ((s1, e1), (s2, e2))]
    mean = 0.5 * (s1 + s2)
    close = abs(s1 - s2) <= LOG_TOLERANCE * abs(mean) + SIGMAS * float(np.hypot(e1, e2))
    measured = (f"{label}: relaxed fraction per decade {pm(r.slope, r.slope_err, 4)} "
                f"(halves {pm(s1, e1, 4)}, {pm(s2, e2, 4)}); mean field "
                f"{pm(m.slope, m.slope_err, 4)} (halves {m.slopes[0]:.4f}, {m.slopes[1]:.4f})")
    if all(sig) and close:
        verdict, why = "reproduced", (f"the same rate per decade on both halves of "
                                      f"{window} (within {LOG_TOLERANCE:.0%} + 2 sigma)")
    elif all(sig):
        verdict, why = "partly", "relaxes on both halves, but not at the same rate per decade"
    else:
        verdict, why = "not reproduced", "no significant relaxation on one half of the window"
    if eg:
        return Claim(f"Beyond MF (EG, {label})", "The electron glass relaxes logarithmically in "
                     "time (the 1/lambda rates of Fig. 9): kinetic Monte Carlo of Eq. (21) hops "
                     f"with interactions acting during the relaxation ({window}).", measured,
                     verdict, why, TARGET_EG_KMC)
    return Claim(f"Beyond MF (Eq. 17, {label})", "The relaxation is logarithmic in time "
                 "(Eq. 17): kinetic Monte Carlo with interactions acting during the relaxation.",
                 measured, verdict, why, TARGET_KMC)


def _eq17_claim(label, result) -> Claim:
    r, e = kmc_relaxation(result, "kmc"), eq17_slope(result)
    d = r.slope - e.slope
    err = float(np.hypot(r.slope_err, e.slope_err))
    rel = r.slope / e.slope
    measured = (f"{label}: relaxed fraction per decade, KMC {pm(r.slope, r.slope_err, 4)}; "
                f"Eq. 17 (1/log10(lambda_max/lambda_min), mean-field rates, lambda in "
                f"10^({e.log10_min:.1f}) .. 10^({e.log10_max:.1f})) {pm(e.slope, e.slope_err, 4)}")
    lo, hi = EQ17_RANGE
    if abs(d) <= LOG_TOLERANCE * e.slope + SIGMAS * err:
        verdict, why = "reproduced", (f"within {LOG_TOLERANCE:.0%} (+ 2 sigma) of Eq. 17")
    elif lo <= rel <= hi:
        verdict, why = "partly", (f"KMC / Eq. 17 = {rel:.2f}: within a factor 2, beyond "
                                  f"{LOG_TOLERANCE:.0%}")
    else:
        verdict, why = "not reproduced", f"KMC / Eq. 17 = {rel:.2f}: beyond a factor 2"
    if result.meta["model"] == "eg_kmc":
        return Claim(f"Beyond MF (EG, Eq. 17, {label})", "The electron glass relaxes at Eq. "
                     "(17)'s rate per decade, c ln 10 with c = 1/ln(lambda_max/lambda_min) from "
                     "the plateau of its mean-field rates (Eq. 23; kinetic Monte Carlo).",
                     measured, verdict, why, TARGET_EG_KMC)
    return Claim(f"Beyond MF (Eq. 17, {label})", "The relaxation proceeds at Eq. (17)'s rate "
                 "per decade, c ln 10 with c = 1/ln(lambda_max/lambda_min) from the plateau of "
                 "the rates (kinetic Monte Carlo).", measured, verdict, why, TARGET_KMC)


def _direction_claim(curves, lo, hi, what, figure, expected="+") -> Claim:
    a, b = kmc_relaxation(curves[lo], "kmc"), kmc_relaxation(curves[hi], "kmc")
    ma, mb = kmc_relaxation(curves[lo], "mf"), kmc_relaxation(curves[hi], "mf")
    _, t_end = _span(curves[lo])
    eg = curves[lo].meta["model"] == "eg_kmc"
    d = b.fraction_end - a.fraction_end
    err = float(np.hypot(a.fraction_end_err, b.fraction_end_err))
    sign = significant_sign(d, err)
    verdict, why = sign_verdict(sign, d, expected)
    dm = mb.fraction_end - ma.fraction_end
    sm = significant_sign(dm, float(np.hypot(ma.fraction_end_err, mb.fraction_end_err)))
    measured = (f"fraction relaxed by t = {t_end}: {lo} "
                f"{pm(a.fraction_end, a.fraction_end_err, 3)}"
                f" -> {hi} {pm(b.fraction_end, b.fraction_end_err, 3)} (KMC, sign {sign}); mean "
                f"field {ma.fraction_end:.3f} -> {mb.fraction_end:.3f} (sign {sm})")
    glass = "electron glass" if eg else "TLS glass"
    how = "faster (+)" if expected == "+" else "slower (-)"
    return Claim(figure, f"Increasing {what} makes the {glass} relax {how}, in kinetic "
                 f"Monte Carlo (the fraction of the initial deviation relaxed by t = {t_end}).",
                 measured, verdict, why, TARGET_EG_KMC if eg else TARGET_KMC)


def _ratio_interval(k, k_err, m, m_err) -> tuple[float, float]:
    """The ratio ``rho = k / m`` of two positive amounts at two standard errors: ``rho +- 2
    sigma_rho`` (errors propagated) when ``m`` is more than two standard errors above zero;
    otherwise the denominator is consistent with zero and the ratio has no upper bound:
    ``[(k - 2 s_k) / (m + 2 s_m), inf)`` (the lower end 0 if ``k`` is not significant either)."""
    if m - SIGMAS * m_err > 0.0:
        rho = k / m
        err = abs(rho) * float(np.hypot(k_err / k, m_err / m)) if k else m_err
        return float(rho - SIGMAS * err), float(rho + SIGMAS * err)
    m_hi = m + SIGMAS * m_err
    k_lo = max(k - SIGMAS * k_err, 0.0)
    if m_hi <= 0.0:
        return (0.0 if k_lo == 0.0 else float("inf")), float("inf")
    return float(k_lo / m_hi), float("inf")


def _mf_vs_kmc_claim(label, result) -> Claim:
    _, t_end = _span(result)
    eg = result.meta["model"] == "eg_kmc"
    r, m = kmc_relaxation(result, "kmc"), kmc_relaxation(result, "mf")
    rho = r.relaxed[-1] / m.relaxed[-1]
    rho_err = abs(rho) * float(np.hypot(r.relaxed_err[-1] / r.relaxed[-1],
                                        m.relaxed_err[-1] / m.relaxed[-1]))
    what = "dipole" if eg else "polarization"
    measured = (f"{label}: change of the {what} per site by t = {t_end}: KMC "
                f"{pm(r.relaxed[-1], r.relaxed_err[-1], 4)}, "
                f"MF {pm(m.relaxed[-1], m.relaxed_err[-1], 4)}"
                f" (ratio {pm(rho, rho_err, 2)}); initial deviation KMC "
                f"{pm(r.delta0, r.delta0_err, 4)}, MF {pm(m.delta0, m.delta0_err, 4)}")
    lo, hi = _ratio_interval(-r.relaxed[-1], r.relaxed_err[-1], -m.relaxed[-1],
                             m.relaxed_err[-1])
    measured += f"; ratio at 2 sigma in [{lo:.2f}, {hi:.2f}]"
    (a, b), (c, d) = RHO_RANGE
    if lo <= b and hi >= a:
        verdict, why = "reproduced", f"the ratio's 2-sigma interval meets [{a:g}, {b:g}]"
    elif lo <= d and hi >= c:
        verdict, why = "partly", (f"the ratio's 2-sigma interval misses [{a:g}, {b:g}] but meets "
                                  f"[{c:g}, {d:g}]")
    else:
        verdict, why = "not reproduced", f"the ratio's 2-sigma interval misses [{c:g}, {d:g}]"
    if eg:
        return Claim(f"Beyond MF (EG, Eq. 23, {label})", "The mean-field relaxation of the "
                     "electron glass (Eq. 23 without its interaction term, mean-field energies "
                     "and response) is the relaxation of the model: kinetic Monte Carlo relaxes "
                     f"as much by t = {t_end}.", measured, verdict, why, TARGET_EG_KMC)
    return Claim(f"Beyond MF (Eq. 15, {label})", "The mean-field relaxation (Eq. 15 with the "
                 "mean-field rates and weights) is the relaxation of the model: kinetic Monte "
                 "Carlo relaxes as much.", measured, verdict, why, TARGET_KMC)


def _schemes(curves: dict) -> dict:
    """The curves of a kinetic experiment without its J = 0 control, in the experiment's order
    (the W = J = 1 scheme first, then the disorder and interaction ends), whatever order the
    caller loaded them in."""
    name = str(next(iter(curves.values())).meta.get("group", "")).split("/")[0]
    declared = [c.label for c in EXPERIMENTS[name].curves] if name in EXPERIMENTS else []
    rank = {label: k for k, label in enumerate(declared)}
    kept = [k for k in curves if not k.startswith(CONTROL)]
    return {k: curves[k] for k in sorted(kept, key=lambda k: rank.get(k, len(rank)))}


def _kinetic_claims(curves: dict, glass: str, interaction_sign: str) -> list[Claim]:
    """Per scheme the logarithmic and Eq. (17) claims, then Table I's two directions (disorder:
    +; interaction, J up at fixed W^2 + J^2 from the W/J scheme to the W = J = 1 one:
    ``interaction_sign``), then per scheme mean field against KMC."""
    out = []
    for label, r in curves.items():
        out.extend([_log_claim(label, r), _eq17_claim(label, r)])
    labels = list(curves)
    disorder = [x for x in labels if x.startswith("W=")]
    if len(disorder) >= 2:
        out.append(_direction_claim(curves, disorder[0], disorder[-1], "disorder W",
                                    f"Beyond MF (Table I, {glass}, disorder)", "+"))
    inter = [x for x in labels if x.startswith("W/J=")]
    if inter and disorder:
        out.append(_direction_claim(curves, inter[-1], disorder[0], "the interaction J",
                                    f"Beyond MF (Table I, {glass}, interaction)",
                                    interaction_sign))
    out.extend(_mf_vs_kmc_claim(label, r) for label, r in curves.items())
    return out


@replicated
def claims(data: dict) -> list[Claim]:
    """The Beyond-mean-field claims for the experiments present in ``data`` (module doc)."""
    out = []
    if TG in data:
        for r in data[TG].values():
            out.extend([_tg_gap_claim(r), _tg_fill_claim(r)])
    if EG in data:
        for r in data[EG].values():
            out.extend([_eg_alpha_claim(r), _eg_fill_claim(r)])
    # the J = 0 controls (mean field exact, or nearly) are shown on the page, not claimed
    if KMC in data:
        out.extend(_kinetic_claims(_schemes(data[KMC]), "TG", "+"))
    if EG_KMC in data:
        out.extend(_kinetic_claims(_schemes(data[EG_KMC]), "EG", "-"))
    return out


def dos_table(result) -> list[dict]:
    """Per anchor temperature: the gap ratio of each DOS (hot, cold, MF) with errors."""
    rows = []
    for T in sorted(float(t) for t in result.meta["params"]["temperatures"]):
        row = {"T": T}
        for start in ("mc", "cold", "mf"):
            g = gap_ratio(dos_view(result, start, T))
            row[start] = (g.ratio, g.ratio_err)
        rows.append(row)
    return rows


def kmc_table(curves: dict) -> list[dict]:
    """Per scheme: initial deviation, relaxed fraction by t_max and slope per decade, KMC and MF,
    and Eq. (17)'s slope (:func:`glasslib.measures.eq17_slope`)."""
    rows = []
    for label, r in curves.items():
        k, m = kmc_relaxation(r, "kmc"), kmc_relaxation(r, "mf")
        rows.append({"label": label, "kmc": k, "mf": m, "eq17": eq17_slope(r)})
    return rows
