#!/bin/sh
# Tap mode: the socket lab performed with python3 as juliet and tcplab as
# romeo, its observations checked; the kernel host driven from the shell
# (its state changes, its TCB, ss and lsof with both hosts, a transcript
# that says "mode: tap").  Each scenario in a network namespace of its own
# (tap_common.inc).
set -u
. tests/steps/tap_common.inc
tap_scenarios lab shell
