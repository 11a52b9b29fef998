"""hpkern: the "High Performance Python" kernels from libhpkern, a Rust library with a C ABI.

Diffusion: :func:`evolve`, :func:`run`. Julia set: :func:`julia_grid`, :func:`calculate_z`.
Primes: :func:`is_prime`, :func:`check_prime`, :func:`smallest_factor_in_range`,
:func:`is_prime_batch`, :func:`count_primes`, :func:`primes`, :func:`iter_primes` (a generator),
:func:`nth_prime`. Threads: :func:`set_num_threads`, :func:`get_num_threads`. Arrays are numpy
arrays; failures reported by the library raise :class:`HpkError`.

Long calls take ``progress=``: True for a progress bar on stderr, or a callable
``(done, total) -> bool`` that returns True to cancel (the call then raises :class:`Cancelled`).
Ctrl-C stops a long call on the main thread within a fraction of a second (KeyboardInterrupt).

The library is called through ctypes by default, or cffi (``use_backend("cffi")`` or
``HPKERN_BACKEND=cffi``): same functions, same results. ``__version__`` is the package's
version, which is the library's.
"""

from ._abi import ABI_VERSION, STATUS_NAMES, VERSION as __version__
from ._diffusion import BOUNDARY_FIXED, BOUNDARY_PERIODIC, Boundary, evolve, run
from ._julia import calculate_z, julia_grid, julia_tile
from ._library import (backend_name, get_num_threads, isa_name, library_path, set_num_threads,
                       use_backend)
from ._prime_stream import iter_primes
from ._primes import (check_prime, count_primes, is_prime, is_prime_batch, nth_prime, primes,
                      smallest_factor_in_range)
from ._errors import Cancelled, HpkError
from ._progress import Progress, ProgressCallback

__all__ = [
    "evolve", "run", "julia_grid", "julia_tile", "calculate_z", "is_prime", "check_prime",
    "smallest_factor_in_range", "is_prime_batch", "count_primes", "primes", "iter_primes", "nth_prime",
    "set_num_threads", "get_num_threads", "isa_name", "library_path", "use_backend",
    "backend_name", "HpkError", "Cancelled", "Progress", "ProgressCallback", "Boundary", "ABI_VERSION", "BOUNDARY_FIXED",
    "BOUNDARY_PERIODIC", "STATUS_NAMES", "__version__",
]
