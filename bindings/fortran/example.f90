! hpkern from Fortran: the three kernels of "High Performance Python" with the book's numbers,
! through the hpkern module's wrappers on ordinary Fortran arrays, then progress reports and
! cancellation. Prints the same lines as bindings/c/example.c, except in the progress section,
! whose handler cancels at its fifth report instead of at a deadline.
!
! Build from the repository root (after `make lib`):
!   gfortran -J target/fortran bindings/fortran/hpkern.f90 bindings/fortran/example.f90 \
!            -L target/release -lhpkern -Wl,-rpath,$PWD/target/release -o example
!
! Every status is checked: on failure the program prints the status text and the library's
! description of what went wrong, and stops with exit status 1.

program example
   use, intrinsic :: iso_c_binding, only: c_bool, c_double, c_double_complex, c_int32_t, c_int64_t, c_loc, &
                                          c_size_t
   use, intrinsic :: iso_fortran_env, only: error_unit
   use hpkern
   implicit none

   ! A program built against this module can use the loaded library only if the ABIs match.
   if (hpk_abi_version() /= HPK_HEADER_ABI_VERSION) then
      write (error_unit, '(a, i0, a, i0)') "libhpkern ABI ", hpk_abi_version(), " does not match the module's ", &
         HPK_HEADER_ABI_VERSION
      error stop 1
   end if
   print '(a, a, a, i0, a, i0, a, a, a)', "hpkern ", hpk_version_string(), " (ABI ", hpk_abi_version(), "), ", &
      hpk_get_num_threads(), " threads, ", hpk_isa_string(), " kernels"
   call julia()
   call diffusion()
   call primes()
   call prime_stream()
   call progress()

contains

   !> Stop with a readable message unless status is HPK_OK.
   subroutine check(status, what)
      integer(c_int32_t), intent(in) :: status
      character(len=*), intent(in) :: what
      if (status /= HPK_OK) then
         write (error_unit, '(a)') what//" failed: "//hpk_status_string(status)//" ("//hpk_error_message()//")"
         error stop 1
      end if
   end subroutine check

   !> The book's Julia set: 1000 x 1000 points of [-1.8, 1.8]^2, c = -0.62772 - 0.42193i, 300 iterations.
   subroutine julia()
      integer(c_int32_t), allocatable :: counts(:, :)
      allocate (counts(1000, 1000)) ! (width, height): counts(k+1, r+1) is column k of row r
      call check(hpk_julia(counts, -1.8_c_double, 1.8_c_double, -1.8_c_double, 1.8_c_double, &
                           cmplx(-0.62772_c_double, -0.42193_c_double, c_double_complex), 300_c_int32_t), "hpk_julia")
      print '(a, i0, a, i0, a, i0, a)', "julia: ", size(counts, 1), " x ", size(counts, 2), &
         ", maxiter 300, checksum ", sum(int(counts, c_int64_t)), " (book: 33219980)"
   end subroutine julia

   !> The book's diffusion driver: a block of 0.005 in rows and columns [0.4N, 0.5N) of an N x N grid.
   subroutine diffusion()
      integer, parameter :: n = 512, lo = int(0.4_c_double*n), hi = int(0.5_c_double*n) ! as the book
      real(c_double), allocatable :: grid(:, :), scratch(:, :)
      real(c_double) :: before
      allocate (grid(n, n), scratch(n, n))
      grid = 0
      grid(lo + 1:hi, lo + 1:hi) = 0.005_c_double ! 0-based [lo, hi) is 1-based lo+1..hi
      before = sum(grid)
      ! 100 steps in one call; the result ends in grid. Periodic boundaries conserve the sum.
      call check(hpk_run(grid, scratch, 1.0_c_double, 0.1_c_double, HPK_BOUNDARY_PERIODIC, 100_c_int64_t), "hpk_run")
      print '(a, i0, a, i0, a, f0.10, a, f0.10, a, f14.12)', "diffusion: ", n, " x ", n, &
         ", d=1, dt=0.1, 100 periodic steps: sum ", before, " -> ", sum(grid), ", centre ", grid(n/2 + 1, n/2 + 1)
   end subroutine diffusion

   !> floor(sqrt(n)) for 0 <= n < 2**62 (the double estimate corrected both ways).
   pure function isqrt(n) result(r)
      integer(c_int64_t), intent(in) :: n
      integer(c_int64_t) :: r
      r = int(sqrt(real(n, c_double)), c_int64_t)
      do while (r*r > n)
         r = r - 1
      end do
      do while ((r + 1)*(r + 1) <= n)
         r = r + 1
      end do
   end function isqrt

   subroutine primes()
      ! The book's numbers (chapter 9); all are below 2**63, so int64 holds them as they are.
      integer(c_int64_t), parameter :: numbers(5) = [112272535095295_c_int64_t, 100109100129100369_c_int64_t, &
                                                     100109100129101027_c_int64_t, 100109100129100151_c_int64_t, &
                                                     100109100129162907_c_int64_t]
      integer(c_int64_t) :: factor, count
      integer(c_int64_t), allocatable :: list(:)
      logical(c_bool) :: prime
      integer :: i

      do i = 1, size(numbers)
         call check(hpk_is_prime(numbers(i), prime), "hpk_is_prime")
         if (prime) then
            print '(a, i0, a)', "primes: ", numbers(i), " is prime"
         else
            ! The parallel trial division over [2, isqrt(n)] stops early once a worker finds one.
            call check(hpk_smallest_factor_in_range(numbers(i), 2_c_int64_t, isqrt(numbers(i)) + 1, factor), &
                       "hpk_smallest_factor_in_range")
            print '(a, i0, a, i0, a, i0, a, i0, a)', "primes: ", numbers(i), " = ", factor, " x ", &
               numbers(i)/factor, " (smallest factor ", factor, ")"
         end if
      end do

      ! The book's own method, trial division by every odd number up to isqrt(n): ~0.2 s here.
      call check(hpk_check_prime(numbers(4), prime), "hpk_check_prime")
      print '(a, i0, a, a)', "primes: trial division says ", numbers(4), " is ", &
         trim(merge("prime    ", "composite", logical(prime)))

      call check(hpk_count_primes(0_c_int64_t, 1000000000_c_int64_t, count), "hpk_count_primes")
      print '(a, i0, a)', "primes: pi(10^9) = ", count, " (known: 50847534)"

      ! Long ranges are counted without sieving them (Lagarias-Miller-Odlyzko): pi(10^13) in
      ! about a second; and the n-th prime from pi() near an estimate plus a short sieve.
      call check(hpk_prime_pi(10000000000000_c_int64_t, count), "hpk_prime_pi")
      print '(a, i0, a)', "primes: pi(10^13) = ", count, " (known: 346065536839)"
      call check(hpk_nth_prime(1000000000_c_int64_t, count), "hpk_nth_prime")
      print '(a, i0, a)', "primes: the 10^9-th prime is ", count, " (known: 22801763489)"

      ! hpk_list_primes makes the size query and allocates the list.
      call check(hpk_list_primes(0_c_int64_t, 100_c_int64_t, list), "hpk_list_primes")
      write (*, '(a, i0, a)', advance="no") "primes: the ", size(list), " primes below 100:"
      do i = 1, size(list)
         write (*, '(a, i0)', advance="no") " ", list(i)
      end do
      write (*, '()')
   end subroutine primes

   !> Primes as a stream: the primes of [10^12, 10^12 + 10^8) a buffer at a time, in the memory of one
   !> sieve and one 8 KiB buffer (listing them at once would take 29 MB).
   subroutine prime_stream()
      integer(c_int64_t), parameter :: lo = 1000000000000_c_int64_t, hi = lo + 100000000_c_int64_t
      type(hpk_primes_stream) :: stream
      integer(c_int64_t) :: buffer(1024), count, last
      integer(c_size_t) :: written

      call check(hpk_stream_open(stream, lo, hi), "hpk_stream_open")
      count = 0
      last = 0
      do
         call check(hpk_stream_next(stream, buffer, written), "hpk_stream_next")
         if (written == 0) exit ! the stream is exhausted
         count = count + written
         last = buffer(written)
      end do
      call hpk_stream_close(stream)
      print '(a, i0, a, i0)', "primes: the stream over [10^12, 10^12 + 10^8) gave ", count, &
         " primes (known: 3618282), the last ", last
   end subroutine prime_stream

   !> Progress reports and cancellation: pi(10^16) would take tens of seconds; the handler
   !> show_progress (below the program) prints the percentage done and stops the call at its
   !> fifth report. (When the work had gone further by then, the library reports once more where
   !> it stopped: that report's return value is ignored.)
   subroutine progress()
      procedure(hpk_progress_procedure) :: show_progress ! a BIND(C) function with this interface
      integer(c_int32_t), target :: reports               ! the handler's data, through user_data
      integer(c_int64_t) :: count
      integer(c_int32_t) :: status

      ! For later calls on this thread: a report at most every 50 ms (0: the default, 100 ms).
      reports = 0
      call check(hpk_set_progress(show_progress, 50_c_int32_t, c_loc(reports)), "hpk_set_progress")
      count = 0
      status = hpk_count_primes(0_c_int64_t, 10000000000000000_c_int64_t, count)
      call check(hpk_clear_progress(), "hpk_clear_progress") ! later calls report nothing
      if (status == HPK_ERR_CANCELLED) then ! count is left untouched
         print '(a, i0, a, a, a, a, a)', "progress: stopped after ", reports, " reports: ", &
            hpk_status_string(status), " (", hpk_error_message(), ")"
      else
         call check(status, "hpk_count_primes")
         print '(a, i0)', "progress: pi(10^16) = ", count
      end if
   end subroutine progress

end program example

!> The progress handler of the example's last section: a BIND(C) function with the interface
!> hpk_progress_procedure (a module procedure works as well). The library calls it on the thread
!> that made the call, with done and total in the call's units (here: numbers sieved of the
!> range) and the user_data given to hpk_set_progress: here the address of a report counter.
!> It prints the percentage done, and cancels (returns nonzero) at the fifth report.
function show_progress(user_data, done, total) result(cancel) bind(C)
   use, intrinsic :: iso_c_binding, only: c_f_pointer, c_int32_t, c_int64_t, c_ptr
   implicit none
   type(c_ptr), value :: user_data
   integer(c_int64_t), value :: done, total
   integer(c_int32_t) :: cancel
   integer(c_int32_t), pointer :: reports

   call c_f_pointer(user_data, reports)
   reports = reports + 1
   print '(a, f5.2, a)', "progress: counting the primes below 10^16: ", 100*real(done)/real(total), "%"
   cancel = merge(1, 0, reports >= 5)
end function show_progress
