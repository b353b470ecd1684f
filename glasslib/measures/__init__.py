"""Measures of an ensemble, each an estimate with its standard error from one bootstrap.

Every error on the book's pages comes from :func:`bootstrap_weights`: resample the realizations
of an ensemble with replacement (a fixed seed, so the numbers are reproducible), pool the
resampled histograms, recompute the measure, and take the standard deviation over resamples.
:mod:`.core` holds the bootstrap and the measures several sections share; the others hold each
part of the paper's own. Rules that turn estimates into verdicts live in :mod:`glasslib.rules`,
their text in :mod:`glasslib.formatting`, the claims in :mod:`glasslib.verdicts`.
"""

from .beyond import *  # noqa: F403
from .beyond import __all__ as _beyond
from .core import *  # noqa: F403
from .core import __all__ as _core
from .dos import *  # noqa: F403
from .dos import __all__ as _dos
from .finite_size import *  # noqa: F403
from .finite_size import __all__ as _finite_size
from .interaction_term import *  # noqa: F403
from .interaction_term import __all__ as _interaction_term
from .rates import *  # noqa: F403
from .rates import __all__ as _rates

__all__ = [*_core, *_dos, *_rates, *_finite_size, *_interaction_term, *_beyond]
