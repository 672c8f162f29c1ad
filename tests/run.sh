#!/bin/sh
# Run every test of `make check` and print one closing line
# "N passed, N failed, N skipped" (each suite and each step counts as one).
# A test that cannot run here (not root, no /dev/net/tun, no tmux ...)
# exits 77, automake's SKIP, and is counted apart: a skip is never a pass.
# Exit 1 if anything failed.
set -u
pass=0
fail=0
skip=0
failed=""
skipped=""
note() {
    case $1 in
        0) pass=$((pass + 1)) ;;
        77) skip=$((skip + 1)); skipped="$skipped $2" ;;
        *) fail=$((fail + 1)); failed="$failed $2" ;;
    esac
}

export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-60}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export TZ=UTC
# The decoder's vectors: ../shared/vectors/tcpdump beside the repository,
# which for a git worktree is beside its main checkout.
if [ -z "${TCPLAB_VECTORS:-}" ] && [ ! -d ../shared/vectors/tcpdump ]; then
    common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null) &&
        [ -d "$common/../../shared/vectors/tcpdump" ] &&
        export TCPLAB_VECTORS="$common/../../shared/vectors/tcpdump"
fi

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

[ -n "$skipped" ] && echo "skipped:$skipped"
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
