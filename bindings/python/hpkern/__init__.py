"""hpkern: Python bindings of libhpkern, the "High Performance Python" kernels behind a C ABI.

``import hpkern`` gives the ctypes backend's API (:mod:`hpkern.ctypes_api`); the same API over
cffi is :mod:`hpkern.cffi_api`. Both take and return numpy arrays and raise :class:`HpkError`
when the library reports a failure.

Diffusion: evolve, run. Julia set: julia_grid, calculate_z. Primes: is_prime, check_prime,
smallest_factor_in_range, is_prime_batch, count_primes, primes. Threads: set_num_threads,
get_num_threads. ``__version__`` is the loaded library's version.
"""

from .ctypes_api import *  # noqa: F403  (the public API, see ctypes_api.__all__)
from .ctypes_api import __all__ as _api_names
from .ctypes_api import __version__, library_path

__all__ = [*_api_names, "__version__", "library_path"]
