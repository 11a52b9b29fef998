! Fortran shim for the cross-language tests: the kernels called through the Fortran binding
! (module hpkern, bindings/fortran/hpkern.f90) the way a Fortran program calls them, on ordinary
! Fortran arrays, so the wrappers' dimension swapping is exercised. The Rust crate in ffi-tests/
! builds it with
!   gfortran -shared -fPIC -O2 -J <outdir> bindings/fortran/hpkern.f90 ffi-tests/shims/fortran_shim.f90 \
!            -L target/release -lhpkern -o libhpk_fortran_shim.so
! and compares its results with the C shim's and with direct calls.
!
! Interface (identical in c_shim.c; every function returns the hpk status as uint32_t):
!   uint32_t shim_julia_grid(double x1, double x2, double y1, double y2, size_t width, size_t height,
!                            double c_re, double c_im, int32_t maxiter, int32_t *output);
!            output: row-major height x width, as hpk_julia_grid
!   uint32_t shim_julia_calculate_z(const hpk_complex *zs, const hpk_complex *cs, size_t n,
!                                   int32_t maxiter, int32_t *output);
!   uint32_t shim_diffusion_evolve(const double *in, double *out, size_t rows, size_t cols,
!                                  double d, double dt, uint32_t boundary);   row-major rows x cols
!   uint32_t shim_diffusion_run(double *grid, size_t rows, size_t cols, double d, double dt,
!                               uint32_t boundary, uint64_t steps);
!            in place; the shim allocates its own scratch
!   uint32_t shim_smallest_factor_in_range(uint64_t n, uint64_t from, uint64_t to, uint64_t *factor);
!   uint32_t shim_check_prime(uint64_t n, bool *is_prime);
!   uint32_t shim_is_prime(uint64_t n, bool *is_prime);
!   uint32_t shim_is_prime_batch(const uint64_t *numbers, size_t count, bool *is_prime);
!   uint32_t shim_count_primes(uint64_t lo, uint64_t hi, uint64_t *count);
!   uint32_t shim_primes_in_range(uint64_t lo, uint64_t hi, uint64_t *primes, size_t capacity,
!                                 size_t *written);
!
! How C's arguments become Fortran ones:
!  * A row-major rows x cols grid is viewed as a Fortran array of shape (cols, rows) and handed to
!    hpk_evolve / hpk_run, which must pass rows and cols back correctly; the Julia output
!    (height x width row-major) is viewed as (width, height) for hpk_julia.
!  * uint64_t and uint32_t values travel as the same bits in integer(c_int64_t) / (c_int32_t).
!  * Every array pointer is CONTIGUOUS: without it gfortran copies a pointer array into a temporary
!    for the wrappers' contiguous dummies, and the library would see the copy's address instead of
!    the caller's (no overlap or alignment check, and a copy of the whole grid).
!  * Inputs a Fortran array cannot represent (a NULL pointer, a count >= 2**63) go to the raw
!    bind(C) interface of the same module instead, with NULL passed as an absent argument, so the
!    statuses are the library's own for invalid arguments too. The one status the shim adds:
!    shim_diffusion_run returns HPK_ERR_OUT_OF_MEMORY if it cannot allocate its scratch grid.
module hpk_fortran_shim
   use, intrinsic :: iso_c_binding, only: c_associated, c_bool, c_double, c_double_complex, c_f_pointer, &
                                          c_int32_t, c_int64_t, c_ptr, c_size_t
   use hpkern
   implicit none
   private
   public :: shim_julia_grid, shim_julia_calculate_z, shim_diffusion_evolve, shim_diffusion_run, &
             shim_smallest_factor_in_range, shim_check_prime, shim_is_prime, shim_is_prime_batch, &
             shim_count_primes, shim_primes_in_range

contains

   function shim_julia_grid(x1, x2, y1, y2, width, height, c_re, c_im, maxiter, output) result(status) &
      bind(C, name="shim_julia_grid")
      real(c_double), value :: x1, x2, y1, y2, c_re, c_im
      integer(c_size_t), value :: width, height
      integer(c_int32_t), value :: maxiter
      type(c_ptr), value :: output
      integer(c_int32_t) :: status
      integer(c_int32_t), pointer, contiguous :: grid(:, :), raw(:)

      if (c_associated(output) .and. width >= 0 .and. height >= 0) then
         call c_f_pointer(output, grid, [width, height])
         status = hpk_julia(grid, x1, x2, y1, y2, cmplx(c_re, c_im, c_double_complex), maxiter)
      else
         call view_i32(output, raw)
         status = hpk_julia_grid(x1, x2, y1, y2, width, height, c_re, c_im, maxiter, raw)
      end if
   end function shim_julia_grid

   function shim_julia_calculate_z(zs, cs, n, maxiter, output) result(status) bind(C, name="shim_julia_calculate_z")
      type(c_ptr), value :: zs, cs, output
      integer(c_size_t), value :: n
      integer(c_int32_t), value :: maxiter
      integer(c_int32_t) :: status
      complex(c_double_complex), pointer, contiguous :: z(:), c(:)
      integer(c_int32_t), pointer, contiguous :: counts(:)

      if (c_associated(zs) .and. c_associated(cs) .and. c_associated(output) .and. n >= 0) then
         call c_f_pointer(zs, z, [n])
         call c_f_pointer(cs, c, [n])
         call c_f_pointer(output, counts, [n])
         status = hpk_calculate_z(z, c, maxiter, counts)
      else
         call view_complex(zs, z)
         call view_complex(cs, c)
         call view_i32(output, counts)
         status = hpk_julia_calculate_z(z, c, n, maxiter, counts)
      end if
   end function shim_julia_calculate_z

   function shim_diffusion_evolve(grid_in, grid_out, rows, cols, d, dt, boundary) result(status) &
      bind(C, name="shim_diffusion_evolve")
      type(c_ptr), value :: grid_in, grid_out
      integer(c_size_t), value :: rows, cols
      real(c_double), value :: d, dt
      integer(c_int32_t), value :: boundary
      integer(c_int32_t) :: status
      real(c_double), pointer, contiguous :: a(:, :), b(:, :), raw_a(:), raw_b(:)

      if (c_associated(grid_in) .and. c_associated(grid_out) .and. rows >= 0 .and. cols >= 0) then
         ! Row-major rows x cols is Fortran's (cols, rows).
         call c_f_pointer(grid_in, a, [cols, rows])
         call c_f_pointer(grid_out, b, [cols, rows])
         status = hpk_evolve(a, b, d, dt, boundary)
      else
         call view_f64(grid_in, raw_a)
         call view_f64(grid_out, raw_b)
         status = hpk_diffusion_evolve(raw_a, raw_b, rows, cols, d, dt, boundary)
      end if
   end function shim_diffusion_evolve

   function shim_diffusion_run(grid, rows, cols, d, dt, boundary, steps) result(status) &
      bind(C, name="shim_diffusion_run")
      type(c_ptr), value :: grid
      integer(c_size_t), value :: rows, cols
      real(c_double), value :: d, dt
      integer(c_int32_t), value :: boundary
      integer(c_int64_t), value :: steps
      integer(c_int32_t) :: status
      real(c_double), pointer, contiguous :: g(:, :), raw(:)
      real(c_double), allocatable :: scratch(:, :)
      real(c_double) :: stand_in(1)
      integer :: alloc_stat

      ! Sizes the library rejects (zero, negative here = >= 2**63 in C, or more bytes than
      ! huge(0_c_size_t), which is the isize::MAX the library checks against) and a NULL grid
      ! cannot have a scratch grid allocated; the library still reports its own status, before
      ! it touches any memory, so a one-element stand-in goes as scratch.
      if (.not. c_associated(grid) .or. rows <= 0 .or. cols <= 0) then
         call view_f64(grid, raw)
         status = hpk_diffusion_run(raw, stand_in, rows, cols, d, dt, boundary, steps)
         return
      end if
      if (rows > huge(rows) / cols / 8) then
         call view_f64(grid, raw)
         status = hpk_diffusion_run(raw, stand_in, rows, cols, d, dt, boundary, steps)
         return
      end if
      allocate (scratch(cols, rows), stat=alloc_stat)
      if (alloc_stat /= 0) then
         status = HPK_ERR_OUT_OF_MEMORY
         return
      end if
      call c_f_pointer(grid, g, [cols, rows])
      status = hpk_run(g, scratch, d, dt, boundary, steps)
   end function shim_diffusion_run

   function shim_smallest_factor_in_range(n, from, to, factor) result(status) &
      bind(C, name="shim_smallest_factor_in_range")
      integer(c_int64_t), value :: n, from, to
      type(c_ptr), value :: factor
      integer(c_int32_t) :: status
      integer(c_int64_t), pointer :: f

      ! A disassociated pointer is an absent argument: NULL reaches the library.
      nullify (f)
      if (c_associated(factor)) call c_f_pointer(factor, f)
      status = hpk_smallest_factor_in_range(n, from, to, f)
   end function shim_smallest_factor_in_range

   function shim_check_prime(n, is_prime) result(status) bind(C, name="shim_check_prime")
      integer(c_int64_t), value :: n
      type(c_ptr), value :: is_prime
      integer(c_int32_t) :: status
      logical(c_bool), pointer :: flag

      nullify (flag)
      if (c_associated(is_prime)) call c_f_pointer(is_prime, flag)
      status = hpk_check_prime(n, flag)
   end function shim_check_prime

   function shim_is_prime(n, is_prime) result(status) bind(C, name="shim_is_prime")
      integer(c_int64_t), value :: n
      type(c_ptr), value :: is_prime
      integer(c_int32_t) :: status
      logical(c_bool), pointer :: flag

      nullify (flag)
      if (c_associated(is_prime)) call c_f_pointer(is_prime, flag)
      status = hpk_is_prime(n, flag)
   end function shim_is_prime

   function shim_is_prime_batch(numbers, count, is_prime) result(status) bind(C, name="shim_is_prime_batch")
      type(c_ptr), value :: numbers, is_prime
      integer(c_size_t), value :: count
      integer(c_int32_t) :: status
      integer(c_int64_t), pointer, contiguous :: values(:)
      logical(c_bool), pointer, contiguous :: flags(:)

      if (c_associated(numbers) .and. c_associated(is_prime) .and. count >= 0) then
         call c_f_pointer(numbers, values, [count])
         call c_f_pointer(is_prime, flags, [count])
         status = hpk_is_prime_array(values, flags)
      else
         call view_i64(numbers, values)
         nullify (flags)
         if (c_associated(is_prime)) call c_f_pointer(is_prime, flags, [1])
         status = hpk_is_prime_batch(values, count, flags)
      end if
   end function shim_is_prime_batch

   function shim_count_primes(lo, hi, count) result(status) bind(C, name="shim_count_primes")
      integer(c_int64_t), value :: lo, hi
      type(c_ptr), value :: count
      integer(c_int32_t) :: status
      integer(c_int64_t), pointer :: n

      nullify (n)
      if (c_associated(count)) call c_f_pointer(count, n)
      status = hpk_count_primes(lo, hi, n)
   end function shim_count_primes

   function shim_primes_in_range(lo, hi, primes, capacity, written) result(status) bind(C, name="shim_primes_in_range")
      integer(c_int64_t), value :: lo, hi
      type(c_ptr), value :: primes, written
      integer(c_size_t), value :: capacity
      integer(c_int32_t) :: status
      integer(c_int64_t), pointer, contiguous :: buffer(:)
      integer(c_size_t), pointer :: n

      ! The buffer as a Fortran array of its capacity (the raw interface takes the capacity
      ! explicitly; there is no array wrapper for a caller-owned buffer).
      if (c_associated(primes) .and. capacity >= 0) then
         call c_f_pointer(primes, buffer, [capacity])
      else
         call view_i64(primes, buffer)
      end if
      nullify (n)
      if (c_associated(written)) call c_f_pointer(written, n)
      status = hpk_primes_in_range(lo, hi, buffer, capacity, n)
   end function shim_primes_in_range

   ! The views below give a C pointer a Fortran name for the raw interfaces: disassociated for
   ! NULL (an absent argument, so NULL reaches the library), else one element at that address.
   ! One element is enough: on the paths that use them the library reads and writes no element
   ! (it rejects the NULL pointer or the size, or the call is empty), it only checks addresses.
   subroutine view_f64(p, view)
      type(c_ptr), intent(in) :: p
      real(c_double), pointer, contiguous, intent(out) :: view(:)
      nullify (view)
      if (c_associated(p)) call c_f_pointer(p, view, [1])
   end subroutine view_f64

   subroutine view_i32(p, view)
      type(c_ptr), intent(in) :: p
      integer(c_int32_t), pointer, contiguous, intent(out) :: view(:)
      nullify (view)
      if (c_associated(p)) call c_f_pointer(p, view, [1])
   end subroutine view_i32

   subroutine view_i64(p, view)
      type(c_ptr), intent(in) :: p
      integer(c_int64_t), pointer, contiguous, intent(out) :: view(:)
      nullify (view)
      if (c_associated(p)) call c_f_pointer(p, view, [1])
   end subroutine view_i64

   subroutine view_complex(p, view)
      type(c_ptr), intent(in) :: p
      complex(c_double_complex), pointer, contiguous, intent(out) :: view(:)
      nullify (view)
      if (c_associated(p)) call c_f_pointer(p, view, [1])
   end subroutine view_complex

end module hpk_fortran_shim
