#!/bin/sh
# Tap mode and #13's order of calls: a script with `&` calls on both hosts
# (tcplab's stack sends 4 MiB, the kernel's socket reads it to the end),
# `jobs`, `wait` and a shutdown after the send; both digests agree and no
# line is a shell error.  In a network namespace of its own (unshare -n),
# which holds only lo and the TAP that tcplab creates and goes away with it.
set -u
. tests/steps/tap_common.inc
tap_require tap_jobs
tap_tmpdir
{
    printf 'show tcb off\n'
    tap_connected
    cat <<'END'
juliet: recv a --all &
send c --bytes 4M &
jobs
wait 2
shutdown c wr
wait
jobs
END
} >"$dir/script"
tap_run_script tljobs0
sent=$(grep -o '^4194304 bytes sent, sha256 [0-9a-f]*' "$dir/out" | awk '{ print $5 }')
got=$(grep -o '^4194304 bytes received (end of stream), sha256 [0-9a-f]*' "$dir/out" | awk '{ print $8 }')
if [ -n "$sent" ] && [ "$sent" = "$got" ] && grep -q '^\[1\] juliet: recv a --all &$' "$dir/out" &&
    grep -q '^\[2\] romeo: send c --bytes 4M &$' "$dir/out" && grep -q '^no calls pending$' "$dir/out"; then
    echo "ok   $name: & on both hosts, jobs, wait; 4 MiB through the kernel, digests agree"
else
    echo "FAIL $name: sent '$sent', received '$got':"
    tail -30 "$dir/out" | sed 's/^/  /'
    exit 1
fi
