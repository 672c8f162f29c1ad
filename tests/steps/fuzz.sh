#!/bin/sh
# Every fuzz target, briefly (make fuzz runs them longer).
exec env FUZZ_TIME="${FUZZ_TIME:-8}" sh tests/fuzz/run.sh build/fuzz/fuzz_*
