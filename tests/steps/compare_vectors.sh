#!/bin/sh
# The decoder against tcpdump 4.99.3's own output, byte for byte, with the
# sanitizer build: every capture under every flag set of the shared vectors
# (../shared/vectors/tcpdump, with its own compare.sh; TCPLAB_VECTORS
# overrides the folder) and of the project's vectors (tests/vectors: IPv6,
# ICMPv6, MPTCP, made by tests/vectors/generate.sh).  Run from the
# repository root by tests/run.sh.  Without the shared vectors the
# project's are still compared, and the step then exits 77 (SKIP) unless
# they failed.
set -u
if [ ! -x build/san/tcplab ]; then
    echo "compare_vectors: build/san/tcplab is missing (run make tests)" >&2
    exit 1
fi
status=0
shared=yes
dir=${TCPLAB_VECTORS:-../shared/vectors/tcpdump}
if [ -d "$dir" ] && [ -f "$dir/compare.sh" ]; then
    echo "shared vectors ($dir):"
    sh "$dir/compare.sh" "build/san/tcplab read" "$dir" || status=1
else
    echo "SKIP compare_vectors: no shared vectors at $dir"
    shared=no
fi
echo "project vectors (tests/vectors):"
sh tests/vectors/compare.sh "build/san/tcplab read" tests/vectors || status=1
if [ "$status" -ne 0 ]; then
    echo "compare_vectors: FAILED" >&2
    exit 1
fi
[ "$shared" = yes ] || exit 77
exit 0
