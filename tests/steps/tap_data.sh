#!/bin/sh
# Tap mode: 1 MiB each way, SHA-256 compared: tcplab's client against a
# kernel server (tcplab closes first), a kernel client against tcplab's
# server (the kernel closes first).  Each scenario in a network namespace
# of its own (tap_common.inc).
set -u
. tests/steps/tap_common.inc
tap_scenarios client server
