#!/bin/sh
# Tap mode through tcplab's fault injector: 8 MiB each way between
# tcplab's stack and the Linux kernel with 5% loss, reordering and
# duplication on the TAP link, SHA-256 equal on both ends.  Inside a
# network namespace of its own (unshare -n) that holds only lo and the
# TAP: no frame leaves it.  Skipped, with a SKIP line, without root,
# /dev/net/tun, unshare or python3.
set -u
. tests/steps/tap_common.inc
tap_require tap_faults
tap_python
TCPLAB=$bin timeout 600 unshare -n "$py" tests/steps/tap_faults.py || exit 1
echo "$name: all passed"
