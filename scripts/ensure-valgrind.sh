#!/usr/bin/env bash
# valgrind for make test-valgrind (see ensure-command.sh).
exec "$(dirname "$0")/ensure-command.sh" valgrind
