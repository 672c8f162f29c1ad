#!/bin/sh
# Every fuzz target, briefly and reproducibly: a fixed number of inputs from
# a fixed seed (make fuzz runs them longer, with fresh randomness).
exec env FUZZ_RUNS="${FUZZ_RUNS:-20000}" FUZZ_TIME="${FUZZ_TIME:-60}" \
    sh tests/fuzz/run.sh build/fuzz/fuzz_*
