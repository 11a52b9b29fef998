!> hpkern: Fortran bindings to libhpkern, the compute kernels of "High Performance Python"
!> (2D diffusion, Julia set, primes) behind a stable C ABI. Mirrors include/hpkern.h, which is the
!> contract: read it for every function's ranges and statuses.
!>
!> Build (from the repository root, after `make lib`; -J/-I keep hpkern.mod in build/):
!>   gfortran -J build -I build bindings/fortran/hpkern.f90 example.f90 \
!>            -L target/release -lhpkern -Wl,-rpath,$PWD/target/release
!> Installed (`make install`; the module and its compiled wrappers come with it):
!>   gfortran example.f90 $(pkg-config --cflags --libs hpkern)
!>
!> Two layers:
!>  * Raw interfaces, one per export of the header, under the header's names (hpk_diffusion_evolve,
!>    hpk_julia_grid, hpk_is_prime, ...): C semantics, row-major sizes passed explicitly. They and
!>    the constants are generated from the header by scripts/gen-bindings.py (`make generate`;
!>    scripts/abi_fortran.py holds the rules below) between the BEGIN/END GENERATED lines: change
!>    the header's source (src/ffi), not them. `make test` fails when they are stale.
!>  * Wrappers taking ordinary Fortran arrays, which derive the sizes from the arrays:
!>    hpk_evolve, hpk_run, hpk_julia, hpk_calculate_z, hpk_is_prime_array, hpk_list_primes, and the
!>    string functions hpk_version_string, hpk_isa_string, hpk_error_message, hpk_status_string, hpk_c_string.
!>  * Primes as a stream: type(hpk_primes_stream) with hpk_stream_open, hpk_stream_next,
!>    hpk_stream_position and hpk_stream_close.
!>  * Progress reports and cancellation: hpk_set_progress(handler, interval_ms, user_data) and
!>    hpk_clear_progress(), with the interface hpk_progress_procedure that a handler must have.
!>
!> Type mapping (the header's C type -> Fortran):
!>  * hpk_status (uint32_t) -> integer(c_int32_t); its values are the HPK_OK / HPK_ERR_*
!>    parameters below. hpk_boundary (uint32_t) -> integer(c_int32_t).
!>  * size_t -> integer(c_size_t); int32_t -> integer(c_int32_t); double -> real(c_double);
!>    bool -> logical(c_bool); hpk_complex -> complex(c_double_complex), which has the same layout
!>    (two doubles, real part first).
!>  * uint64_t -> integer(c_int64_t). Fortran has no unsigned type: a value >= 2**63 travels as its
!>    two's complement bit pattern, i.e. as the negative integer value - 2**64 (2**64 - 1 is -1,
!>    the largest 64-bit prime 2**64 - 59 is -59_c_int64_t). Results come back the same way. All
!>    the book's numbers are below 2**63 and need no care.
!>  * Scalars are passed by value. Pointers are assumed-size arrays (when the function also takes
!>    a size_t count or dimension and the pointer is not a size_t *) or else scalars passed by
!>    reference, declared OPTIONAL: an absent argument is passed as NULL (Fortran 2018 interoperability;
!>    tested with gfortran 12), which is how a size query leaves out its buffer, e.g.
!>      status = hpk_primes_in_range(lo, hi, capacity=0_c_size_t, written=needed)
!>    A disassociated pointer or unallocated allocatable passed there is absent too.
!>  * Output arguments are INTENT(INOUT), not INTENT(OUT): the library leaves them untouched on any
!>    error, and INTENT(OUT) would let the compiler treat them as undefined after the call.
!>  * A handle (hpk_prime_stream *) is type(c_ptr), passed by value; where a function stores a new
!>    one (hpk_prime_stream **) it is a type(c_ptr) variable passed by reference.
!>  * The C strings (hpk_version, hpk_isa_name, hpk_status_message, hpk_last_error_message) are returned as
!>    type(c_ptr); hpk_c_string converts one into a Fortran string, and the *_string / *_message
!>    wrappers do that for you.
!>
!> Array layout: the library's grids are row-major (C order). A Fortran array of shape (n1, n2) is
!> column-major, which is the same memory as a row-major n2 x n1 array, so the wrappers pass
!> rows = size(grid, 2) and cols = size(grid, 1). The diffusion stencil is symmetric in the two
!> axes, so a Fortran caller gets exactly the Fortran-order result; for the Julia set, element
!> output(k+1, r+1) is column k (real axis) of row r (imaginary axis, row 0 at the top, y2).
module hpkern
   use, intrinsic :: iso_c_binding, only: c_associated, c_bool, c_char, c_double, c_double_complex, &
                                          c_f_pointer, c_funloc, c_funptr, c_int32_t, c_int64_t, c_null_funptr, &
                                          c_null_ptr, c_ptr, c_size_t
   implicit none
   private

   ! BEGIN GENERATED from include/hpkern.h by scripts/gen-bindings.py: do not edit
   ! Constants: the header's #define HPK_* values.

   !> Version of the library these declarations describe; hpk_version() returns the same at run time.
   integer, parameter, public :: HPK_VERSION_MAJOR = 0
   integer, parameter, public :: HPK_VERSION_MINOR = 1
   integer, parameter, public :: HPK_VERSION_PATCH = 0

   !> ABI version: the number in the soname libhpkern.so.<HPK_ABI_VERSION>; hpk_abi_version() returns it.
   !> HPK_ABI_VERSION in the header, renamed: Fortran names are case-insensitive, and it would clash
   !> with the function hpk_abi_version.
   integer(c_int32_t), parameter, public :: HPK_HEADER_ABI_VERSION = 1

   ! Values of hpk_boundary. How a diffusion step treats the grid's edges.

   !> Edge cells are copied unchanged from input to output; only interior cells update (the book's
   !> C and Fortran). A grid with fewer than 3 rows or columns is all edge.
   integer(c_int32_t), parameter, public :: HPK_BOUNDARY_FIXED = 0

   !> Neighbours wrap around (the book's numpy np.roll form); conserves the grid's sum.
   integer(c_int32_t), parameter, public :: HPK_BOUNDARY_PERIODIC = 1

   ! Values of hpk_status. Result of every fallible function: HPK_OK or one of the HPK_ERR_* codes
   ! below.

   !> Success; outputs are written.
   integer(c_int32_t), parameter, public :: HPK_OK = 0

   !> A pointer that must point to data is NULL.
   integer(c_int32_t), parameter, public :: HPK_ERR_NULL_POINTER = 1

   !> A dimension is zero, or an element count times its size overflows the address space.
   integer(c_int32_t), parameter, public :: HPK_ERR_INVALID_SIZE = 2

   !> A value is outside its documented range (negative maxiter, non-finite coordinate or
   !> coefficient, unknown boundary, too many threads, misaligned pointer).
   integer(c_int32_t), parameter, public :: HPK_ERR_INVALID_ARGUMENT = 3

   !> An output buffer overlaps an input buffer or the other buffer.
   integer(c_int32_t), parameter, public :: HPK_ERR_OVERLAP = 4

   !> The output buffer is too small; the required size is reported (see hpk_primes_in_range).
   integer(c_int32_t), parameter, public :: HPK_ERR_BUFFER_TOO_SMALL = 5

   !> An internal buffer or the worker threads could not be allocated.
   integer(c_int32_t), parameter, public :: HPK_ERR_OUT_OF_MEMORY = 6

   !> An internal bug was caught before it could unwind into the caller; the library stays usable.
   integer(c_int32_t), parameter, public :: HPK_ERR_PANIC = 7

   !> The progress handler asked to stop (see hpk_set_progress_handler); what the outputs hold is
   !> documented per function.
   integer(c_int32_t), parameter, public :: HPK_ERR_CANCELLED = 8

   ! Raw interfaces: one per export, the header's names and argument order.
   public :: hpk_diffusion_evolve, hpk_diffusion_run, hpk_julia_calculate_z, hpk_julia_grid, hpk_julia_tile, &
             hpk_last_error_message, hpk_prime_stream_new, hpk_prime_stream_next, hpk_prime_stream_position, &
             hpk_prime_stream_free, hpk_smallest_factor_in_range, hpk_check_prime, hpk_is_prime, &
             hpk_is_prime_batch, hpk_count_primes, hpk_nth_prime, hpk_primes_in_range, &
             hpk_set_progress_handler, hpk_status_message, hpk_set_num_threads, hpk_get_num_threads, &
             hpk_version, hpk_abi_version, hpk_isa_name

   interface
      !> One explicit step of the 2D diffusion equation from `in` into `out`:
      !> `out[i][j] = in[i][j] + d*dt*(in[i+1][j] + in[i-1][j] + in[i][j+1] + in[i][j-1] - 4*in[i][j])`.
      !> The header's `in`, `out` are grid_in, grid_out here.
      function hpk_diffusion_evolve(grid_in, grid_out, rows, cols, d, dt, boundary) result(status) &
         bind(C, name="hpk_diffusion_evolve")
         import :: c_double, c_int32_t, c_size_t
         real(c_double), intent(in), optional :: grid_in(*)
         real(c_double), intent(inout), optional :: grid_out(*)
         integer(c_size_t), value :: rows, cols
         real(c_double), value :: d, dt
         integer(c_int32_t), value :: boundary
         integer(c_int32_t) :: status
      end function hpk_diffusion_evolve

      !> `steps` explicit steps of hpk_diffusion_evolve, alternating between `grid` and `scratch`.
      !> uint64_t values as integer(c_int64_t) (see the module header): steps.
      function hpk_diffusion_run(grid, scratch, rows, cols, d, dt, boundary, steps) result(status) &
         bind(C, name="hpk_diffusion_run")
         import :: c_double, c_int32_t, c_int64_t, c_size_t
         real(c_double), intent(inout), optional :: grid(*), scratch(*)
         integer(c_size_t), value :: rows, cols
         real(c_double), value :: d, dt
         integer(c_int32_t), value :: boundary
         integer(c_int64_t), value :: steps
         integer(c_int32_t) :: status
      end function hpk_diffusion_run

      !> Escape counts of the points `zs[i]` with constants `cs[i]`: the book's `calculate_z`.
      function hpk_julia_calculate_z(zs, cs, n, maxiter, output) result(status) &
         bind(C, name="hpk_julia_calculate_z")
         import :: c_double_complex, c_int32_t, c_size_t
         complex(c_double_complex), intent(in), optional :: zs(*), cs(*)
         integer(c_size_t), value :: n
         integer(c_int32_t), value :: maxiter
         integer(c_int32_t), intent(inout), optional :: output(*)
         integer(c_int32_t) :: status
      end function hpk_julia_calculate_z

      !> Escape counts of a `width x height` grid of the complex plane, the book's picture.
      function hpk_julia_grid(x1, x2, y1, y2, width, height, c_re, c_im, maxiter, output) result(status) &
         bind(C, name="hpk_julia_grid")
         import :: c_double, c_int32_t, c_size_t
         real(c_double), value :: x1, x2, y1, y2
         integer(c_size_t), value :: width, height
         real(c_double), value :: c_re, c_im
         integer(c_int32_t), value :: maxiter
         integer(c_int32_t), intent(inout), optional :: output(*)
         integer(c_int32_t) :: status
      end function hpk_julia_grid

      !> Escape counts of a tile of the `width x height` grid of hpk_julia_grid: its rows
      !> `row0 .. row0 + rows` and columns `col0 .. col0 + cols`, into `output` (`rows * cols` int32
      !> values, row-major: element `i*cols + j` is grid pixel (row0 + i, col0 + j)).
      function hpk_julia_tile(x1, x2, y1, y2, width, height, row0, col0, rows, cols, c_re, c_im, maxiter, &
         output) result(status) &
         bind(C, name="hpk_julia_tile")
         import :: c_double, c_int32_t, c_size_t
         real(c_double), value :: x1, x2, y1, y2
         integer(c_size_t), value :: width, height, row0, col0, rows, cols
         real(c_double), value :: c_re, c_im
         integer(c_int32_t), value :: maxiter
         integer(c_int32_t), intent(inout), optional :: output(*)
         integer(c_int32_t) :: status
      end function hpk_julia_tile

      !> What went wrong in the most recent call on this thread that returned a status other than
      !> HPK_OK, e.g. "d must be finite, got NaN". An empty string if no call on this thread failed.
      function hpk_last_error_message() result(text) bind(C, name="hpk_last_error_message")
         import :: c_ptr
         type(c_ptr) :: text
      end function hpk_last_error_message

      !> Create a stream of the primes p with lo <= p < hi, ascending, into `*stream`: pass it to
      !> hpk_prime_stream_next to get them a buffer at a time, then to hpk_prime_stream_free. Any
      !> 64-bit bounds are valid; `lo >= hi` gives an empty stream. Costs the sieve's base primes:
      !> those up to sqrt(hi - 1) or fewer (at most up to 2^25, about 8 MiB; Miller-Rabin then
      !> confirms what the sieve leaves), whichever is cheaper for the range, plus two segments of up
      !> to 1 MiB each; the memory stays the same for any range length.
      !> uint64_t values as integer(c_int64_t) (see the module header): lo, hi.
      function hpk_prime_stream_new(lo, hi, stream) result(status) bind(C, name="hpk_prime_stream_new")
         import :: c_int32_t, c_int64_t, c_ptr
         integer(c_int64_t), value :: lo, hi
         type(c_ptr), intent(inout), optional :: stream
         integer(c_int32_t) :: status
      end function hpk_prime_stream_new

      !> The next primes of the stream, ascending, into `primes[0 .. *written]`: `capacity` of them,
      !> or fewer only when the range ends; `*written == 0` means the stream is exhausted (and stays
      !> so). `primes[*written ..]` is untouched. Every prime of the range comes exactly once over the
      !> calls, whatever their capacities, and each stretch of the range is sieved once.
      !> Single-threaded: a call sieves about `capacity * ln(hi)` numbers on the calling thread (the
      !> README's Performance section compares its throughput with hpk_primes_in_range's).
      !> uint64_t values as integer(c_int64_t) (see the module header): primes.
      function hpk_prime_stream_next(stream, primes, capacity, written) result(status) &
         bind(C, name="hpk_prime_stream_next")
         import :: c_int32_t, c_int64_t, c_ptr, c_size_t
         type(c_ptr), value :: stream
         integer(c_int64_t), intent(inout), optional :: primes(*)
         integer(c_size_t), value :: capacity
         integer(c_size_t), intent(inout), optional :: written
         integer(c_int32_t) :: status
      end function hpk_prime_stream_next

      !> The stream's position into `*position`: every prime of the range below it has been handed
      !> out, none at or above it. It starts at `lo` and is `hi` once the stream is exhausted (for an
      !> empty range, max(lo, hi)); hpk_prime_stream_new(position, hi, ...) continues from there.
      !> uint64_t values as integer(c_int64_t) (see the module header): position.
      function hpk_prime_stream_position(stream, position) result(status) &
         bind(C, name="hpk_prime_stream_position")
         import :: c_int32_t, c_int64_t, c_ptr
         type(c_ptr), value :: stream
         integer(c_int64_t), intent(inout), optional :: position
         integer(c_int32_t) :: status
      end function hpk_prime_stream_position

      !> Release a stream from hpk_prime_stream_new and all its memory. NULL is a valid no-op; a
      !> stream must be freed exactly once and not used after.
      subroutine hpk_prime_stream_free(stream) bind(C, name="hpk_prime_stream_free")
         import :: c_ptr
         type(c_ptr), value :: stream
      end subroutine hpk_prime_stream_free

      !> The smallest divisor d of `n` with max(from, 2) <= d < to, or 0 if there is none, into
      !> `*factor`: the book's `check_prime_in_range`, exact for every input (every d is considered,
      !> not only odd ones; n = 0 is divisible by everything) and parallel, with an atomic early-exit
      !> flag shared by the workers. Candidates sharing a factor 2, 3 or 5 that n lacks are skipped.
      !> Cost: at most about 2*sqrt(n) divisions, whatever the range: above sqrt(n) the cofactors
      !> n / d are searched instead when that is shorter.
      !> uint64_t values as integer(c_int64_t) (see the module header): n, from, to, factor.
      function hpk_smallest_factor_in_range(n, from, to, factor) result(status) &
         bind(C, name="hpk_smallest_factor_in_range")
         import :: c_int32_t, c_int64_t
         integer(c_int64_t), value :: n, from, to
         integer(c_int64_t), intent(inout), optional :: factor
         integer(c_int32_t) :: status
      end function hpk_smallest_factor_in_range

      !> Whether `n` is prime, by the book's trial division up to isqrt(n) (on a mod-210 wheel: odd
      !> candidates not divisible by 3, 5 or 7, tested without integer division, in SIMD lanes where
      !> the CPU has them), in parallel after a serial check of small factors. Exact for all n (0 and
      !> 1 are not prime, 2 is). Cost grows as sqrt(n): tens of milliseconds for an 18-digit prime;
      !> use hpk_is_prime for speed.
      !> uint64_t values as integer(c_int64_t) (see the module header): n.
      function hpk_check_prime(n, is_prime) result(status) bind(C, name="hpk_check_prime")
         import :: c_bool, c_int32_t, c_int64_t
         integer(c_int64_t), value :: n
         logical(c_bool), intent(inout), optional :: is_prime
         integer(c_int32_t) :: status
      end function hpk_check_prime

      !> Whether `n` is prime, exactly, for every 64-bit n: trial division by the primes below 256,
      !> then Miller-Rabin with a base set proven for n < 1122004669633 and Baillie-PSW (a base-2
      !> strong test and an extra strong Lucas test; no composite below 2^64 passes both) above.
      !> Under a microsecond per call for any n on a current x86-64 core.
      !> uint64_t values as integer(c_int64_t) (see the module header): n.
      function hpk_is_prime(n, is_prime) result(status) bind(C, name="hpk_is_prime")
         import :: c_bool, c_int32_t, c_int64_t
         integer(c_int64_t), value :: n
         logical(c_bool), intent(inout), optional :: is_prime
         integer(c_int32_t) :: status
      end function hpk_is_prime

      !> `is_prime[i]` = whether `numbers[i]` is prime (as hpk_is_prime), for `count` numbers, in
      !> parallel. `count == 0` is a valid no-op and the pointers may then be NULL.
      !> uint64_t values as integer(c_int64_t) (see the module header): numbers.
      function hpk_is_prime_batch(numbers, count, is_prime) result(status) bind(C, name="hpk_is_prime_batch")
         import :: c_bool, c_int32_t, c_int64_t, c_size_t
         integer(c_int64_t), intent(in), optional :: numbers(*)
         integer(c_size_t), value :: count
         logical(c_bool), intent(inout), optional :: is_prime(*)
         integer(c_int32_t) :: status
      end function hpk_is_prime_batch

      !> The number of primes p with lo <= p < hi, into `*count`, exact for every 64-bit range
      !> (`hpk_count_primes(0, UINT64_MAX, &n)` gives pi(2^64 - 1) = 425656284035217743). `lo >= hi`
      !> gives 0. The method is chosen by estimated cost: short ranges by a segmented sieve of
      !> Eratosthenes in parallel over segments (cost grows with hi - lo plus sqrt(hi)); long ranges
      !> as pi(hi - 1) - pi(lo - 1), each pi(x) by the Lagarias-Miller-Odlyzko method without sieving
      !> up to x (cost grows as x^(2/3) / log x: pi(10^12) in a fraction of a second, pi(10^16) in
      !> tens of seconds; memory as x^(1/3) log^2 x, tens of MiB near 2^64).
      !> uint64_t values as integer(c_int64_t) (see the module header): lo, hi, count.
      function hpk_count_primes(lo, hi, count) result(status) bind(C, name="hpk_count_primes")
         import :: c_int32_t, c_int64_t
         integer(c_int64_t), value :: lo, hi
         integer(c_int64_t), intent(inout), optional :: count
         integer(c_int32_t) :: status
      end function hpk_count_primes

      !> The n-th prime, into `*p`: n = 1 gives 2, n = 425656284035217743 (the number of primes below
      !> 2^64) gives 18446744073709551557, the largest prime below 2^64. Computed as pi(g) by the
      !> Lagarias-Miller-Odlyzko method (see hpk_count_primes) for an estimate g close to the answer
      !> (Riemann's R function inverted), then a short sieve walk from g to the n-th prime: about the
      !> cost of one pi(p_n).
      !> uint64_t values as integer(c_int64_t) (see the module header): n, p.
      function hpk_nth_prime(n, p) result(status) bind(C, name="hpk_nth_prime")
         import :: c_int32_t, c_int64_t
         integer(c_int64_t), value :: n
         integer(c_int64_t), intent(inout), optional :: p
         integer(c_int32_t) :: status
      end function hpk_nth_prime

      !> The primes p with lo <= p < hi, ascending, into `primes[0 .. *written]`.
      !> uint64_t values as integer(c_int64_t) (see the module header): lo, hi, primes.
      function hpk_primes_in_range(lo, hi, primes, capacity, written) result(status) &
         bind(C, name="hpk_primes_in_range")
         import :: c_int32_t, c_int64_t, c_size_t
         integer(c_int64_t), value :: lo, hi
         integer(c_int64_t), intent(inout), optional :: primes(*)
         integer(c_size_t), value :: capacity
         integer(c_size_t), intent(inout), optional :: written
         integer(c_int32_t) :: status
      end function hpk_primes_in_range

      !> Set the progress handler of the calling thread: every later call made on this thread to a
      !> function that reports (hpk_diffusion_run, hpk_diffusion_evolve, hpk_julia_grid,
      !> hpk_julia_calculate_z, hpk_check_prime, hpk_smallest_factor_in_range, hpk_is_prime_batch,
      !> hpk_count_primes, hpk_primes_in_range, hpk_prime_stream_next) calls `fn(user_data, done,
      !> total)` at most once per `interval_ms` milliseconds while it runs (0 = the library's default,
      !> 100 ms). `fn = NULL` removes the handler; `user_data` is passed through untouched and never
      !> dereferenced.
      function hpk_set_progress_handler(fn, user_data, interval_ms) result(status) &
         bind(C, name="hpk_set_progress_handler")
         import :: c_funptr, c_int32_t, c_ptr
         type(c_funptr), value :: fn
         type(c_ptr), value :: user_data
         integer(c_int32_t), value :: interval_ms
         integer(c_int32_t) :: status
      end function hpk_set_progress_handler

      !> A short English description of `status`.
      function hpk_status_message(status) result(text) bind(C, name="hpk_status_message")
         import :: c_int32_t, c_ptr
         integer(c_int32_t), value :: status
         type(c_ptr) :: text
      end function hpk_status_message

      !> Set how many threads the kernels use from now on, for every thread of the process.
      function hpk_set_num_threads(n) result(status) bind(C, name="hpk_set_num_threads")
         import :: c_int32_t, c_size_t
         integer(c_size_t), value :: n
         integer(c_int32_t) :: status
      end function hpk_set_num_threads

      !> The number of threads the next kernel call will use (at least 1).
      function hpk_get_num_threads() result(value) bind(C, name="hpk_get_num_threads")
         import :: c_size_t
         integer(c_size_t) :: value
      end function hpk_get_num_threads

      !> The library's version, "MAJOR.MINOR.PATCH" (the HPK_VERSION_* macros of the header it was
      !> built with). Static NUL-terminated text, never NULL; do not free it.
      function hpk_version() result(text) bind(C, name="hpk_version")
         import :: c_ptr
         type(c_ptr) :: text
      end function hpk_version

      !> The ABI version of the loaded library. A program compiled against this header can use the
      !> library if this equals HPK_ABI_VERSION.
      function hpk_abi_version() result(value) bind(C, name="hpk_abi_version")
         import :: c_int32_t
         integer(c_int32_t) :: value
      end function hpk_abi_version

      !> The instruction-set path the kernels of this process run on: "avx512", "avx2" or "scalar".
      function hpk_isa_name() result(text) bind(C, name="hpk_isa_name")
         import :: c_ptr
         type(c_ptr) :: text
      end function hpk_isa_name
   end interface
   ! END GENERATED

   ! The C library's strlen, to size the Fortran copy of a C string.
   interface
      function c_strlen(s) result(n) bind(C, name="strlen")
         import :: c_ptr, c_size_t
         type(c_ptr), value :: s
         integer(c_size_t) :: n
      end function c_strlen
   end interface

   ! ------------------------------------------------------------------------------------------
   ! Wrappers on ordinary Fortran arrays. All return the library's status; the shape checks
   ! they add return HPK_ERR_INVALID_SIZE without calling the library (hpk_error_message() then
   ! still describes the previous library failure). An empty grid is rejected by the library
   ! (HPK_ERR_INVALID_SIZE, as a zero dimension); empty 1D arrays are valid no-ops.
   ! Arrays are CONTIGUOUS dummies, so contiguous actual arguments (whole arrays, allocatables,
   ! CONTIGUOUS pointers, sections like a(:, j1:j2)) are passed in place. Anything else (a
   ! strided section, or a pointer without the CONTIGUOUS attribute, which gfortran copies
   ! unconditionally) goes through a temporary copy: correct, but slower, and the library then
   ! checks the copy, not your array, for overlap and alignment.
   ! ------------------------------------------------------------------------------------------
   public :: hpk_evolve, hpk_run, hpk_julia, hpk_calculate_z, hpk_is_prime_array, hpk_list_primes, &
             hpk_prime_pi, hpk_version_string, hpk_isa_string, hpk_error_message, hpk_status_string, hpk_c_string

   ! ------------------------------------------------------------------------------------------
   ! Primes as a stream (the header's hpk_prime_stream_*): the primes of [lo, hi) a buffer at a
   ! time, with the memory of one sieve whatever the range's length.
   ! ------------------------------------------------------------------------------------------
   public :: hpk_primes_stream, hpk_stream_open, hpk_stream_next, hpk_stream_position, hpk_stream_close

   !> A walk through the primes of [lo, hi), ascending: hpk_stream_open creates it,
   !> hpk_stream_next fills an array with the next primes (written = 0 at the end), hpk_stream_close
   !> releases it (also after errors; closing a closed or never opened stream does nothing).
   type :: hpk_primes_stream
      type(c_ptr) :: handle = c_null_ptr
   end type hpk_primes_stream

   ! ------------------------------------------------------------------------------------------
   ! Progress reports and cancellation (the header's hpk_set_progress_handler).
   ! ------------------------------------------------------------------------------------------
   public :: hpk_progress_procedure, hpk_set_progress, hpk_clear_progress

   abstract interface
      !> The interface of a progress handler (the header's hpk_progress_fn). Write the handler as a
      !> BIND(C) function with exactly these arguments, e.g. in a module:
      !>   function on_progress(user_data, done, total) result(cancel) bind(C)
      !>      type(c_ptr), value :: user_data
      !>      integer(c_int64_t), value :: done, total
      !>      integer(c_int32_t) :: cancel
      !> The library calls it while a long call (hpk_run, hpk_julia, hpk_count_primes, ... see
      !> hpk_set_progress_handler in the header) runs, with the work `done` so far out of `total`,
      !> in the units each function documents; done never decreases, done <= total, and total is
      !> fixed for the call. done and total are uint64_t: values >= 2**63 arrive negative, as
      !> everywhere in this module. `user_data` is what was given to hpk_set_progress (c_null_ptr
      !> if nothing); c_f_pointer turns it back into a pointer to your data. Return 0 to go on, any
      !> other value to cancel the call, which then returns HPK_ERR_CANCELLED.
      !> It runs on the thread that made the call (never on a library thread, never twice at
      !> once), so it may use that thread's data without locking. It must not stop the program
      !> (no STOP or ERROR STOP): return nonzero instead. A handler that does I/O (print, write)
      !> must not be reached from inside an I/O statement: `print *, hpk_count_primes(...)` would
      !> be recursive I/O, which Fortran forbids (gfortran hangs); assign the status first.
      function hpk_progress_procedure(user_data, done, total) result(cancel) bind(C)
         import :: c_int32_t, c_int64_t, c_ptr
         type(c_ptr), value :: user_data
         integer(c_int64_t), value :: done, total
         integer(c_int32_t) :: cancel
      end function hpk_progress_procedure
   end interface

contains

   !> One diffusion step from grid_in into grid_out (same shape, distinct arrays):
   !> out(i,j) = in(i,j) + d*dt*(in(i+1,j) + in(i-1,j) + in(i,j+1) + in(i,j-1) - 4*in(i,j)).
   !> boundary is HPK_BOUNDARY_FIXED or HPK_BOUNDARY_PERIODIC. Returns HPK_ERR_INVALID_SIZE also
   !> if the shapes differ. On error grid_out is unchanged.
   function hpk_evolve(grid_in, grid_out, d, dt, boundary) result(status)
      real(c_double), contiguous, intent(in) :: grid_in(:, :)
      real(c_double), contiguous, intent(inout) :: grid_out(:, :)
      real(c_double), intent(in) :: d, dt
      integer(c_int32_t), intent(in) :: boundary
      integer(c_int32_t) :: status
      real(c_double) :: empty_in(1), empty_out(1)

      if (any(shape(grid_out) /= shape(grid_in))) then
         status = HPK_ERR_INVALID_SIZE
      else if (size(grid_in) == 0) then
         ! An empty array may arrive with a NULL address (gfortran's copy of an empty section),
         ! which the library would report first; stand-ins let it report the zero dimension.
         status = hpk_diffusion_evolve(empty_in, empty_out, rows=size(grid_in, 2, kind=c_size_t), &
                                       cols=size(grid_in, 1, kind=c_size_t), d=d, dt=dt, boundary=boundary)
      else
         ! Column-major (n1, n2) is row-major n2 x n1: rows are Fortran's columns.
         status = hpk_diffusion_evolve(grid_in, grid_out, rows=size(grid_in, 2, kind=c_size_t), &
                                       cols=size(grid_in, 1, kind=c_size_t), d=d, dt=dt, boundary=boundary)
      end if
   end function hpk_evolve

   !> `steps` diffusion steps of grid in place, using scratch (same shape, contents ignored and
   !> left unspecified) as the second buffer; the result is in grid whatever the parity of steps.
   !> steps = 0 changes nothing. Returns HPK_ERR_INVALID_SIZE also if the shapes differ. On error
   !> neither array is changed.
   function hpk_run(grid, scratch, d, dt, boundary, steps) result(status)
      real(c_double), contiguous, intent(inout) :: grid(:, :), scratch(:, :)
      real(c_double), intent(in) :: d, dt
      integer(c_int32_t), intent(in) :: boundary
      integer(c_int64_t), intent(in) :: steps
      integer(c_int32_t) :: status
      real(c_double) :: empty_grid(1), empty_scratch(1)

      if (any(shape(scratch) /= shape(grid))) then
         status = HPK_ERR_INVALID_SIZE
      else if (size(grid) == 0) then
         ! As in hpk_evolve: an empty array may arrive with a NULL address.
         status = hpk_diffusion_run(empty_grid, empty_scratch, rows=size(grid, 2, kind=c_size_t), &
                                    cols=size(grid, 1, kind=c_size_t), d=d, dt=dt, boundary=boundary, steps=steps)
      else
         status = hpk_diffusion_run(grid, scratch, rows=size(grid, 2, kind=c_size_t), &
                                    cols=size(grid, 1, kind=c_size_t), d=d, dt=dt, boundary=boundary, steps=steps)
      end if
   end function hpk_run

   !> Escape counts of the Julia set z -> z*z + c over [x1, x2] x [y1, y2], into output of shape
   !> (width, height): output(k+1, r+1) is the point x1 + k*(x2-x1)/width + i*(y2 + r*(y1-y2)/height),
   !> so the first index runs along the real axis from x1 and the second down from y2 (the top).
   !> Counts are 0..maxiter. The book: x1 = y1 = -1.8, x2 = y2 = 1.8, (1000, 1000),
   !> c = (-0.62772, -0.42193), maxiter 300: sum(output) = 33219980.
   function hpk_julia(output, x1, x2, y1, y2, c, maxiter) result(status)
      integer(c_int32_t), contiguous, intent(inout) :: output(:, :)
      real(c_double), intent(in) :: x1, x2, y1, y2
      complex(c_double_complex), intent(in) :: c
      integer(c_int32_t), intent(in) :: maxiter
      integer(c_int32_t) :: status
      integer(c_int32_t) :: empty(1)

      ! The C grid is row-major height x width, the same memory as Fortran's (width, height):
      ! the first (fastest) extent is the width, and no swap is needed.
      if (size(output) == 0) then
         ! As in hpk_evolve: an empty array may arrive with a NULL address.
         status = hpk_julia_grid(x1, x2, y1, y2, width=size(output, 1, kind=c_size_t), &
                                 height=size(output, 2, kind=c_size_t), c_re=real(c, c_double), &
                                 c_im=aimag(c), maxiter=maxiter, output=empty)
      else
         status = hpk_julia_grid(x1, x2, y1, y2, width=size(output, 1, kind=c_size_t), &
                                 height=size(output, 2, kind=c_size_t), c_re=real(c, c_double), &
                                 c_im=aimag(c), maxiter=maxiter, output=output)
      end if
   end function hpk_julia

   !> The book's calculate_z: output(i) = escape count of z = zs(i), c = cs(i) (0..maxiter).
   !> The three arrays must have the same size (else HPK_ERR_INVALID_SIZE); size 0 is a no-op.
   function hpk_calculate_z(zs, cs, maxiter, output) result(status)
      complex(c_double_complex), contiguous, intent(in) :: zs(:), cs(:)
      integer(c_int32_t), intent(in) :: maxiter
      integer(c_int32_t), contiguous, intent(inout) :: output(:)
      integer(c_int32_t) :: status

      if (size(cs) /= size(zs) .or. size(output) /= size(zs)) then
         status = HPK_ERR_INVALID_SIZE
         return
      end if
      status = hpk_julia_calculate_z(zs, cs, size(zs, kind=c_size_t), maxiter, output)
   end function hpk_calculate_z

   !> is_prime(i) = whether numbers(i) is prime (as hpk_is_prime, in parallel). Both arrays must have
   !> the same size (else HPK_ERR_INVALID_SIZE). numbers are uint64_t bit patterns.
   function hpk_is_prime_array(numbers, is_prime) result(status)
      integer(c_int64_t), contiguous, intent(in) :: numbers(:)
      logical(c_bool), contiguous, intent(inout) :: is_prime(:)
      integer(c_int32_t) :: status

      if (size(is_prime) /= size(numbers)) then
         status = HPK_ERR_INVALID_SIZE
         return
      end if
      status = hpk_is_prime_batch(numbers, size(numbers, kind=c_size_t), is_prime)
   end function hpk_is_prime_array

   !> All primes in [lo, hi), ascending, into a newly allocated array of exactly their number:
   !> a size query, then the fill. primes is always allocated on return; empty on error.
   !> HPK_ERR_OUT_OF_MEMORY if the list cannot be allocated. lo and hi are uint64_t bit patterns.
   function hpk_list_primes(lo, hi, primes) result(status)
      integer(c_int64_t), intent(in) :: lo, hi
      integer(c_int64_t), allocatable, intent(out) :: primes(:)
      integer(c_int32_t) :: status
      integer(c_size_t) :: needed, written
      integer :: alloc_stat

      needed = 0
      ! The primes argument is left out, so NULL goes with capacity 0: a size query.
      status = hpk_primes_in_range(lo, hi, capacity=0_c_size_t, written=needed)
      if (status /= HPK_OK .and. status /= HPK_ERR_BUFFER_TOO_SMALL) then
         allocate (primes(0))
         return
      end if
      allocate (primes(needed), stat=alloc_stat)
      if (alloc_stat /= 0) then
         allocate (primes(0))
         status = HPK_ERR_OUT_OF_MEMORY
         return
      end if
      written = 0
      status = hpk_primes_in_range(lo, hi, primes, needed, written)
      if (status /= HPK_OK) then
         deallocate (primes)
         allocate (primes(0))
      end if
   end function hpk_list_primes

   !> Opens `stream` on the primes p with lo <= p < hi (hpk_prime_stream_new); a stream still open
   !> in it is closed first.
   function hpk_stream_open(stream, lo, hi) result(status)
      type(hpk_primes_stream), intent(inout) :: stream
      integer(c_int64_t), intent(in) :: lo, hi
      integer(c_int32_t) :: status

      call hpk_stream_close(stream)
      status = hpk_prime_stream_new(lo, hi, stream%handle)
   end function hpk_stream_open

   !> The next primes of `stream` into primes(1:written), as many as `primes` holds or fewer only at
   !> the end of the range; written = 0 once it is exhausted (hpk_prime_stream_next). An empty
   !> `primes` gives HPK_ERR_INVALID_SIZE; a stream not open gives HPK_ERR_NULL_POINTER.
   function hpk_stream_next(stream, primes, written) result(status)
      type(hpk_primes_stream), intent(inout) :: stream
      integer(c_int64_t), contiguous, intent(inout) :: primes(:)
      integer(c_size_t), intent(inout) :: written
      integer(c_int32_t) :: status

      status = hpk_prime_stream_next(stream%handle, primes, size(primes, kind=c_size_t), written)
   end function hpk_stream_next

   !> The stream's position (hpk_prime_stream_position): every prime below it has been handed out,
   !> none at or above it.
   function hpk_stream_position(stream, position) result(status)
      type(hpk_primes_stream), intent(in) :: stream
      integer(c_int64_t), intent(inout) :: position
      integer(c_int32_t) :: status

      status = hpk_prime_stream_position(stream%handle, position)
   end function hpk_stream_position

   !> Releases the stream (hpk_prime_stream_free); it can be opened again.
   subroutine hpk_stream_close(stream)
      type(hpk_primes_stream), intent(inout) :: stream

      call hpk_prime_stream_free(stream%handle)
      stream%handle = c_null_ptr
   end subroutine hpk_stream_close

   !> count = pi(x), the number of primes <= x (hpk_count_primes(0, x + 1), which counts long
   !> ranges by the Lagarias-Miller-Odlyzko method without sieving to x). x is a uint64_t bit
   !> pattern: -1_c_int64_t stands for 2**64 - 1, whose pi is 425656284035217743. The n-th
   !> prime needs no wrapper: status = hpk_nth_prime(n, p) (p >= 2**63 arrives negative).
   function hpk_prime_pi(x, count) result(status)
      integer(c_int64_t), intent(in) :: x
      integer(c_int64_t), intent(out) :: count
      integer(c_int32_t) :: status

      count = 0
      if (x == -1_c_int64_t) then
         ! 2**64 - 1 is not prime: [0, 2**64 - 1) holds the same primes as [0, 2**64 - 1].
         status = hpk_count_primes(0_c_int64_t, x, count)
      else
         status = hpk_count_primes(0_c_int64_t, x + 1_c_int64_t, count)
      end if
   end function hpk_prime_pi

   !> A copy of the NUL-terminated C string at `text` as a Fortran string ("" for NULL).
   function hpk_c_string(text) result(string)
      type(c_ptr), intent(in) :: text
      character(len=:), allocatable :: string
      character(kind=c_char), pointer :: chars(:)
      integer :: i, n

      if (.not. c_associated(text)) then
         string = ""
         return
      end if
      n = int(c_strlen(text))
      call c_f_pointer(text, chars, [n])
      allocate (character(len=n) :: string)
      do i = 1, n
         string(i:i) = chars(i)
      end do
   end function hpk_c_string

   !> The library's version, "MAJOR.MINOR.PATCH".
   function hpk_version_string() result(string)
      character(len=:), allocatable :: string
      string = hpk_c_string(hpk_version())
   end function hpk_version_string

   !> The instruction-set path the kernels run on: "avx512", "avx2" or "scalar".
   function hpk_isa_string() result(string)
      character(len=:), allocatable :: string
      string = hpk_c_string(hpk_isa_name())
   end function hpk_isa_string

   !> What went wrong in the most recent failing library call on this thread ("" if none).
   function hpk_error_message() result(string)
      character(len=:), allocatable :: string
      string = hpk_c_string(hpk_last_error_message())
   end function hpk_error_message

   !> A short English description of a status code.
   function hpk_status_string(status) result(string)
      integer(c_int32_t), intent(in) :: status
      character(len=:), allocatable :: string
      string = hpk_c_string(hpk_status_message(status))
   end function hpk_status_string

   !> Make `handler` the progress handler of the calling thread: from now on, every long call this
   !> thread makes calls handler(user_data, done, total) at most once per `interval_ms`
   !> milliseconds (0: the library's default, 100 ms), on this thread, until hpk_clear_progress or
   !> another hpk_set_progress. `handler` must be a BIND(C) function with the interface
   !> hpk_progress_procedure; a nonzero return cancels the call in progress (HPK_ERR_CANCELLED,
   !> with what each function's outputs then hold documented in the header). user_data
   !> (default c_null_ptr) is passed to the handler untouched, e.g. c_loc of a TARGET variable
   !> that must outlive the handler's use. Calls too short to last about a millisecond (below the
   !> sizes the header gives per function) report nothing. Handlers of other threads are not
   !> affected. Returns HPK_OK.
   function hpk_set_progress(handler, interval_ms, user_data) result(status)
      procedure(hpk_progress_procedure) :: handler
      integer(c_int32_t), intent(in) :: interval_ms
      type(c_ptr), intent(in), optional :: user_data
      integer(c_int32_t) :: status

      if (present(user_data)) then
         status = hpk_set_progress_handler(c_funloc(handler), user_data, interval_ms)
      else
         status = hpk_set_progress_handler(c_funloc(handler), c_null_ptr, interval_ms)
      end if
   end function hpk_set_progress

   !> Remove the calling thread's progress handler: its later calls report nothing. Returns HPK_OK.
   function hpk_clear_progress() result(status)
      integer(c_int32_t) :: status
      status = hpk_set_progress_handler(c_null_funptr, c_null_ptr, 0_c_int32_t)
   end function hpk_clear_progress

end module hpkern
