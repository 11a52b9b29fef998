#!/usr/bin/env bash
# Make sure COMMAND is on PATH: install the Debian package PACKAGE (default: COMMAND) when
# running as root on a fresh machine (CI), otherwise explain what to install.
#   ensure-command.sh COMMAND [PACKAGE]
# Exit 0 if COMMAND is usable.
set -euo pipefail
cmd=$1 package=${2:-$1}

if command -v "$cmd" >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-command: installing the Debian package $package" >&2
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >&2; then
        command -v "$cmd" >/dev/null 2>&1 && exit 0
    fi
    echo "ensure-command: apt-get could not install $package" >&2
    exit 1
fi
echo "ensure-command: $cmd is missing; install the Debian package '$package' (apt-get install $package, as root)" >&2
exit 1
