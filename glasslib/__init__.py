"""glasslib: mean-field kernels for the TLS glass and the electron glass.

Companion library to Asban, Amir, Imry & Schechter, *Effect of interactions and disorder on the
relaxation of two-level systems in amorphous solids*. Each paper equation lives in one function
whose docstring names it. Modules:

- :mod:`glasslib.geometry`: sites in a periodic box, minimum-image distances, r_nn conventions;
- :mod:`glasslib.tls`: the TLS glass (Eqs. 2, 4, 6, 7, 12, B1);
- :mod:`glasslib.electron_glass`: the electron glass (Eqs. 20, 21, 23; Fig. 16's matrix);
- :mod:`glasslib.mean_field`: the self-consistent solver shared by both;
- :mod:`glasslib.analysis`: histograms, the lambda_min rule, the 1/lambda fit, Eqs. 15-17, A1, A2.

All rates are returned positive (the paper's Eqs. 12 and 23 carry a minus sign).
"""

__version__ = "0.1.0"

from .analysis import (
    EULER_GAMMA,
    InverseLambdaFit,
    PlateauEdges,
    distance_variable,
    exact_log_relaxation,
    exact_log_relaxation_slope,
    finite_size_factor,
    finite_size_log_rate_pdf,
    finite_size_log_rate_peak,
    fit_inverse_lambda,
    inverse_lambda_amplitude,
    log_histogram,
    log_relaxation,
    nearest_neighbour_cdf,
    nearest_neighbour_mean,
    nearest_neighbour_pdf,
    periodic_nearest_neighbour_cdf,
    plateau_edges,
    relaxation_curve,
    rescale_log_rates,
)
from .electron_glass import (
    ElectronGlass,
    coulomb_matrix,
    distance_rate_matrix,
    drop_unresolved,
    eg_rate_matrix,
    eg_symmetrized_rate_matrix,
    eg_symmetrized_rate_matrix_from_sites,
    miller_abrahams_rates,
    occupation_variance,
    occupations,
    relaxation_spectrum,
    sample_electron_glass,
    solve_eg_mean_field,
)
from .geometry import (
    R_NN_CONVENTIONS,
    box_side,
    minimum_image_distances,
    nearest_neighbour_distances,
    poisson_mean_nn_distance,
    sample_sites,
    unit_ball_volume,
)
from .mean_field import ConvergenceError, ConvergenceWarning, MeanFieldResult, solve_fixed_point
from .tls import (
    PHYSICAL_A,
    SCE_PREFACTORS,
    TLSGlass,
    sample_couplings,
    sample_tls_glass,
    solve_tls_mean_field,
    tls_energies,
    tls_rate_matrix,
    tls_rate_spectrum,
    tls_relaxation_rates,
    tls_symmetrized_rate_matrix,
)

__all__ = [name for name in dir() if not name.startswith("_")]
