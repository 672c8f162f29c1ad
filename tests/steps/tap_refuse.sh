#!/bin/sh
# Tap mode: connections refused both ways (the kernel's RST, tcplab's) and
# aborted both ways.  In a network namespace of its own (tap_common.inc).
set -u
. tests/steps/tap_common.inc
tap_scenarios refuse
