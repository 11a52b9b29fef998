#!/usr/bin/env bash
# Make sure gfortran is on PATH: install the Debian package `gfortran` when running as root on a
# fresh machine (CI), otherwise explain what to install. Exit 0 if gfortran is usable.
set -euo pipefail

if command -v gfortran >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-gfortran: installing the Debian package gfortran" >&2
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gfortran >&2; then
        command -v gfortran >/dev/null 2>&1 && exit 0
    fi
    echo "ensure-gfortran: apt-get could not install gfortran" >&2
    exit 1
fi
echo "ensure-gfortran: gfortran is missing; install the Debian package 'gfortran' (apt-get install gfortran, as root)" >&2
exit 1
