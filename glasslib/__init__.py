"""glasslib: physics kernels for the TLS glass and the electron glass (Asban et al.)."""

__version__ = "0.1.0"
