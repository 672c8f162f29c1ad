#!/bin/sh
# Run each libFuzzer target for FUZZ_TIME seconds on a copy of its seed
# corpus (tests/fuzz/corpus/NAME plus, for the decoder, every frame of the
# shared tcpdump vectors and of tests/vectors).  Any crash, leak or sanitizer report fails; the input
# that caused it is kept under build/fuzz/crashes/.
# With FUZZ_RUNS=N each target instead runs N inputs from the fixed seed 1:
# the same inputs every time (make check), FUZZ_TIME then only a bound.
set -u
T=${FUZZ_TIME:-60}
how="-max_total_time=$T"
[ -n "${FUZZ_RUNS:-}" ] && how="-runs=$FUZZ_RUNS -seed=1 -max_total_time=$T"
VEC=${TCPLAB_VECTORS:-../shared/vectors/tcpdump}
fail=0
mkdir -p build/fuzz/crashes
for bin in "$@"; do
    name=$(basename "$bin" | sed 's/^fuzz_//')
    corpus=$(mktemp -d)
    [ -d "tests/fuzz/corpus/$name" ] && cp tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
    if [ "$name" = decode ]; then
        # the shared tcpdump vectors, then the project's (tests/vectors:
        # IPv6, ICMPv6, MPTCP); pcap2corpus numbers seeds from 0, so each
        # set goes to its own folder first
        for set in "$VEC" tests/vectors; do
            [ -d "$set" ] || continue
            seeds=$(mktemp -d)
            build/fuzz/pcap2corpus "$seeds" "$set"/*.pcap >/dev/null
            for f in "$seeds"/*; do cp "$f" "$corpus/$(basename "$set")-$(basename "$f")"; done
            rm -rf "$seeds"
        done
    fi
    echo "fuzz $name: ${FUZZ_RUNS:+$FUZZ_RUNS runs, at most }${T}s"
    # shellcheck disable=SC2086
    if ! "$bin" $how -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
            -artifact_prefix=build/fuzz/crashes/"$name"- "$corpus" >build/fuzz/"$name".log 2>&1; then
        echo "FAIL fuzz $name (see build/fuzz/$name.log)"
        tail -30 build/fuzz/"$name".log
        fail=1
    else
        grep -E '^Done|#[0-9]+.*DONE' build/fuzz/"$name".log | tail -1
    fi
    rm -rf "$corpus"
done
exit $fail
