#!/bin/sh
# Tap mode through tcplab's fault injector: 8 MiB each way between
# tcplab's stack and the Linux kernel with 5% loss, reordering and
# duplication on the TAP link, SHA-256 equal on both ends.  Inside a
# network namespace of its own (unshare -n) that holds only lo and the
# TAP: no frame leaves it.  Skipped, with a SKIP line, without root,
# /dev/net/tun, unshare or python3.
set -u
name=tap_faults
bin=${TCPLAB:-build/san/tcplab}
[ -x "$bin" ] || { echo "$name: $bin is missing (run make tests)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP $name: needs root (network namespaces, TAP)"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP $name: no /dev/net/tun"; exit 77; }
command -v unshare >/dev/null 2>&1 || { echo "SKIP $name: no unshare (util-linux)"; exit 77; }
unshare -n true 2>/dev/null || { echo "SKIP $name: cannot make a network namespace here"; exit 77; }
py=$(command -v python3) || { echo "SKIP $name: no python3"; exit 77; }
TCPLAB=$bin timeout 600 unshare -n "$py" tests/steps/tap_faults.py || exit 1
echo "$name: all passed"
