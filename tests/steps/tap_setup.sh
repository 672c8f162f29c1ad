#!/bin/sh
# Tap mode's set-up: without CAP_NET_ADMIN one line and exit 2; the TAP
# removed at exit; root given up for SUDO_UID; --kernel=romeo; --netns and
# the command it prints to enter its namespace.  In a network namespace of
# its own (tap_common.inc).
set -u
. tests/steps/tap_common.inc
command -v setpriv >/dev/null 2>&1 || { echo "SKIP tap_setup: no setpriv (util-linux)"; exit 77; }
command -v nsenter >/dev/null 2>&1 || { echo "SKIP tap_setup: no nsenter (util-linux)"; exit 77; }
tap_scenarios setup
