! Tests of libhpkern through the Fortran module (bindings/fortran/hpkern.f90), on ordinary
! column-major Fortran arrays: the Julia checksum and orientation, diffusion against a Fortran
! reference on non-square arrays (which fails unless the wrappers swap the dimensions), primes,
! unsigned values through int64, and error statuses with outputs left untouched.
!
! Build and run (scripts/test-fortran.sh does this):
!   gfortran -J target/fortran bindings/fortran/hpkern.f90 ffi-tests/fortran/test_hpkern.f90 \
!            -L target/release -lhpkern -Wl,-rpath,$PWD/target/release -o test_hpkern && ./test_hpkern
! The last line is "Fortran: N passed, M failed"; failures end in ERROR STOP (non-zero exit).

!> A progress handler for the tests (hpk_set_progress): it records the reports of one call in the
!> progress_log its user_data points to, and cancels from a given report on.
module test_progress_log
   use, intrinsic :: iso_c_binding, only: c_f_pointer, c_int32_t, c_int64_t, c_ptr
   implicit none
   private
   public :: progress_log, record_progress

   type :: progress_log
      integer :: cancel_at = 0           ! return nonzero from this report on (1 = the first); 0 = never
      integer :: reports = 0
      integer(c_int64_t) :: first_total = -1, last_done = -1
      logical :: monotonic = .true.      ! done never decreased
      logical :: within_total = .true.   ! 0 <= done <= total
      logical :: fixed_total = .true.    ! total the same in every report
   end type progress_log

contains

   function record_progress(user_data, done, total) result(cancel) bind(C)
      type(c_ptr), value :: user_data
      integer(c_int64_t), value :: done, total
      integer(c_int32_t) :: cancel
      type(progress_log), pointer :: log

      call c_f_pointer(user_data, log)
      log%reports = log%reports + 1
      if (log%reports == 1) log%first_total = total
      if (log%reports > 1 .and. done < log%last_done) log%monotonic = .false.
      if (done < 0 .or. done > total) log%within_total = .false.
      if (total /= log%first_total) log%fixed_total = .false.
      log%last_done = done
      cancel = merge(1, 0, log%cancel_at > 0 .and. log%reports >= log%cancel_at)
   end function record_progress

end module test_progress_log

program test_hpkern
   use, intrinsic :: iso_c_binding, only: c_bool, c_double, c_double_complex, c_int32_t, c_int64_t, c_loc, c_size_t
   use, intrinsic :: iso_fortran_env, only: error_unit
   use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_quiet_nan, ieee_positive_inf
   use hpkern
   use test_progress_log, only: progress_log, record_progress
   implicit none

   integer :: passed = 0, failed = 0
   real(c_double), parameter :: X1 = -1.8_c_double, X2 = 1.8_c_double, Y1 = -1.8_c_double, Y2 = 1.8_c_double
   complex(c_double_complex), parameter :: C_BOOK = (-0.62772_c_double, -0.42193_c_double)
   integer(c_int64_t), parameter :: BOOK_JULIA_SUM = 33219980
   real(c_double), parameter :: CANARY = -12345.678_c_double
   real(c_double) :: nan, inf

   nan = ieee_value(nan, ieee_quiet_nan)
   inf = ieee_value(inf, ieee_positive_inf)

   call test_metadata()
   call test_julia()
   call test_diffusion()
   call test_diffusion_errors()
   call test_primes()
   call test_prime_stream()
   call test_progress()

   print '(a, i0, a, i0, a)', "Fortran: ", passed, " passed, ", failed, " failed"
   if (failed > 0 .or. passed == 0) error stop 1

contains

   !> Count one check; print the failure and carry on so one run shows every failure.
   subroutine check(condition, what)
      logical, intent(in) :: condition
      character(len=*), intent(in) :: what
      if (condition) then
         passed = passed + 1
      else
         failed = failed + 1
         write (error_unit, '(a)') "FAIL: "//what
      end if
   end subroutine check

   !> A status check naming both statuses and the library's explanation on failure.
   subroutine check_status(got, want, what)
      integer(c_int32_t), intent(in) :: got, want
      character(len=*), intent(in) :: what
      character(len=16) :: got_text, want_text
      write (got_text, '(i0)') got
      write (want_text, '(i0)') want
      call check(got == want, what//": status "//trim(got_text)//" ("//hpk_status_string(got)//": "// &
                 hpk_error_message()//"), want "//trim(want_text))
   end subroutine check_status

   ! ---------------------------------------------------------------- metadata

   subroutine test_metadata()
      character(len=32) :: want
      integer(c_int32_t) :: s
      integer(c_int32_t), parameter :: unknown(3) = [9_c_int32_t, 1000_c_int32_t, -1_c_int32_t]
      integer :: i

      write (want, '(i0, ".", i0, ".", i0)') HPK_VERSION_MAJOR, HPK_VERSION_MINOR, HPK_VERSION_PATCH
      call check(hpk_version_string() == trim(want), "version "//hpk_version_string()//" vs module "//trim(want))
      call check(hpk_abi_version() == HPK_HEADER_ABI_VERSION, "ABI version")
      call check(any(hpk_isa_string() == [character(len=6) :: "scalar", "avx2", "avx512"]), &
         "unknown ISA path "//hpk_isa_string())
      do s = HPK_OK, HPK_ERR_CANCELLED
         call check(len(hpk_status_string(s)) > 0, "empty status message")
      end do
      call check(HPK_ERR_CANCELLED == 8, "HPK_ERR_CANCELLED is 8")
      call check(index(hpk_status_string(HPK_ERR_CANCELLED), "cancel") > 0, "status 8 says cancelled")
      do i = 1, size(unknown) ! -1 is status 2**32 - 1 as uint32_t
         call check(len(hpk_status_string(unknown(i))) > 0, "empty message for an unknown status")
      end do
      call check(hpk_status_string(HPK_OK) /= hpk_status_string(HPK_ERR_OVERLAP), "status messages not distinct")
      call check(hpk_get_num_threads() >= 1, "thread count below 1")
      call check_status(hpk_set_num_threads(2000_c_size_t), HPK_ERR_INVALID_ARGUMENT, "2000 threads")
      call check(len(hpk_error_message()) > 0, "no error message after a failure")
   end subroutine test_metadata

   ! ---------------------------------------------------------------- Julia

   subroutine test_julia()
      integer, parameter :: w = 1000, h = 1000
      integer(c_int32_t), allocatable :: grid(:, :), flat(:), small(:, :), canary(:, :)
      complex(c_double_complex), allocatable :: zs(:), cs(:)
      real(c_double) :: xstep, ystep
      integer(c_int32_t) :: one(1)
      integer(c_size_t) :: threads
      integer :: k, r

      allocate (grid(w, h), flat(w*h), zs(w*h), cs(w*h))
      call check_status(hpk_julia(grid, X1, X2, Y1, Y2, C_BOOK, 300_c_int32_t), HPK_OK, "hpk_julia")
      call check(sum(int(grid, c_int64_t)) == BOOK_JULIA_SUM, "hpk_julia checksum")

      ! The same points built here as documented: point (row r, column k), C index r*w + k.
      xstep = (X2 - X1)/w
      ystep = (Y1 - Y2)/h
      do r = 0, h - 1
         do k = 0, w - 1
            zs(r*w + k + 1) = cmplx(X1 + k*xstep, Y2 + r*ystep, c_double_complex)
         end do
      end do
      cs = C_BOOK
      call check_status(hpk_calculate_z(zs, cs, 300_c_int32_t, flat), HPK_OK, "hpk_calculate_z")
      call check(sum(int(flat, c_int64_t)) == BOOK_JULIA_SUM, "hpk_calculate_z checksum")
      ! Identical coordinates: every pixel agrees, and grid(k+1, r+1) is C's element r*w + k.
      call check(all(reshape(flat, [w, h]) == grid), "hpk_julia and hpk_calculate_z differ")

      ! Orientation on a non-square (7, 3) array: grid(k+1, r+1) is the point (row r, column k).
      allocate (small(7, 3))
      call check_status(hpk_julia(small, -1.0_c_double, 1.0_c_double, -0.5_c_double, 0.5_c_double, &
                                  (0.285_c_double, 0.01_c_double), 50_c_int32_t), HPK_OK, "hpk_julia 7x3")
      zs(1) = cmplx(-1.0_c_double + 5*(2.0_c_double/7), 0.5_c_double + 2*(-1.0_c_double/3), c_double_complex)
      cs(1) = (0.285_c_double, 0.01_c_double)
      call check_status(hpk_calculate_z(zs(1:1), cs(1:1), 50_c_int32_t, one), HPK_OK, "one point")
      call check(small(6, 3) == one(1), "julia (k=5, r=2) is not output(6, 3)")

      ! One thread gives the same picture as the pool.
      threads = hpk_get_num_threads()
      call check_status(hpk_set_num_threads(1_c_size_t), HPK_OK, "1 thread")
      call check_status(hpk_julia(grid, X1, X2, Y1, Y2, C_BOOK, 300_c_int32_t), HPK_OK, "hpk_julia, 1 thread")
      call check(all(reshape(flat, [w, h]) == grid), "1 thread differs")
      call check_status(hpk_set_num_threads(0_c_size_t), HPK_OK, "automatic threads")
      call check(hpk_get_num_threads() == threads, "automatic thread count changed")

      ! Errors leave the output untouched.
      small = 77
      canary = small
      call check_status(hpk_julia(small, nan, X2, Y1, Y2, C_BOOK, 30_c_int32_t), HPK_ERR_INVALID_ARGUMENT, "NaN x1")
      call check_status(hpk_julia(small, X1, X2, Y1, Y2, cmplx(inf, 0, c_double_complex), 30_c_int32_t), &
                        HPK_ERR_INVALID_ARGUMENT, "infinite c")
      call check_status(hpk_julia(small, X1, X2, Y1, Y2, C_BOOK, -1_c_int32_t), HPK_ERR_INVALID_ARGUMENT, &
                        "negative maxiter")
      call check_status(hpk_julia(small(:, 1:0), X1, X2, Y1, Y2, C_BOOK, 30_c_int32_t), HPK_ERR_INVALID_SIZE, &
                        "zero height")
      call check_status(hpk_julia_grid(X1, X2, Y1, Y2, 7_c_size_t, 3_c_size_t, 0.0_c_double, 0.0_c_double, &
                                       30_c_int32_t), HPK_ERR_NULL_POINTER, "absent output")
      call check(all(small == canary), "julia wrote its output on error")
      call check_status(hpk_calculate_z(zs(1:3), cs(1:2), 30_c_int32_t, flat(1:3)), HPK_ERR_INVALID_SIZE, &
                        "calculate_z size mismatch")
      call check_status(hpk_calculate_z(zs(1:0), cs(1:0), 30_c_int32_t, flat(1:0)), HPK_OK, "calculate_z, 0 points")
      call check_status(hpk_julia_calculate_z(n=0_c_size_t, maxiter=30_c_int32_t), HPK_OK, "0 points, all absent")
      call check_status(hpk_julia_calculate_z(zs, n=1_c_size_t, maxiter=30_c_int32_t, output=one), &
                        HPK_ERR_NULL_POINTER, "absent cs")
   end subroutine test_julia

   ! ---------------------------------------------------------------- diffusion

   !> The book's stencil on a column-major array, written plainly in Fortran indices.
   subroutine ref_evolve(a, b, d, dt, boundary)
      real(c_double), intent(in) :: a(:, :), d, dt
      real(c_double), intent(out) :: b(:, :)
      integer(c_int32_t), intent(in) :: boundary
      integer :: i, j, n1, n2, up, down, left, right
      n1 = size(a, 1)
      n2 = size(a, 2)
      do j = 1, n2
         do i = 1, n1
            if (boundary == HPK_BOUNDARY_FIXED .and. (i == 1 .or. i == n1 .or. j == 1 .or. j == n2)) then
               b(i, j) = a(i, j)
               cycle
            end if
            ! Periodic neighbours wrap; for interior cells this is the plain i +- 1.
            up = modulo(i - 2, n1) + 1
            down = modulo(i, n1) + 1
            left = modulo(j - 2, n2) + 1
            right = modulo(j, n2) + 1
            b(i, j) = a(i, j) + d*dt*(a(down, j) + a(up, j) + a(i, right) + a(i, left) - 4*a(i, j))
         end do
      end do
   end subroutine ref_evolve

   subroutine test_diffusion()
      ! Non-square shapes in both orientations: a wrapper that did not swap the dimensions would
      ! pair the wrong neighbours and fail these.
      integer, parameter :: shapes(2, 8) = reshape([1, 1, 1, 7, 7, 1, 2, 2, 3, 3, 17, 33, 33, 17, 200, 300], [2, 8])
      integer(c_int64_t), parameter :: step_counts(5) = [0, 1, 2, 5, 8]
      integer(c_int32_t), parameter :: boundaries(2) = [HPK_BOUNDARY_FIXED, HPK_BOUNDARY_PERIODIC]
      real(c_double), parameter :: d = 0.9_c_double, dt = 0.2_c_double
      real(c_double), allocatable :: init(:, :), grid(:, :), out(:, :), ref(:, :), tmp(:, :)
      character(len=64) :: label
      integer :: s, b, k, t

      do s = 1, size(shapes, 2)
         allocate (init(shapes(1, s), shapes(2, s)))
         call random_number(init)
         allocate (grid, out, ref, tmp, mold=init)
         do b = 1, 2
            write (label, '(i0, "x", i0, " boundary ", i0)') shapes(:, s), boundaries(b)
            grid = init
            call check_status(hpk_evolve(grid, out, d, dt, boundaries(b)), HPK_OK, "hpk_evolve "//trim(label))
            call ref_evolve(init, ref, d, dt, boundaries(b))
            call check(maxval(abs(out - ref)) <= 1e-12_c_double, "hpk_evolve vs reference, "//trim(label))
            call check(all(grid == init), "hpk_evolve changed its input, "//trim(label))

            do k = 1, size(step_counts)
               grid = init
               ref = init
               out = CANARY ! scratch contents on entry must not matter
               call check_status(hpk_run(grid, out, d, dt, boundaries(b), step_counts(k)), HPK_OK, "hpk_run "//trim(label))
               do t = 1, int(step_counts(k))
                  call ref_evolve(ref, tmp, d, dt, boundaries(b))
                  ref = tmp
               end do
               call check(maxval(abs(grid - ref)) <= 1e-12_c_double, "hpk_run vs reference, "//trim(label))
            end do
         end do
         ! Periodic boundaries conserve the sum.
         grid = init
         call check_status(hpk_run(grid, out, d, dt, HPK_BOUNDARY_PERIODIC, 9_c_int64_t), HPK_OK, "conservation run")
         call check(abs(sum(grid) - sum(init)) <= 1e-12_c_double*size(init), "periodic sum not conserved")
         deallocate (init, grid, out, ref, tmp)
      end do
   end subroutine test_diffusion

   subroutine test_diffusion_errors()
      real(c_double) :: a(4, 3), b(4, 3), wide(4, 6), canary_a(4, 3), canary_b(4, 3), canary_wide(4, 6), ref(4, 3)
      a = CANARY
      b = -CANARY
      call random_number(wide)
      canary_a = a
      canary_b = b
      canary_wide = wide

      call check_status(hpk_evolve(a, b, nan, 0.1_c_double, HPK_BOUNDARY_FIXED), HPK_ERR_INVALID_ARGUMENT, "NaN d")
      call check_status(hpk_evolve(a, b, 1.0_c_double, inf, HPK_BOUNDARY_FIXED), HPK_ERR_INVALID_ARGUMENT, "inf dt")
      call check_status(hpk_evolve(a, b, 1.0_c_double, 0.1_c_double, 2_c_int32_t), HPK_ERR_INVALID_ARGUMENT, &
                        "boundary 2")
      call check_status(hpk_evolve(a, b, 1.0_c_double, 0.1_c_double, -1_c_int32_t), HPK_ERR_INVALID_ARGUMENT, &
                        "boundary 2**32 - 1")
      call check_status(hpk_evolve(a, b(:, 1:2), 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_FIXED), &
                        HPK_ERR_INVALID_SIZE, "shape mismatch")
      ! Zero-size arrays reach the library, which rejects the zero dimension.
      call check_status(hpk_evolve(a(:, 1:0), b(:, 1:0), 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_FIXED), &
                        HPK_ERR_INVALID_SIZE, "zero columns")
      call check_status(hpk_evolve(a(1:0, :), b(1:0, :), 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_FIXED), &
                        HPK_ERR_INVALID_SIZE, "zero rows")
      call check_status(hpk_diffusion_evolve(grid_out=b, rows=3_c_size_t, cols=4_c_size_t, d=1.0_c_double, &
                                             dt=0.1_c_double, boundary=HPK_BOUNDARY_FIXED), &
                        HPK_ERR_NULL_POINTER, "absent grid_in")
      ! Overlapping column blocks of one array are passed in place, so the library sees them.
      call check_status(hpk_evolve(wide(:, 1:3), wide(:, 3:5), 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_FIXED), &
                        HPK_ERR_OVERLAP, "overlapping blocks")
      call check_status(hpk_run(wide(:, 1:3), wide(:, 2:4), 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_FIXED, &
                                1_c_int64_t), HPK_ERR_OVERLAP, "overlapping scratch")

      call check_status(hpk_run(a, b, nan, 0.1_c_double, HPK_BOUNDARY_PERIODIC, 3_c_int64_t), &
                        HPK_ERR_INVALID_ARGUMENT, "run NaN d")
      call check_status(hpk_run(a, b, 1.0_c_double, 0.1_c_double, 9_c_int32_t, 3_c_int64_t), &
                        HPK_ERR_INVALID_ARGUMENT, "run boundary 9")
      call check_status(hpk_run(a, b(1:3, :), 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_PERIODIC, 3_c_int64_t), &
                        HPK_ERR_INVALID_SIZE, "run shape mismatch")
      call check(all(a == canary_a) .and. all(b == canary_b) .and. all(wide == canary_wide), &
                 "diffusion wrote its arrays on error")
      ! Adjacent, disjoint blocks are fine.
      call check_status(hpk_evolve(wide(:, 1:3), wide(:, 4:6), 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_FIXED), &
                        HPK_OK, "adjacent blocks")
      call ref_evolve(canary_wide(:, 1:3), ref, 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_FIXED)
      call check(all(wide(:, 1:3) == canary_wide(:, 1:3)), "adjacent blocks: input changed")
      call check(maxval(abs(wide(:, 4:6) - ref)) <= 1e-12_c_double, "adjacent blocks: result vs reference")
   end subroutine test_diffusion_errors

   ! ---------------------------------------------------------------- primes

   !> Plain trial division: the reference for small numbers.
   pure logical function ref_is_prime(n)
      integer(c_int64_t), intent(in) :: n
      integer(c_int64_t) :: d
      ref_is_prime = n >= 2
      d = 2
      do while (ref_is_prime .and. d*d <= n)
         ref_is_prime = mod(n, d) /= 0
         d = d + 1
      end do
   end function ref_is_prime

   subroutine test_primes()
      integer(c_int64_t), parameter :: book(5) = [112272535095295_c_int64_t, 100109100129100369_c_int64_t, &
                                                  100109100129101027_c_int64_t, 100109100129100151_c_int64_t, &
                                                  100109100129162907_c_int64_t]
      logical, parameter :: book_prime(5) = [.false., .false., .false., .true., .true.]
      integer(c_int64_t), allocatable :: numbers(:), list(:), want(:)
      logical(c_bool), allocatable :: flags(:)
      integer(c_int64_t) :: factor, count, buffer(30), canary(30)
      integer(c_size_t) :: written
      logical(c_bool) :: prime
      integer :: i

      ! The book's numbers: Miller-Rabin for all five, trial division factors for two composites.
      do i = 1, size(book)
         prime = .not. book_prime(i) ! the wrong answer, unless written
         call check_status(hpk_is_prime(book(i), prime), HPK_OK, "hpk_is_prime")
         call check(prime .eqv. book_prime(i), "hpk_is_prime of a book number")
      end do
      call check_status(hpk_smallest_factor_in_range(book(1), 2_c_int64_t, 10600000_c_int64_t, factor), HPK_OK, &
                        "smallest factor")
      call check(factor == 5, "smallest factor of 112272535095295")
      call check_status(hpk_smallest_factor_in_range(book(2), 2_c_int64_t, 316400222_c_int64_t, factor), HPK_OK, &
                        "smallest factor")
      call check(factor == 95362951 .and. book(2)/factor == 1049769319, "factors of 100109100129100369")
      allocate (flags(size(book)))
      flags = .not. book_prime
      call check_status(hpk_is_prime_array(book, flags), HPK_OK, "hpk_is_prime_array, book")
      call check(all(logical(flags) .eqv. book_prime), "hpk_is_prime_array of the book numbers")
      deallocate (flags)

      ! Every n below 2000 against the reference, through the batch wrapper and the trial division.
      numbers = [(int(i, c_int64_t), i = 0, 1999)]
      allocate (flags(size(numbers)))
      flags = .false.
      call check_status(hpk_is_prime_array(numbers, flags), HPK_OK, "hpk_is_prime_array")
      call check(all(logical(flags) .eqv. [(ref_is_prime(numbers(i)), i = 1, size(numbers))]), &
                 "hpk_is_prime_array vs reference")
      call check_status(hpk_check_prime(1000003_c_int64_t, prime), HPK_OK, "hpk_check_prime")
      call check(logical(prime), "1000003 is prime")
      call check_status(hpk_check_prime(1000001_c_int64_t, prime), HPK_OK, "hpk_check_prime")
      call check(.not. logical(prime), "1000001 = 101 x 9901")
      call check_status(hpk_is_prime_array(numbers, flags(1:5)), HPK_ERR_INVALID_SIZE, "batch size mismatch")

      ! uint64_t through int64: -59 is 2**64 - 59, the largest 64-bit prime; -1 is 2**64 - 1.
      call check_status(hpk_is_prime(-59_c_int64_t, prime), HPK_OK, "hpk_is_prime(2**64 - 59)")
      call check(logical(prime), "2**64 - 59 is prime")
      call check_status(hpk_is_prime(-1_c_int64_t, prime), HPK_OK, "hpk_is_prime(2**64 - 1)")
      call check(.not. logical(prime), "2**64 - 1 is composite")
      call check_status(hpk_smallest_factor_in_range(-1_c_int64_t, 4_c_int64_t, 100_c_int64_t, factor), HPK_OK, &
                        "factor of 2**64 - 1")
      call check(factor == 5, "smallest factor of 2**64 - 1 in [4, 100) is 5")

      call check_status(hpk_count_primes(0_c_int64_t, 1000000_c_int64_t, count), HPK_OK, "hpk_count_primes")
      call check(count == 78498, "pi(10^6) = 78498")

      ! Listing: the allocating wrapper, then the raw size query / too small / exact sequence.
      want = pack([(int(i, c_int64_t), i = 1000, 1199)], [(ref_is_prime(int(i, c_int64_t)), i = 1000, 1199)])
      call check_status(hpk_list_primes(1000_c_int64_t, 1200_c_int64_t, list), HPK_OK, "hpk_list_primes")
      call check(size(list) == size(want), "hpk_list_primes count")
      if (size(list) == size(want)) call check(all(list == want), "hpk_list_primes values")
      call check_status(hpk_list_primes(24_c_int64_t, 29_c_int64_t, list), HPK_OK, "no primes")
      call check(size(list) == 0, "primes in [24, 29)")
      written = 0
      call check_status(hpk_primes_in_range(1000_c_int64_t, 1200_c_int64_t, capacity=0_c_size_t, written=written), &
                        HPK_ERR_BUFFER_TOO_SMALL, "size query")
      call check(written == size(want), "size query count")
      buffer = -7
      canary = buffer
      call check_status(hpk_primes_in_range(1000_c_int64_t, 1200_c_int64_t, buffer, 20_c_size_t, written), &
                        HPK_ERR_BUFFER_TOO_SMALL, "too small")
      call check(all(buffer == canary) .and. written == size(want), "too small: buffer touched or wrong count")
      call check_status(hpk_primes_in_range(1000_c_int64_t, 1200_c_int64_t, buffer, 30_c_size_t, written), &
                        HPK_OK, "exact")
      call check(written == size(want), "primes_in_range count")
      if (written == size(want)) call check(all(buffer(1:written) == want), "primes_in_range values")

      ! Absent outputs are NULL pointers.
      call check_status(hpk_is_prime(7_c_int64_t), HPK_ERR_NULL_POINTER, "absent is_prime")
      call check_status(hpk_check_prime(7_c_int64_t), HPK_ERR_NULL_POINTER, "absent is_prime (check)")
      call check_status(hpk_count_primes(0_c_int64_t, 10_c_int64_t), HPK_ERR_NULL_POINTER, "absent count")
      call check_status(hpk_smallest_factor_in_range(91_c_int64_t, 2_c_int64_t, 10_c_int64_t), &
                        HPK_ERR_NULL_POINTER, "absent factor")
      call check_status(hpk_primes_in_range(0_c_int64_t, 10_c_int64_t, buffer, 30_c_size_t), HPK_ERR_NULL_POINTER, &
                        "absent written")
   end subroutine test_primes

   !> The stream wrappers: [0, 3000) and [10^12, 10^12 + 2000) against trial division in buffers of
   !> 1, 7 and 64; the position; an empty buffer, a stream not open, closing twice.
   subroutine test_prime_stream()
      integer(c_int64_t), parameter :: los(2) = [0_c_int64_t, 1000000000000_c_int64_t]
      integer(c_int64_t), parameter :: lens(2) = [3000_c_int64_t, 2000_c_int64_t]
      integer, parameter :: capacities(3) = [1, 7, 64]
      type(hpk_primes_stream) :: stream
      integer(c_int64_t), allocatable :: want(:), got(:)
      integer(c_int64_t) :: buffer(64), position, n
      integer(c_size_t) :: written
      integer :: w, c

      do w = 1, size(los)
         want = pack([(los(w) + n, n = 0, lens(w) - 1)], [(ref_is_prime(los(w) + n), n = 0, lens(w) - 1)])
         do c = 1, size(capacities)
            call check_status(hpk_stream_open(stream, los(w), los(w) + lens(w)), HPK_OK, "hpk_stream_open")
            allocate (got(0))
            do
               written = 99
               call check_status(hpk_stream_next(stream, buffer(1:capacities(c)), written), HPK_OK, "hpk_stream_next")
               if (written == 0) exit
               got = [got, buffer(1:written)]
               call check_status(hpk_stream_position(stream, position), HPK_OK, "hpk_stream_position")
               call check(position == buffer(written) + 1 .or. written < capacities(c), "position after a full buffer")
            end do
            call check(size(got) == size(want), "stream count")
            if (size(got) == size(want)) call check(all(got == want), "stream values")
            call check_status(hpk_stream_position(stream, position), HPK_OK, "hpk_stream_position")
            call check(position == los(w) + lens(w), "position at the end")
            call hpk_stream_close(stream)
            deallocate (got)
         end do
      end do

      call check_status(hpk_stream_open(stream, 0_c_int64_t, 100_c_int64_t), HPK_OK, "hpk_stream_open")
      call check_status(hpk_stream_next(stream, buffer(1:0), written), HPK_ERR_INVALID_SIZE, "empty buffer")
      call check_status(hpk_stream_next(stream, buffer, written), HPK_OK, "after the error")
      call check(written == 25 .and. buffer(25) == 97, "25 primes below 100")
      call hpk_stream_close(stream)
      call hpk_stream_close(stream) ! closing twice does nothing
      call check_status(hpk_stream_next(stream, buffer, written), HPK_ERR_NULL_POINTER, "a stream not open")
   end subroutine test_prime_stream

   ! ---------------------------------------------------------------- progress and cancellation

   !> Set a fresh log as this thread's handler (cancelling at report cancel_at, 0 = never).
   subroutine watch(log, cancel_at, interval_ms)
      type(progress_log), target, intent(inout) :: log
      integer, intent(in) :: cancel_at
      integer(c_int32_t), intent(in) :: interval_ms
      log = progress_log(cancel_at=cancel_at)
      call check_status(hpk_set_progress(record_progress, interval_ms, c_loc(log)), HPK_OK, "hpk_set_progress")
   end subroutine watch

   !> The reports of one call were well-formed, with the given total.
   subroutine check_reports(log, total, what)
      type(progress_log), intent(in) :: log
      integer(c_int64_t), intent(in) :: total
      character(len=*), intent(in) :: what
      call check(log%monotonic, what//": done decreased")
      call check(log%within_total, what//": done outside 0..total")
      call check(log%fixed_total .and. (log%reports == 0 .or. log%first_total == total), what//": total not fixed")
   end subroutine check_reports

   subroutine test_progress()
      type(progress_log), target :: log
      integer(c_int64_t) :: count, done
      integer(c_int64_t), parameter :: hi = 3000000000_c_int64_t, steps = 100000000_c_int64_t
      integer(c_int64_t) :: t0, t1, rate
      real(c_double), allocatable :: start(:, :), grid(:, :), fresh(:, :), scratch(:, :)
      logical(c_bool) :: prime

      ! Reports arrive, well-formed, and change no result: pi(3e9) runs long enough to report.
      call watch(log, 0, 5_c_int32_t)
      count = 0
      call system_clock(t0, rate)
      call check_status(hpk_count_primes(0_c_int64_t, hi, count), HPK_OK, "count_primes with a handler")
      call system_clock(t1)
      call check_status(hpk_clear_progress(), HPK_OK, "hpk_clear_progress")
      call check(count == 144449537, "pi(3e9) with a handler")
      call check(log%reports > 0 .or. real(t1 - t0)/real(rate) < 0.5, "no report in half a second")
      call check_reports(log, hi, "count_primes")

      ! A nonzero return cancels: HPK_ERR_CANCELLED, count untouched, at most one report after.
      call watch(log, 2, 10_c_int32_t)
      count = -7
      call check_status(hpk_count_primes(0_c_int64_t, 10000000000000_c_int64_t, count), HPK_ERR_CANCELLED, &
                        "count_primes cancelled")
      call check_status(hpk_clear_progress(), HPK_OK, "hpk_clear_progress")
      call check(count == -7, "count changed by a cancelled call")
      call check(log%reports == 2 .or. log%reports == 3, "cancelled at the second report: reports")
      call check(index(hpk_error_message(), "cancel") > 0, "last error after a cancel: "//hpk_error_message())
      call check_reports(log, 10000000000000_c_int64_t, "cancelled count_primes")

      ! Right answers after the cancel; a removed handler is not called.
      log%reports = 0
      call check_status(hpk_count_primes(0_c_int64_t, 1000000000_c_int64_t, count), HPK_OK, "count after a cancel")
      call check(count == 50847534, "pi(1e9) after a cancel")
      call check(log%reports == 0, "a cleared handler was called")
      call check_status(hpk_check_prime(100109100129100151_c_int64_t, prime), HPK_OK, "check_prime after a cancel")
      call check(logical(prime), "100109100129100151 is prime")

      ! Below the documented size (hi - lo < 2^24) a call does not report: this handler would cancel.
      call watch(log, 1, 1_c_int32_t)
      call check_status(hpk_count_primes(0_c_int64_t, 1000000_c_int64_t, count), HPK_OK, "small count with a handler")
      call check_status(hpk_clear_progress(), HPK_OK, "hpk_clear_progress")
      call check(count == 78498 .and. log%reports == 0, "pi(10^6) with a cancelling handler")

      ! A cancelled hpk_run leaves the grid of exactly the last reported number of steps.
      allocate (start(300, 200))
      call random_number(start)
      grid = start
      allocate (scratch, mold=start)
      call watch(log, 3, 10_c_int32_t)
      call check_status(hpk_run(grid, scratch, 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_PERIODIC, steps), &
                        HPK_ERR_CANCELLED, "hpk_run cancelled")
      call check_status(hpk_clear_progress(), HPK_OK, "hpk_clear_progress")
      call check_reports(log, steps, "cancelled hpk_run")
      done = log%last_done
      call check(done >= 0 .and. done < steps, "hpk_run: last report's done")
      fresh = start
      call check_status(hpk_run(fresh, scratch, 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_PERIODIC, done), HPK_OK, &
                        "hpk_run of the reported steps")
      call check(all(grid == fresh), "a cancelled hpk_run's grid is not the one of its last reported steps")
   end subroutine test_progress

end program test_hpkern
