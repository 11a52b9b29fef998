#!/usr/bin/env bash
# gfortran for the Fortran binding and tests (see ensure-command.sh).
exec "$(dirname "$0")/ensure-command.sh" gfortran
