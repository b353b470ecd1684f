"""The book's figures, declared once: number in the paper, page, label, experiment, caption.

Each entry ties a figure to the page (notebook) that draws it, the MyST label the prose and the
claims refer to, the experiment (:mod:`glasslib.experiments`) its curves come from, the CSV file
of its plotted data, our caption and the paper's own. Captions are templates: ``[[N]]``,
``[[R]]`` (realizations), ``[[T]]``, ``[[W]]``, ``[[J]]`` and ``[[xi]]`` are filled from the
parameters of the ensembles actually plotted (:func:`caption`), so a papermill rerun with other
parameters gets a true caption. A page publishes a figure with
:func:`glasslib.notebook.publish_figure` and shows it with a ``glue:figure`` directive; a test
checks that every registered figure appears on its page and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["Figure", "FIGURES", "get_figure", "by_label", "caption_fields", "caption"]


@dataclass(frozen=True)
class Figure:
    """One figure of the book."""

    key: str  # also the name of its CSV download (figdata/<key>.csv)
    paper: int | None  # its number in the paper (None: not a figure of the paper)
    page: str  # the notebook (stem) that draws it
    label: str  # MyST name, for {numref} and the claims' targets
    experiment: str  # where its curves come from (several: joined by " + ", in curve order)
    caption: str  # template (module docstring)
    paper_caption: str = ""
    title: str = ""  # the name of a figure the paper does not have
    summary: bool = False  # drawn from many ensembles: its N and counts are in its page's table

    @property
    def name(self) -> str:
        """How the book and the claims call it: the paper's number (``"Fig. 3"``), or, for a
        figure the paper does not have, its own title."""
        return f"Fig. {self.paper}" if self.paper else (self.title or self.label)

    @property
    def experiments(self) -> list[str]:
        """The experiments its curves come from, in curve order."""
        return [name.strip() for name in self.experiment.split("+")]

    @property
    def caption_key(self) -> str:
        """The glue key of its filled caption (shown with ``{glue:md}`<key>:myst```)."""
        return f"{self.label}-caption"


FIGURES = {f.key: f for f in (
    Figure('fig01', 1, 'sec2_tls_model', 'fig-tg-dos', 'fig01_tg_dos',
           'TLS-glass DOS. (a) Normalized histogram of the energies $E_i$ (Eq. 6) after solving Eq. (4): the dipole gap at $E = 0$. (b) The DOS against $\\log_{10}|E|$ divided by its peak (blue), and the same for non-interacting TLSs ($J = 0$, dashed); the dotted line marks $|E| = T$. $N = [[N]]$, $W = [[W]]$, $J = [[J]]$, $T = [[T]]$, [[R]] realizations.',
           paper_caption="TLS DOS. The normalized histogram (DOS) of TLS energies  $E_i = \\text{sgn}(\\Delta')\\sqrt{\\Delta'_i^2 + \\Delta_{0i}^2}$  obtained by solving the self-consistent equations, Eq. (3), for N = 10000 sites, W = J = 1, T = 0.05. Results are averaged over 300 realizations."),
    Figure('fig02', 2, 'sec2_tls_model', 'fig-tg-dos-vs-t', 'fig02_tg_dos_vs_T',
           'TLS-glass DOS at $T = [[T]]$ (blue asterisks, green squares, red triangles). The gap at $E = 0$ fills in as $T$ grows. $N = [[N]]$, $W = [[W]]$, $J = [[J]]$; [[R]] realizations (the paper does not state its number).',
           paper_caption='TLS DOS for different temperatures. T = 0.1 (blue asterisks), T = 1 (green squares), and T = 2 (red triangles) for N = 1000. The gap gradually disappears with increasing temperature.'),
    Figure('fig03', 3, 'sec3_dynamics', 'fig-tg-rates', 'fig03_tg_rates',
           'TLS-glass decay-rate distribution, Eq. (12). (a) Density of $\\log_{10}\\lambda$ over the full range; the dashed lines are the plateau cutoffs $\\lambda_{min}$, $\\lambda_{max}$ (half-level rule), the bands their bootstrap errors. (b) The distribution in linear scale over the first decade above $\\lambda_{min}$, with the $1/\\lambda$ curve $C/\\lambda$ normalized to the histogram between the cutoffs. $N = [[N]]$, $W = [[W]]$, $J = [[J]]$, $T = [[T]]$, $\\Delta_0 \\in [10^{-7}, 10^{-1}]$, [[R]] realizations.',
           paper_caption='Decay rate distribution for the TLSglass. The distribution of decay rates  $\\lambda_i$  presented in Eq. (12) calculated for N = 10000 and  $\\frac{J}{T} = 10$ . The disorder energy, tunneling splinting and interaction strength are the same as in Fig. 1. The graph is averaged over 1000 realizations. (a) Rate distribution in log scale for the full range of values. The bulk of rates occupy the plateau region which translates to  $\\frac{1}{\\lambda}$ form in normal scale. (b) Rate distribution within the cutoff region in the log plot shown in linear scale with a  $\\frac{1}{\\lambda}$  fit.'),
    Figure('fig03_relaxation', None, 'sec3_dynamics', 'fig-tg-relaxation', 'fig03_tg_rates',
           'Relaxation of the TLS glass. (a) $|\\delta\\sigma|(t)/N$, Eq. (15) with $c_i = 1$ on the rates of Fig. 3 (blue asterisks), Eq. (16) with $p = 1/\\lambda$ on the measured cutoffs (black) and Eq. (17) (red dashed), both with $c = 1/\\ln(\\lambda_{max}/\\lambda_{min})$; dotted lines at $t = 1/\\lambda_{max}$ and $1/\\lambda_{min}$. (b) The slope $-d|\\delta\\sigma|/d\\ln t$ in units of $c$, and that of Eq. (16) with the measured plateau amplitude; the shaded band is the inner window $10/\\lambda_{max} < t < 0.1/\\lambda_{min}$. Parameters as Fig. 3: $N = [[N]]$, $W = [[W]]$, $J = [[J]]$, $T = [[T]]$, [[R]] realizations.',
           paper_caption='', title='Relaxation of the TLS glass'),
    Figure('fig04', 4, 'sec4_disorder_interactions', 'fig-tg-dos-disorder', 'fig04_06_tg_disorder',
           'TLS-glass DOS for $W = [[W]]$ (blue asterisks, green squares, red triangles) at $T = [[T]]$ ($W/T = 10$), $J = [[J]]$, $N = [[N]]$ ([[R]] realizations each; the paper does not state its number). (a) The DOS in units of $W$ against $E/W$, so the three widths, 100 times apart, share one axis. (b) The density per decade of $|E|$ against $|E|$ in units of $J$: where the gap sits at each $W$.',
           paper_caption='TLS DOS for different disorder values. W = 1 (blue stars), W = 10 (green squares), and W = 100 (red triangles) for W/T = 10, constant interactions J = 1 and N = 1000.  $r_{nn} = 1$  as in all our calculations.'),
    Figure('fig05', 5, 'sec4_disorder_interactions', 'fig-tg-dos-interaction', 'fig05_07_tg_interaction',
           'TLS-glass DOS for $W/J = 1, 3.1, 9.8$ (blue asterisks, green squares, red triangles) at $W^2 + J^2 = 2$, $T = [[T]]$, $N = [[N]]$ ([[R]] realizations each; not stated in the paper). (a) The DOS against $E$, in the units where $W^2 + J^2 = 2$. (b) The density per decade of $|E|$.',
           paper_caption='TLS DOS for different interaction and disorder values. W/J = 1 (blue asterisks), W/J = 3.1(green squares), and W/J = 9.8 (red triangles), keeping  $W^2 + J^2 = 2$ . N = 1000 and T = 0.1. The structure of the DOS including the gap and the peaks around it is getting narrower and higher for larger values of W/J.'),
    Figure('fig06', 6, 'sec4_disorder_interactions', 'fig-tg-rates-disorder', 'fig04_06_tg_disorder',
           "TLS-glass decay-rate distribution (Eq. 12) for $W = [[W]]$ (blue asterisks, green squares, red triangles), $W/T = 10$, $J = [[J]]$, $N = [[N]]$ ([[R]] realizations each). (a) Density per decade of $\\lambda$ on a log axis; the dashed lines mark each curve's $\\lambda_{min}$. (b) $p(\\lambda)$ on a linear axis from 0 to ten times the largest $\\lambda_{min}$, with $C/\\lambda$ at each curve's plateau level (dashed) and $\\lambda_{min}$ (dotted); the $y$ axis ends at twice the $C/\\lambda$ value at the largest $\\lambda_{min}$, so curves with smaller cutoffs run off the top. Rates in units of $aJ^3$.",
           paper_caption='TG decay rate distribution for different disorder values. W = 1 (blue stars), W = 10 (green squares), and W = 100 (red triangles). W/T = 10, J = 1, and N = 1000. (a) Rate distributions in log scale. (b) Rate distributions in normal scale. The values for W = 10 are similar to those of W = 1 and are therefore discarded.'),
    Figure('fig07', 7, 'sec4_disorder_interactions', 'fig-tg-rates-interaction', 'fig05_07_tg_interaction',
           'TLS-glass decay-rate distribution for $W/J = 1, 3.1, 9.8$ (blue asterisks, green squares, red triangles) at $W^2 + J^2 = 2$, $T = [[T]]$, $N = [[N]]$ ([[R]] realizations each). (a) Density per decade of $\\lambda$, dashed lines at $\\lambda_{min}$. (b) $p(\\lambda)$ on a linear axis with $C/\\lambda$ at each plateau level (dashed) and $\\lambda_{min}$ (dotted); the $y$ axis ends at twice the $C/\\lambda$ value at the largest $\\lambda_{min}$, so curves with smaller cutoffs run off the top. Rates in units of $a$ times the cube of the energy unit ($W^2 + J^2 = 2$).',
           paper_caption='TG decay rate distribution for different interaction and disorder values. W/J = 1 (blue asterisks), W/J = 3.1 (green squares), and W/J = 9.8 (red squares). The rest of the parameters are the same as in Fig. 5. (a) Rate distributions in log scale. (b) Rate distributions in normal scale.'),
    Figure('fig08', 8, 'sec5_electron_glass', 'fig-eg-dos', 'fig08_eg_dos',
           "Electron-glass DOS at half filling, $N = [[N]]$ sites, $\\epsilon_i$ uniform in $[-W/2, W/2]$ with $W = [[W]]$, $T = [[T]]$ (the paper's $e^2/(r_{nn} T) = 20$ at $T = 0.05$), periodic square, [[R]] realizations. (a) The DOS against $E$ in units of $J = e^2/r_{nn}$. (b) The fraction $C(|E|)$ of sites below $|E|$ on log axes: a linear DOS gives $C \\sim |E|^2$; the line is the fit of $g \\sim |E|^p$ on the shaded window $2T \\le |E| \\le W/2$.",
           paper_caption='EG DOS. The normalized histogram of site energies  $E_i$  for half-filling and N = 10000 sites<sup>22</sup>. The energies  $\\epsilon_i$  are uniformly distributed in the interval  $\\left[-\\frac{W}{2}, \\frac{W}{2}\\right]$ , and  $\\frac{e^2}{r_{nn}T} = 20$ . W = 1 and  $E_i$  are taken in units of interaction at average nearest-neighbor distance  $J = \\frac{e^2}{r_{nn}}$ , where  $r_{nn}$  is the average nearest-neighbor distance. The sites are distributed uniformly on a square with periodic boundary condition and averaged over 300 realizations.'),
    Figure('fig09', 9, 'sec5_electron_glass', 'fig-eg-rates', 'fig09_eg_rates',
           'Electron-glass decay-rate distribution: eigenvalues of the rate matrix of Eq. (23) without its interaction term, $N = [[N]]$, $T = [[T]]$ ($e^2/(r_{nn} T) = 10$ at $T = 0.1$), $\\xi = [[xi]]$ ($r_{nn}/\\xi = 10$ at $\\xi = 0.1$), $W = [[W]]$, [[R]] realizations. (a) Density per decade of $\\lambda$; dashed lines: the plateau cutoffs $\\lambda_{min}$ and $\\lambda_{max}$; orange: the fitted law of (b) as a density per decade. (b) $p(\\lambda)$ on a linear axis from 0 to $10\\lambda_{min}$ (dotted), the range that sets the long-time relaxation, with the law $\\lambda^{-\\alpha}$ fitted over the whole plateau (dashed): it carries the average level of the plateau, above the points of this low-rate flank (see the text below). Rates in units of $\\Gamma^0$.',
           paper_caption='Decay rate distribution for the electron-glass. Normalized histograms of the real part of the decay rates (originally done elsewhere<sup>22</sup>), obtained by numerical diagonalization of the rate matrix  $A_{ij}$  given in Eq. (23), while neglecting the direct interactions term. N = 1000,  $\\frac{e^2}{r_{nn}T} = 10$ , and  $\\frac{r_{nn}}{\\xi} = 10$ . The disorder energy and density of sites are the same as in Fig. 8. The graph is averaged over 1000 realizations. (a) Rate distribution in log scale. The cutoff values are taken around the plateau region. (b) Rate distribution in normal scale with a  $\\frac{1}{\\lambda}$  fit. The region of the plot is determined by the cutoffs as seen in the log plot.'),
    Figure('fig10', 10, 'sec5_electron_glass', 'fig-eg-dos-disorder', 'fig10_11_eg_disorder',
           'Electron-glass DOS for $W = [[W]]$ (blue asterisks, green squares, red triangles) at $W/T = 10$, $J = e^2/r_{nn} = [[J]]$, $N = [[N]]$, density as in Fig. 8 ([[R]] realizations each; not stated in the paper). (a) The DOS against $E$ in units of $J$. (b) The density per decade of $|E|$.',
           paper_caption='EG DOS for different disorder values. W = 1 (blue stars), W = 5 (green squares) and W = 10 (red triangles) for W/T = 10, constant interactions J = 1, and N = 1000. The density of sites is set as in Fig. 8.'),
    Figure('fig11', 11, 'sec5_electron_glass', 'fig-eg-rates-disorder', 'fig10_11_eg_disorder',
           'Electron-glass decay-rate distribution for $W = [[W]]$ (blue asterisks, green squares, red triangles); parameters as in Fig. 10, $\\xi = [[xi]]\\,r_{nn}$. (a) Density per decade of $\\lambda$, dashed lines at each $\\lambda_{min}$. (b) $p(\\lambda)$ on a linear axis with $C/\\lambda$ at each plateau level (dashed) and $\\lambda_{min}$ (dotted); the $y$ axis ends at twice the $C/\\lambda$ value at the largest $\\lambda_{min}$, so curves with smaller cutoffs run off the top.',
           paper_caption='EG decay rate distribution as given by the distribution of eigenvalues of the rate matrix in Eq.  $(22)^{22}$ , for different disorder values. The parameters are the same as in Fig. 10. (a) Rate distributions in log scale. (b) Rate distributions in linear scale.'),
    Figure('fig12', 12, 'sec5_electron_glass', 'fig-eg-dos-interaction', 'fig12_13_eg_interaction',
           'Electron-glass DOS for $W/J = 1, \\sqrt{17}, \\sqrt{97}$ (blue asterisks, green squares, red triangles) at $W^2 + J^2 = 2$, $T = [[T]]$, $N = [[N]]$, density as in Fig. 8 ([[R]] realizations each; not stated in the paper). (a) The DOS against $E$ in the units where $W^2 + J^2 = 2$. (b) The density per decade of $|E|$.',
           paper_caption='EG DOS for different interaction and disorder values. W/J = 1 (blue stars),  $W/J = \\sqrt{17}$ (green squares) and  $W/J = \\sqrt{97}$  (red triangles) for constant sum of variances  $W^2 + J^2 = 2$ , temperature T = 0.1, and N = 1000. The density of sites is set as in Fig. 8.'),
    Figure('fig13', 13, 'sec5_electron_glass', 'fig-eg-rates-interaction', 'fig12_13_eg_interaction',
           'Electron-glass decay-rate distribution for $W/J = 1, \\sqrt{17}, \\sqrt{97}$ (blue asterisks, green squares, red triangles); parameters as in Fig. 12, $\\xi = [[xi]]\\,r_{nn}$. (a) Density per decade of $\\lambda$, dashed lines at each $\\lambda_{min}$. (b) $p(\\lambda)$ on a linear axis with $C/\\lambda$ at each plateau level (dashed) and $\\lambda_{min}$ (dotted); the $y$ axis ends at twice the $C/\\lambda$ value at the largest $\\lambda_{min}$, so curves with smaller cutoffs run off the top.',
           paper_caption='EG decay rate distribution as given by the distribution of eigenvalues of the rate matrix in Eq.  $(22)^{22}$ , for different values of the parameter J/W. The parameters are the same as in Fig. 12. (a) Rate distribution in log scale. (b) Rate distributions in linear scale.'),
    Figure('fig14', 14, 'appA_finite_size', 'fig-eg-size-dos', 'fig14_15_eg_size',
           'Electron-glass DOS for $N = [[N]]$ (red triangles, green squares, blue asterisks), $T = [[T]]$ ($e^2/(r_{nn} T) = 10$ at $T = 0.1$), $W = [[W]]$, half filling, density as in Fig. 8 (box side $\\sqrt{N} - 1$); [[R]] realizations (not stated in the paper). (a) The DOS against $E$ in units of $J = e^2/r_{nn}$. (b) The region of the gap, with the gap half-width $E_{gap}$ of each curve (dotted).',
           paper_caption='EG DOS for different system sizes. The number of sites N is varied, 10 (red triangles), 100 (green squares), 1000 (blue asterisks).  $\\frac{e^2}{r_{nn}T} = 10$ . The disorder and density of sites are the same as in Fig. 8. Notice how the DOS is wider and the gap is shorter for smaller number of sites. The same quantitative behavior can be seen for changing the interactions strength to smaller values.'),
    Figure('fig15', 15, 'appA_finite_size', 'fig-eg-size-rates', 'fig14_15_eg_size',
           'Electron-glass decay-rate distribution (eigenvalues of the rate matrix of Eq. 23 without its interaction term) for $N = [[N]]$ (red triangles, green squares, blue asterisks); $\\xi = [[xi]]\\,r_{nn}$, other parameters as in Fig. 14. (a) Density per decade of $\\lambda$, dashed lines at each $\\lambda_{min}$. (b) $p(\\lambda)$ on a linear axis with the law $\\lambda^{-\\alpha}$ fitted to the largest system on its plateau (solid line). Rates in units of $\\Gamma^0$.',
           paper_caption='EG decay rate distribution as given by the distribution of eigenvalues of the rate matrix in Eq. (22), for different system sizes. N = 10 (red triangles), N = 100 (green squares), and N = 1000 (blue asterisks). Localization length  $\\xi = 0.1$ . Disorder energy W and density of sites are the same as in Fig. 8. The solid line is a fit of 1/x curve. (a) Rate distributions in the natural log scale. (b) Rate distributions in linear scale.'),
    Figure('fig16', 16, 'appA_finite_size', 'fig-eg-distance', 'fig16_eg_distance',
           'Rate distribution of the distance-only matrix $A_{ij} = e^{-r_{ij}/\\xi}$ with the conservation diagonal, for $N = [[N]]$ (red triangles, green squares, blue asterisks), $\\xi = [[xi]]\\,r_{nn}$, same boxes as Figs. 14 and 15 ([[R]] realizations). (a) Density per decade of $\\lambda$, dashed lines at $\\lambda_{min}$. Inset: density of $x = -\\ln(\\lambda/2)$ after the rescaling $x \\to x\\,[(\\sqrt{N} + 1)/(\\sqrt{N} - 1)]^{1/2}$ of Eq. (A2), with Eq. (A2) itself (dashed). (b) $p(\\lambda)$ on a linear axis. Rates in units of $\\Gamma^0$.',
           paper_caption='EG rate distribution as given by the eigenvalue distribution of the matrix  $A_{ij} = e^{-r_{ij}/\\xi}$  (without energy dependence), plotted for different system sizes. N = 1000 (blue stars), N = 100 (green squares), and N = 10 (red triangles). The parameters are the same as in Fig. 15. (a) Rate distributions in the natural log scale. The inset shows how the peaks almost coincide after scaling  $\\xi$  with the prefactor given in Eq. (A2). (b) Rate distributions in linear scale.'),
    Figure('figA_nn', None, 'appA_finite_size', 'fig-eg-a1-a2', 'fig16_eg_distance',
           "Checks of Appendix A's estimate, from the Fig. 16 ensembles ($N = [[N]]$: red, green, blue). (a) Nearest-neighbour distances (points, units of $r_{nn}$) with Eq. (A1) (solid lines) and the exact periodic-square law (dotted). (b) Density of $x = r/\\xi = -\\ln(\\lambda/2)$ of the spectra (lines) against Eq. (A2) (dashed), with the measured peaks (solid vertical ticks) and Eq. (A2)'s peaks (dashed ticks).",
           paper_caption='', title='Appendix A, checked'),
    Figure('fig17', 17, 'appB_interaction_term', 'fig-b1-case-17', 'fig17_20_tg_b1',
           "Relative error $|(\\lambda' - \\lambda)/\\lambda'|$ between the rates with ($\\lambda'$) and without ($\\lambda$) the interaction term $f_{ij}$ of Eq. (B1), rank-paired, for $W = 0.1$, $J = 1.4$, $T = [[T]]$, $N = [[N]]$: realization 0 (points, grey below the numerical floor), the floor $\\epsilon\\max\\lambda'/\\lambda$ (dashed), the measured rounding noise (dotted), and per decade over [[R]] realizations the median and 99th percentile of the pairs above the floor (circles, squares) and the median of all pairs (triangles). The paper's Fig. 17 (the labelling of its captions).",
           paper_caption='Relative error between the rates with and without the interaction term  $f_{ij}$ , for W=0.1, J=1.4, T=0.1, and N=1000.'),
    Figure('fig18', 18, 'appB_interaction_term', 'fig-b1-case-18', 'fig17_20_tg_b1',
           "As Fig. 17 for $W = J = 1$, $T = [[T]]$, $N = [[N]]$. The paper's Fig. 18 (the labelling of its captions; its text calls this case (iii), Fig. 19).",
           paper_caption='Relative error between the rates with and without the interaction term  $f_{ij}$ , W=J=1, T=0.1, and N=1000.'),
    Figure('fig19', 19, 'appB_interaction_term', 'fig-b1-case-19', 'fig17_20_tg_b1',
           "As Fig. 17 for $W = 1.4$, $J = 0.1$, $T = [[T]]$, $N = [[N]]$. The paper's Fig. 19 (the labelling of its captions; its text calls this case (i), Fig. 17).",
           paper_caption='Relative error between the rates with and without the interaction term  $f_{ij}$ , W=1.4, J=0.1, T=0.1, and N=1000.'),
    Figure('fig20', 20, 'appB_interaction_term', 'fig-b1-rates', 'fig17_20_tg_b1',
           'Rates with (orange plus) and without (blue asterisks) the interaction term $f_{ij}$ for $W = J = 1$, $T = [[T]]$, $N = [[N]]$. (a) Realization 0, the rates in increasing order. (b) Density per decade of $\\lambda$ over [[R]] realizations, for $W = J = 1$ (blue and orange) and, faint, for the other two cases. Rates in units of $aJ^3$.',
           paper_caption='Typical graph of the rates with and without the interaction term for the three cases stated above. Blue (asterisk) for  $f_{ij} = 0$  and orange (plus) is for  $f_{ij} \\neq 0$ .'),
    Figure('fig01_annealed', None, 'sec2_tls_model', 'fig-tg-annealed', 'annealed_fig01_tg_dos',
           "TLS-glass DOS at Fig. 1's parameters ($N = [[N]]$, $W = [[W]]$, $J = [[J]]$, $T = [[T]]$) for the same [[R]] realizations with two solutions of Eq. (4): the quench at $T$ (the book's default, blue) and the solution annealed down a temperature ladder from $20T$ (the authors' code, green).",
           paper_caption='', title='Fig. 1, quenched and annealed'),
    Figure('fig08_annealed', None, 'sec5_electron_glass', 'fig-eg-annealed', 'annealed_fig08_eg_dos',
           "Coulomb-gap coefficient $\\alpha(e) = \\mathrm{fraction}(|E| < e)/e^2$ of the electron glass at Fig. 8's parameters ($N = [[N]]$, $W = [[W]]$, $T = [[T]]$) for the same [[R]] realizations with two solutions of Eq. (20): the quench at $T$ (the book's default) and the solution annealed from $20T$ (the authors' code); bars at two standard errors. Dashed: the Efros-Shklovskii bound $2/\\pi$ (per unit density; the box's density is within 2% of 1).",
           paper_caption='', title='Fig. 8, quenched and annealed'),
    Figure('beyond_equilibration', None, 'beyond_mean_field', 'fig-beyond-equilibration', 'mc_tg_dos',
           'Equilibration of the replica-exchange Monte Carlo: energy per site at the lowest ladder temperature against sweeps, from a hot (random) and a cold (mean-field) start, mean over [[R]] realizations (bars at two standard errors). (a) TLS glass in its Ising limit, (b) electron glass; $N = [[N]]$, $W = [[W]]$, $J = [[J]]$.',
           paper_caption='', title='Monte Carlo equilibration'),
    Figure('beyond_dos', None, 'beyond_mean_field', 'fig-beyond-dos', 'mc_tg_dos',
           'The DOS beyond mean field, on the same realizations: (a) TLS glass (Fig. 1\'s parameters at $N = [[N]]$) and (b) electron glass (Fig. 8\'s) at the lowest temperature, Monte Carlo from a hot and a cold start and the mean-field solutions; (c, d) the gap ratio $g_0/g_{peak}$ (Sec. II) at every anchor temperature, bars at two standard errors. $W = [[W]]$, $J = [[J]]$, [[R]] realizations.',
           paper_caption='', title='Beyond mean field, DOS'),
    Figure('beyond_kmc', None, 'beyond_mean_field', 'fig-beyond-kmc', 'kmc_tg_table_one',
           'TLS-glass relaxation after a field step, kinetic Monte Carlo (points, bars at two standard errors) against the mean-field prediction of Eq. (15) on the same realizations (lines), for the Table I schemes and the $J = 0$ control (grey, mean field exact); the shaded window is the range of the logarithmic fits. (a) The relaxed fraction of the initial deviation, and (dotted) Eq. (17) for uniform weights with $c = 1/\\ln(\\lambda_{max}/\\lambda_{min})$ from the plateau of the mean-field rates; (b) the change of the polarization per site. $N = [[N]]$, $W = [[W]]$, $J = [[J]]$, $T = [[T]]$, [[R]] realizations, 8 trajectories each.',
           paper_caption='', title='Beyond mean field, relaxation'),
    Figure('beyond_eg_kmc', None, 'beyond_mean_field', 'fig-beyond-eg-kmc', 'kmc_eg_table_one',
           'Electron-glass relaxation after a square-wave potential step, kinetic Monte Carlo of Miller-Abrahams hops (Eq. 21 at the instantaneous hop energy; points, bars at two standard errors) against the mean-field prediction of Eq. (23) without its interaction term on the same realizations (lines), for the Table I schemes and the $J = 0$ control (grey); the shaded window is the range of the logarithmic fits. (a) The relaxed fraction of the initial deviation of the dipole $M = \\sum_i s_i n_i$, and (dotted) Eq. (17) for uniform weights with $c = 1/\\ln(\\lambda_{max}/\\lambda_{min})$ from the plateau of the mean-field rates; (b) the change of $M$ per site. $N = [[N]]$, $W = [[W]]$, $J = [[J]]$, $T = [[T]]$, $\\xi = [[xi]]$, [[R]] realizations, 8 trajectories each, hops within $1.5\\,r_{nn}$.',
           paper_caption='', title='Beyond mean field, electron-glass relaxation'),
    Figure('x10_tg', None, 'sec3_dynamics', 'fig-tg-x10', 'fig03_tg_rates + x10_tg_rates',
           "Beyond the paper's size: the TLS-glass rate distribution of Fig. 3 ($W = J = 1$, $T = [[T]]$) at $N = [[N]]$ ([[R]] realizations). (a) Density per decade of $\\lambda$, each curve's $\\lambda_{min}$ dashed; (b) $p(\\lambda)$ on a linear axis with $C/\\lambda$ at each plateau level. Rates in units of $aJ^3$.",
           paper_caption='', title='Fig. 3 at three times its size'),
    Figure('x10_eg', None, 'sec5_electron_glass', 'fig-eg-x10', 'fig09_eg_rates + x10_eg_rates',
           "Beyond the paper's size: the electron-glass rate distribution of Fig. 9 ($T = [[T]]$, $\\xi = [[xi]]$, $W = [[W]]$) at $N = [[N]]$ ([[R]] realizations). (a) Density per decade of $\\lambda$, each curve's $\\lambda_{min}$ dashed; (b) $p(\\lambda)$ on a linear axis with $C/\\lambda$ at each plateau level. Rates in units of $\\Gamma^0$.",
           paper_caption='', title='Fig. 9 at ten times its size'),
    Figure('robust_table_one', None, 'robustness', 'fig-robust-table-one', 'robust_tg_poisson',
           "Table I under every choice the paper leaves open: for each cell, the shift of $\\log_{10}\\lambda_{min}$ from the first to the last curve of its scan (points, bars at two standard errors) under each choice (rows; blue: the paper's sign, red: another sign or none). The default and its two other $\\lambda_{min}$ rules use the book's Table I ensembles, every other row its own; the sizes and realization counts of all of them are in the table at the end of the page.",
           paper_caption='', title='Table I, robustness', summary=True),
    Figure('robust_appA', None, 'robustness', 'fig-robust-app-a', 'robust_eg_density_one',
           'Appendix A at constant density (density 1 at every $N$, the large-$N$ limit of the default box). (a) Electron-glass log-rate density for $N = [[N]]$ at $T = 0.1$, $\\xi = 0.1$, $W = J = 1$. (b) The distance-only matrix $e^{-r_{ij}/\\xi}$ of Fig. 16 in the same boxes. Rates in units of $\\Gamma^0$; [[R]] realizations.',
           paper_caption='', title='Appendix A at constant density'),
    Figure('conventions_tls', None, 'conventions_effects', 'fig-conventions-tls', 'conventions_tls',
           'TLS-glass DOS (a) and log-rate density (b) under each documented choice; $W = [[W]]$, $J = [[J]]$, $T = [[T]]$, $N = [[N]]$, [[R]] realizations each.',
           paper_caption='', title='Conventions, TLS glass'),
    Figure('conventions_eg', None, 'conventions_effects', 'fig-conventions-eg', 'conventions_eg',
           "Electron glass at Fig. 9's parameters ($T = [[T]]$, $\\xi = [[xi]]$, $W = [[W]]$, $N = [[N]]$, [[R]] realizations): DOS (a) and log-rate density (b) for the two readings of $r_{nn} = 1$.",
           paper_caption='', title='Conventions, electron glass'),
)}


def get_figure(key: str) -> Figure:
    """The registered figure ``key`` (e.g. ``"fig03"``)."""
    if key not in FIGURES:
        raise ValueError(f"figure must be one of {sorted(FIGURES)}, got {key!r}")
    return FIGURES[key]


def by_label(label: str) -> Figure:
    """The registered figure with MyST name ``label``."""
    for f in FIGURES.values():
        if f.label == label:
            return f
    raise ValueError(f"no registered figure has the label {label!r}")


def _number(v) -> str:
    """A parameter for a caption: powers of ten from 10^4 as such, others as %g."""
    if isinstance(v, (int, np.integer)) and v >= 10**4 and 10 ** round(np.log10(v)) == v:
        return f"10^{{{int(round(np.log10(v)))}}}"
    return f"{v:g}" if isinstance(v, (int, float, np.integer, np.floating)) else str(v)


def _join(values, *, math: bool = False) -> str:
    values = list(dict.fromkeys(values))  # unique, in curve order
    if len(values) == 1:
        return values[0]
    word = r"\ \text{and}\ " if math else " and "
    return ", ".join(values[:-1]) + word + values[-1]


def caption_fields(curves: dict) -> dict:
    """``{field: text}`` for the caption templates, from ``{label: EnsembleResult}``: each
    field lists its distinct values in curve order ("10, 100 and 1000"); the parameters are
    written for use inside ``$...$``, the realization count ``R`` for plain text."""
    results = list(curves.values())
    out = {"R": _join(str(r.realizations) for r in results)}
    for name in ("N", "T", "W", "J", "xi"):
        values = [r.meta["params"].get(name) for r in results]
        if all(v is not None for v in values):
            out[name] = _join((_number(v) for v in values), math=True)
    return out


def caption(key: str, curves: dict) -> str:
    """The caption of figure ``key`` with its fields filled from ``curves``, headed by the
    figure's name: the paper's number, or its own title."""
    fig = get_figure(key)
    fields = caption_fields(curves)

    def fill(match):
        name = match.group(1)
        if name not in fields:
            raise KeyError(f"caption of {key} uses [[{name}]], which its curves do not have")
        return fields[name]

    text = re.sub(r"\[\[(\w+)\]\]", fill, fig.caption)
    # the book numbers figures as the paper does (Sphinx's own numbering is off: it would count
    # the figures the paper does not have)
    if fig.paper:
        return f"**{fig.name}.** {text}"
    return f"**{fig.name}** (not a figure of the paper). {text}"
