#!/bin/sh
# Run every test of `make check` and print one closing line
# "N passed, N failed" (a suite, the vector comparison and each golden
# transcript count as one).  Exit 1 if anything failed.
set -u
pass=0
fail=0
failed=""
skipped=""
# exit 77: the test could not run here (SKIP), neither a pass nor a failure
note() {
    if [ "$1" -eq 0 ]; then pass=$((pass + 1))
    elif [ "$1" -eq 77 ]; then skipped="$skipped $2"
    else fail=$((fail + 1)); failed="$failed $2"; fi
}

export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-60}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export TZ=UTC

for t in "$@"; do
    echo "== $t"
    "$t"
    note $? "${t#build/}"              # san/tests/X and tsan/tests/X apart
done

# Extra steps: each tests/steps/*.sh is a test of its own (vectors,
# transcripts, man pages, interactive shell ...).
for s in tests/steps/*.sh; do
    [ -f "$s" ] || continue
    echo "== $s"
    sh "$s"
    note $? "$(basename "$s")"
done

[ -n "$skipped" ] && echo "skipped (not counted):$skipped"
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
