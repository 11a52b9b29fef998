#!/usr/bin/env bash
# Make sure valgrind is on PATH: install the Debian package `valgrind` when running as root on a
# fresh machine (CI), otherwise explain what to install. Exit 0 if valgrind is usable.
set -euo pipefail

if command -v valgrind >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-valgrind: installing the Debian package valgrind" >&2
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >&2; then
        command -v valgrind >/dev/null 2>&1 && exit 0
    fi
    echo "ensure-valgrind: apt-get could not install valgrind" >&2
    exit 1
fi
echo "ensure-valgrind: valgrind is missing; install the Debian package 'valgrind' (apt-get install valgrind, as root)" >&2
exit 1
