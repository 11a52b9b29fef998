#!/usr/bin/env bash
# make install / make uninstall as a C or Fortran user sees them, in temporary directories:
#  1. `make install PREFIX=$P`: the layout (the versioned library and its two links, the soname
#     equal to libhpkern.so.<HPK_ABI_VERSION of the header>, the header, the Fortran source, module
#     and wrapper archive, hpkern.pc); bindings/c/example.c and bindings/fortran/example.f90 built
#     with `$(pkg-config --cflags --libs hpkern)` alone, run with LD_LIBRARY_PATH=$P/lib, printing
#     the book's Julia checksum; then `make uninstall` leaves no file or link behind.
#  2. A staged install (DESTDIR): everything lands under DESTDIR, no installed file mentions
#     DESTDIR, hpkern.pc names the real prefix; uninstall with the same DESTDIR removes only what
#     install added (another package's files in the same directories stay).
#  3. `make install FORTRAN=no`: the C part alone, with a hpkern.pc that C programs link with.
# Needs the library built (`make lib`; make install builds it anyway). Installs gfortran,
# pkg-config and binutils (readelf, nm) when missing. Each check counts; the last line is
# "install: N passed, M failed", and the exit status is non-zero if any check failed.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
scripts/ensure-gfortran.sh
scripts/ensure-pkg-config.sh
scripts/ensure-command.sh readelf binutils
scripts/ensure-command.sh nm binutils

version=$(sed -n '/^\[package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)
abi=$(sed -n 's/^#define HPK_ABI_VERSION \([0-9][0-9]*\).*/\1/p' include/hpkern.h)
[ -n "$version" ] && [ -n "$abi" ] || { echo "test-install: no version in Cargo.toml or no HPK_ABI_VERSION" >&2; exit 1; }
echo "test-install: hpkern $version, soname libhpkern.so.$abi"

work=$(mktemp -d "${TMPDIR:-/tmp}/hpkern-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {  # check DESCRIPTION COMMAND...: run COMMAND, count it
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok: $what"
    else failed=$((failed + 1)); echo "FAIL: $what" >&2; fi
}
# The repository's make, whatever the caller's environment (or a calling make's command line, in
# MAKEFLAGS) says about the install variables.
run_make() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR -u PREFIX -u LIBDIR -u INCLUDEDIR -u FMODDIR \
    -u PKGCONFIGDIR -u FORTRAN make --no-print-directory -C "$REPO" "$@" >>"$work/make.log" 2>&1 || { tail -n 20 "$work/make.log" >&2; return 1; }; }
# pkg-config seeing only the hpkern.pc under PREFIX_DIR (the first argument).
pc() { local dir=$1; shift; PKG_CONFIG_PATH="$dir/lib/pkgconfig" PKG_CONFIG_LIBDIR="$dir/lib/pkgconfig" pkg-config "$@"; }
files_and_links() { (cd "$1" && find . \( -type f -o -type l \) | sort); }
export work REPO
export -f run_make pc  # for the checks run by bash -c

# is_link_to LINK TARGET: LINK is a symbolic link whose text is exactly TARGET (relative).
is_link_to() { [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; }
soname_of() { readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p'; }
needed_of() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p'; }
prints_checksum() { LD_LIBRARY_PATH="$1/lib" "$2" >"$2.out" 2>&1 && grep -q 'checksum 33219980 ' "$2.out"; }

# -- 1. make install PREFIX=$P ------------------------------------------------------------------
P=$work/prefix
mkdir -p "$P"
lib=$P/lib
check "make install PREFIX=$P" run_make install PREFIX="$P"
check "lib/libhpkern.so.$version is the library (a file, not a link)" \
    bash -c "[ -f '$lib/libhpkern.so.$version' ] && [ ! -L '$lib/libhpkern.so.$version' ] && [ -x '$lib/libhpkern.so.$version' ]"
check "lib/libhpkern.so.$abi -> libhpkern.so.$version" is_link_to "$lib/libhpkern.so.$abi" "libhpkern.so.$version"
check "lib/libhpkern.so -> libhpkern.so.$version" is_link_to "$lib/libhpkern.so" "libhpkern.so.$version"
soname=$(soname_of "$lib/libhpkern.so.$version" || true)
check "the installed library's SONAME ($soname) is libhpkern.so.$abi (HPK_ABI_VERSION)" \
    [ "$soname" = "libhpkern.so.$abi" ]
check "include/hpkern.h is the repository's header" cmp -s include/hpkern.h "$P/include/hpkern.h"
check "include/hpkern.f90 is the Fortran module's source" cmp -s bindings/fortran/hpkern.f90 "$P/include/hpkern.f90"
check "hpkern.pc: Version $version, prefix $P" \
    bash -c "[ \"\$(pc '$P' --modversion hpkern)\" = '$version' ] && [ \"\$(pc '$P' --variable=prefix hpkern)\" = '$P' ]"
check "hpkern.pc passes pkg-config --validate" pc "$P" --validate hpkern
fmoddir=$(pc "$P" --variable=fmoddir hpkern || true)
check "the compiled module is in fmoddir ($fmoddir)" \
    bash -c "[ -n '$fmoddir' ] && gzip -dc '$fmoddir/hpkern.mod' | head -n 1 | grep -q '^GFORTRAN module'"
check "lib/libhpkern_fortran.a holds the module's wrappers" \
    bash -c "nm '$lib/libhpkern_fortran.a' | grep -q ' T __hpkern_MOD_hpk_julia$'"

# The user's commands: nothing but pkg-config's flags (no -I include, no rpath).
cflags_libs=$(pc "$P" --cflags --libs hpkern || true)
echo "pkg-config --cflags --libs hpkern: $cflags_libs"
# shellcheck disable=SC2086 # the flags are words
check "cc bindings/c/example.c \$(pkg-config --cflags --libs hpkern)" \
    "${CC:-cc}" -std=c11 -Wall -Wextra -Werror -pedantic -O2 bindings/c/example.c $cflags_libs -o "$work/example_c"
check "the C program needs libhpkern.so.$abi, and no Fortran runtime" \
    bash -c "needed=\$(readelf -d '$work/example_c' | grep NEEDED); grep -q '\[libhpkern.so.$abi\]' <<<\"\$needed\" &&
             ! grep -q gfortran <<<\"\$needed\""
check "the C example runs with LD_LIBRARY_PATH=$lib and prints the Julia checksum 33219980" \
    prints_checksum "$P" "$work/example_c"
# shellcheck disable=SC2086
check "gfortran bindings/fortran/example.f90 \$(pkg-config --cflags --libs hpkern)" \
    gfortran -std=f2018 -Wall -Wextra -pedantic -Werror -O2 bindings/fortran/example.f90 $cflags_libs \
        -o "$work/example_fortran"
check "the Fortran example runs with LD_LIBRARY_PATH=$lib and prints the Julia checksum 33219980" \
    prints_checksum "$P" "$work/example_fortran"
check "the Fortran program loads the installed library" \
    bash -c "LD_LIBRARY_PATH='$lib' ldd '$work/example_fortran' | grep -q 'libhpkern.so.$abi => $lib/libhpkern.so.$abi'"
installed_layout=$(files_and_links "$P")
echo "installed:"; sed 's/^/  /' <<<"$installed_layout"
check "make uninstall PREFIX=$P" run_make uninstall PREFIX="$P"
check "uninstall left no file or link under $P" bash -c "[ -z \"\$(find '$P' -type f -o -type l)\" ]"

# -- 2. A staged install: make install DESTDIR=$D PREFIX=$S ------------------------------------
D=$work/stage
S=/opt/hpkern-install-test-$$  # the prefix the files are for; must not appear on this machine
# Another package's files in the directories install shares.
mkdir -p "$D$S/lib/pkgconfig" "$D$S/include"
echo "Name: other" >"$D$S/lib/pkgconfig/other.pc"
echo "/* other */" >"$D$S/include/other.h"
check "make install DESTDIR=$D PREFIX=$S" run_make install DESTDIR="$D" PREFIX="$S"
check "the staged tree under DESTDIR$S is the same layout" \
    bash -c "[ \"\$(cd '$D$S' && find . \( -type f -o -type l \) ! -name other.pc ! -name other.h | sort)\" = '$installed_layout' ]"
check "nothing installed outside DESTDIR$S" \
    bash -c "[ -z \"\$(find '$D' \( -type f -o -type l \) ! -path '$D$S/*')\" ] && [ ! -e '$S' ]"
check "no installed file or link mentions DESTDIR" \
    bash -c "! grep -rlF '$D' '$D$S' && ! gzip -dc '$D$S/lib/hpkern/fortran/hpkern.mod' | grep -qF '$D' &&
             ! find '$D$S' -type l -lname '*$D*' | grep -q ."
check "the staged hpkern.pc names the real prefix $S" \
    bash -c "grep -qx 'prefix=$S' '$D$S/lib/pkgconfig/hpkern.pc' &&
             [ \"\$(pc '$D$S' --variable=libdir hpkern)\" = '$S/lib' ]"
check "make uninstall DESTDIR=$D PREFIX=$S" run_make uninstall DESTDIR="$D" PREFIX="$S"
check "uninstall removed hpkern's files only (another package's stay)" \
    bash -c "[ \"\$(cd '$D$S' && find . -type f -o -type l | sort)\" = \"\$(printf './include/other.h\n./lib/pkgconfig/other.pc')\" ]"

# -- 3. C only: make install FORTRAN=no -----------------------------------------------------------
C=$work/c-only
mkdir -p "$C"
check "make install FORTRAN=no PREFIX=$C" run_make install FORTRAN=no PREFIX="$C"
check "no Fortran module or archive, and hpkern.pc links libhpkern alone" \
    bash -c "[ ! -e '$C/lib/libhpkern_fortran.a' ] && [ ! -e '$C/lib/hpkern' ] &&
             [ \"\$(pc '$C' --libs-only-l hpkern | xargs)\" = -lhpkern ]"
c_only_flags=$(pc "$C" --cflags --libs hpkern || true)
# shellcheck disable=SC2086
check "the C example builds with it and runs" \
    bash -c "'${CC:-cc}' -std=c11 -O2 bindings/c/example.c $c_only_flags -o '$work/example_c_only' &&
             LD_LIBRARY_PATH='$C/lib' '$work/example_c_only' | grep -q 'checksum 33219980 '"
check "make uninstall FORTRAN=no PREFIX=$C leaves nothing" \
    bash -c "run_make uninstall PREFIX='$C' &&
             [ -z \"\$(find '$C' -type f -o -type l)\" ]"

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
