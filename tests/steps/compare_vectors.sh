#!/bin/sh
# The decoder against tcpdump 4.99.3's own output: every vector pcap under
# every flag set, byte for byte, with the sanitizer build.  Run from the
# repository root by tests/run.sh.  TCPLAB_VECTORS overrides the folder.
set -u
dir=${TCPLAB_VECTORS:-../shared/vectors/tcpdump}
if [ ! -d "$dir" ] || [ ! -f "$dir/compare.sh" ]; then
    echo "SKIP compare_vectors: no vectors at $dir"
    exit 77
fi
if [ ! -x build/san/tcplab ]; then
    echo "compare_vectors: build/san/tcplab is missing (run make tests)" >&2
    exit 1
fi
out=$(sh "$dir/compare.sh" "build/san/tcplab read" "$dir" 2>&1)
status=$?
printf '%s\n' "$out"
last=$(printf '%s\n' "$out" | tail -n 1)
case $last in
    *" passed, 0 failed") [ "$status" -eq 0 ] && exit 0 ;;
esac
echo "compare_vectors: FAILED" >&2
exit 1
