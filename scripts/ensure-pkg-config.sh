#!/usr/bin/env bash
# pkg-config for make test-install (see ensure-command.sh). Debian's package is pkgconf, which
# provides the pkg-config command (the package named pkg-config is a transitional one since 12).
exec "$(dirname "$0")/ensure-command.sh" pkg-config pkgconf
