# hpkern: `make` builds the library and header, `make test` runs every test suite,
# `make demo` runs the examples, `make bench` runs the criterion benchmarks,
# `make install` / `make uninstall` install the library for C and Fortran (PREFIX, DESTDIR, see below).
# The test and demo targets install what they need (Python venv, gfortran) on a fresh machine.

# bash with pipefail: a test piped through tee must still fail the target.
SHELL    := /bin/bash
.SHELLFLAGS := -eo pipefail -c

CARGO    ?= cargo
BUILDDIR := $(CURDIR)/target/release
LIB      := $(BUILDDIR)/libhpkern.so
SUMMARY  := $(CURDIR)/target/test-summary.txt
# The ABI number, the soname's (libhpkern.so.$(ABI)): include/hpkern.h's HPK_ABI_VERSION, the one
# place that states it (make generate writes it there from the library). Read when used.
ABI_FROM_HEADER := sed -n 's/^\#define HPK_ABI_VERSION \([0-9][0-9]*\).*/\1/p' $(CURDIR)/include/hpkern.h
ABI       = $(shell $(ABI_FROM_HEADER))
# The package version (the installed file's name libhpkern.so.$(VERSION)) and description: Cargo.toml's.
VERSION     := $(shell sed -n '/^\[package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' $(CURDIR)/Cargo.toml)
DESCRIPTION := $(shell sed -n '/^\[package\]/,/^\[/ s/^description *= *"\([^"]*\)".*/\1/p' $(CURDIR)/Cargo.toml)

# make install: the GNU variables. DESTDIR (staging) is prepended to every installed path and
# never written into a file; the installed hpkern.pc holds the paths below.
PREFIX       ?= /usr/local
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# The compiled Fortran module (hpkern.mod): architecture and compiler specific, so under LIBDIR
# (not INCLUDEDIR), in a directory of hpkern's own. FORTRAN=auto installs the Fortran module and
# its compiled wrappers (libhpkern_fortran.a) when $(FC) runs, yes requires them, no leaves them out.
FMODDIR      ?= $(LIBDIR)/hpkern/fortran
FORTRAN      ?= auto
ifeq ($(origin FC),default)
FC := gfortran
endif
FFLAGS       ?= -O2
INSTALL      ?= install
FORTRAN_BUILD := $(CURDIR)/target/fortran-install
WITH_FORTRAN = $(if $(filter auto,$(FORTRAN)),$(if $(shell command -v $(firstword $(FC))),yes,no),$(FORTRAN))
# hpkern.pc's paths: relative to ${prefix} / ${libdir} where they lie under them.
PC_LIBDIR     = $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
PC_INCLUDEDIR = $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
PC_FMODDIR    = $(if $(filter yes,$(WITH_FORTRAN)),$(patsubst $(LIBDIR)/%,$${libdir}/%,$(FMODDIR)))

.PHONY: all lib panic-lib generate header header-check lint install uninstall test test-rust test-ffi test-c test-fortran \
        test-valgrind test-install test-python test-wheel test-isa test-pi-large test-summary-reset bench bench-compare demo \
        fuzz fuzz-seeds check-aarch64 clean

all: lib generate

# The cdylib (soname libhpkern.so.$(ABI)). Building writes nothing into the source tree: the header
# is `make generate`'s.
lib:
	$(CARGO) build --release -p hpkern
	ln -sf libhpkern.so $(BUILDDIR)/libhpkern.so.$$($(ABI_FROM_HEADER))

# Install for C and Fortran users (`sudo` for a system PREFIX; then run `ldconfig` there):
#   $(LIBDIR)/libhpkern.so.$(VERSION)    the library; libhpkern.so.$(ABI) (its soname) and
#                                        libhpkern.so (for -lhpkern) link to it
#   $(INCLUDEDIR)/hpkern.h, hpkern.f90   the C header; the Fortran module's source
#   $(FMODDIR)/hpkern.mod                the Fortran module, and $(LIBDIR)/libhpkern_fortran.a its
#                                        compiled wrappers, both compiled here with $(FC)
#   $(PKGCONFIGDIR)/hpkern.pc            from hpkern.pc.in: Cflags and Libs for C and Fortran
install: lib
	$(if $(filter auto yes no,$(FORTRAN)),,$(error FORTRAN must be auto, yes or no, not '$(FORTRAN)'))
	@[ -n "$(ABI)" ] || { echo "install: include/hpkern.h defines no HPK_ABI_VERSION" >&2; exit 1; }
	@if command -v readelf >/dev/null 2>&1; then \
	    soname=$$(readelf -d "$(LIB)" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p'); \
	    [ "$$soname" = "libhpkern.so.$(ABI)" ] || { echo "install: $(LIB) has the soname '$$soname'" \
	        "but include/hpkern.h says libhpkern.so.$(ABI) (HPK_ABI_VERSION): rebuild it" >&2; exit 1; }; \
	fi
	$(INSTALL) -d "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(INCLUDEDIR)" "$(DESTDIR)$(PKGCONFIGDIR)"
	$(INSTALL) -m 755 "$(LIB)" "$(DESTDIR)$(LIBDIR)/libhpkern.so.$(VERSION)"
	ln -sfn "libhpkern.so.$(VERSION)" "$(DESTDIR)$(LIBDIR)/libhpkern.so.$(ABI)"
	ln -sfn "libhpkern.so.$(VERSION)" "$(DESTDIR)$(LIBDIR)/libhpkern.so"
	$(INSTALL) -m 644 include/hpkern.h bindings/fortran/hpkern.f90 "$(DESTDIR)$(INCLUDEDIR)/"
ifeq ($(WITH_FORTRAN),yes)
	rm -rf "$(FORTRAN_BUILD)" && mkdir -p "$(FORTRAN_BUILD)"
	$(FC) $(FFLAGS) -fPIC -J "$(FORTRAN_BUILD)" -c bindings/fortran/hpkern.f90 -o "$(FORTRAN_BUILD)/hpkern.o"
	$(AR) rcs "$(FORTRAN_BUILD)/libhpkern_fortran.a" "$(FORTRAN_BUILD)/hpkern.o"
	$(INSTALL) -d "$(DESTDIR)$(FMODDIR)"
	$(INSTALL) -m 644 "$(FORTRAN_BUILD)/hpkern.mod" "$(DESTDIR)$(FMODDIR)/hpkern.mod"
	$(INSTALL) -m 644 "$(FORTRAN_BUILD)/libhpkern_fortran.a" "$(DESTDIR)$(LIBDIR)/libhpkern_fortran.a"
else
	@echo "install: leaving out the Fortran module: $(if $(filter no,$(FORTRAN)),FORTRAN=no,$(FC) not found)"
endif
	sed -e '/^#/d' -e 's|@prefix@|$(PREFIX)|' -e 's|@libdir@|$(PC_LIBDIR)|' \
	    -e 's|@includedir@|$(PC_INCLUDEDIR)|' -e 's|@fmoddir@|$(PC_FMODDIR)|' \
	    -e 's|@description@|$(DESCRIPTION)|' -e 's|@version@|$(VERSION)|' \
	    -e 's|@fortran_libs@|$(if $(PC_FMODDIR),-lhpkern_fortran )|' \
	    -e 's|@fortran_cflags@|$(if $(PC_FMODDIR), -I$${fmoddir})|' \
	    hpkern.pc.in > "$(DESTDIR)$(PKGCONFIGDIR)/hpkern.pc"
	@echo "install: hpkern $(VERSION) (soname libhpkern.so.$(ABI)) in $(DESTDIR)$(PREFIX)"

# Remove what install put there, and the directories it made if they are left empty.
uninstall:
	rm -f "$(DESTDIR)$(LIBDIR)/libhpkern.so" "$(DESTDIR)$(LIBDIR)/libhpkern.so.$(ABI)" \
	      "$(DESTDIR)$(LIBDIR)/libhpkern.so.$(VERSION)" "$(DESTDIR)$(LIBDIR)/libhpkern_fortran.a" \
	      "$(DESTDIR)$(INCLUDEDIR)/hpkern.h" "$(DESTDIR)$(INCLUDEDIR)/hpkern.f90" \
	      "$(DESTDIR)$(FMODDIR)/hpkern.mod" "$(DESTDIR)$(PKGCONFIGDIR)/hpkern.pc"
	@top="$(DESTDIR)$(LIBDIR)/hpkern" dir="$(DESTDIR)$(FMODDIR)"; \
	case "$$dir" in "$$top"/*) \
	    until [ "$$dir" = "$$top" ]; do rmdir "$$dir" 2>/dev/null || exit 0; dir=$${dir%/*}; done;; esac; \
	rmdir "$$top" 2>/dev/null || true
	@rmdir "$(DESTDIR)$(PKGCONFIGDIR)" 2>/dev/null || true

# The same library plus hpk_test_panic (cargo feature test-panic), for the panic-containment tests.
panic-lib:
	$(CARGO) build --profile panic-test -p hpkern --features test-panic

# include/hpkern.h from src/ffi with cbindgen (tools/gen-header), then the declarations derived
# from it: bindings/python/hpkern/_abi.py and the generated region of bindings/fortran/hpkern.f90
# (scripts/gen-bindings.py). Run after changing src/ffi; commit what it writes.
generate: header
	scripts/setup-python.sh
	.venv/bin/python scripts/gen-bindings.py

header:
	$(CARGO) run --quiet -p hpkern-gen-header -- include/hpkern.h

# CI: regenerating must not change the checked-in header, nor the header the derived declarations.
header-check: header
	@git diff --exit-code -- include/ || { echo "include/hpkern.h is stale: run make generate and commit it"; exit 1; }
	scripts/setup-python.sh
	.venv/bin/python scripts/gen-bindings.py --check

test-summary-reset:
	@mkdir -p target && : > $(SUMMARY)

# In order, stopping at the first failure: the header and formatting/lint checks, Rust, Rust per ISA path, libloading (ffi-tests), C,
# Fortran, valgrind, make install (C and Fortran users), Python (source tree), Python (installed wheel).
test: test-summary-reset header-check lint test-rust test-isa test-ffi test-c test-fortran test-valgrind \
      test-install test-python test-wheel
	@echo; echo "== test summary =="; cat $(SUMMARY)

# rustfmt.toml at the root holds the style of every crate (fuzz/ is a workspace of its own).
lint:
	$(CARGO) fmt --all --check
	cd fuzz && $(CARGO) fmt --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd fuzz && $(CARGO) clippy --all-targets -- -D warnings
	@echo "lint: cargo fmt and cargo clippy -D warnings clean (workspace and fuzz)" >> $(SUMMARY)

# With the shared test tools (testkit) and the fuzz target's own tests (its seeds decode as
# written and pass every check; fuzz/ is a workspace of its own).
test-rust: lib
	$(CARGO) test -p hpkern -p hpkern-bench-baseline -p hpkern-testkit 2>&1 | tee target/test-rust.log
	cd fuzz && $(CARGO) test 2>&1 | tee -a ../target/test-rust.log
	@scripts/count-cargo-tests.sh Rust target/test-rust.log >> $(SUMMARY)

# The kernel unit tests again under each narrower instruction-set path the CPU supports
# (HPK_FORCE_ISA); test-rust runs the default, widest one.
test-isa:
	scripts/test-isa-paths.sh | tee target/test-isa.log
	@grep -E '^ISA [a-z0-9]+: [0-9]+ passed, 0 failed$$' target/test-isa.log >> $(SUMMARY) \
	    || echo "ISA: this CPU has only the default path (the Rust line)" >> $(SUMMARY)

# The built .so driven through libloading, directly and through the C and Fortran shims.
test-ffi: lib panic-lib
	scripts/ensure-gfortran.sh
	$(CARGO) test -p hpkern-ffi-tests 2>&1 | tee target/test-ffi.log
	@scripts/count-cargo-tests.sh libloading target/test-ffi.log >> $(SUMMARY)

# The published pi(10^k), pi(2^k) and (10^k)-th primes that test-ffi (tests/abi_pi.rs) leaves out
# for time, each through the built library: pi(10^17 .. 10^19), pi(2^51 .. 2^63) and the
# (10^13 .. 10^17)-th primes (ffi-tests/src/pi_cases.rs splits the tables), about an hour on 2
# cores. Not part of `make test`. PI_LARGE='pi:10^17 pi:2^55 nth:10^13' runs only those cases.
test-pi-large: lib
	scripts/ensure-gfortran.sh
	$(CARGO) run --quiet -p hpkern-ffi-tests --bin pi-large -- $(PI_LARGE) | tee target/test-pi-large.log
	@tail -n 1 target/test-pi-large.log | grep -qE '^pi-large: [0-9]+ passed, 0 failed$$'

test-c: lib
	scripts/test-c.sh | tee target/test-c.log
	@tail -n 1 target/test-c.log | grep -E '^C: [0-9]+ passed, 0 failed$$' >> $(SUMMARY)

test-fortran: lib
	scripts/test-fortran.sh | tee target/test-fortran.log
	@tail -n 1 target/test-fortran.log | grep -E '^Fortran: [0-9]+ passed, 0 failed$$' >> $(SUMMARY)

# The C example and C tests under valgrind memcheck (built by test-c).
test-valgrind: test-c
	scripts/test-valgrind.sh | tee target/test-valgrind.log
	@tail -n 1 target/test-valgrind.log | grep -E '^valgrind: [0-9]+ passed, 0 failed$$' >> $(SUMMARY)

# make install / uninstall into temporary prefixes (also staged with DESTDIR): the layout, the
# soname, hpkern.pc; the C and Fortran examples built with pkg-config's flags alone.
test-install: lib
	scripts/test-install.sh | tee target/test-install.log
	@tail -n 1 target/test-install.log | grep -E '^install: [0-9]+ passed, 0 failed$$' >> $(SUMMARY)

# ctypes and cffi through pytest, in the repo's .venv (created on first use).
test-python: lib
	scripts/test-python.sh | tee target/test-python.log
	@grep -E '^(ctypes|cffi): ' target/test-python.log >> $(SUMMARY)

# The Python package as users get it: a wheel built by pip, installed into a fresh venv outside
# the repository, the Python tests run against it; mypy --strict; an editable install.
test-wheel:
	scripts/test-wheel.sh | tee target/test-wheel.log
	@tail -n 1 target/test-wheel.log | grep -E '^wheel: [0-9]+ passed, 0 failed$$' >> $(SUMMARY)

# Build, then run the C, Fortran and Python examples.
demo: lib
	scripts/demo.sh

bench: lib
	$(CARGO) bench -p hpkern --bench julia --bench diffusion --bench primes --bench sieve
	$(CARGO) bench -p hpkern-bench-baseline --bench vs_book_c

# Cross-build for aarch64 (scalar path) and run the kernel tests under qemu-user.
check-aarch64:
	scripts/check-aarch64.sh

# hpkern beside Numba, Cython, gcc -O3 -march=native (+OpenMP), numpy, gmpy2 and primesieve in
# one run: table on stdout, target/bench-compare/results.{json,md,png}. Installs its peers itself.
bench-compare: lib
	scripts/bench-compare.sh

# Fuzz the C ABI with libFuzzer (cargo-fuzz) for FUZZ_SECONDS (default 60).
fuzz:
	scripts/fuzz.sh

# Rewrite fuzz/seeds/abi from fuzz/src/seeds.rs (after changing the fuzz target's input format).
fuzz-seeds:
	cd fuzz && $(CARGO) run --example write_seeds

clean:
	$(CARGO) clean
