#!/bin/sh
# Regenerate the golden transcripts from their command files, with the
# real program: tcplab --record=transcripts/NAME.txt --seed=N NAME.cmds.
# Run from anywhere after `make`; review the diff, then `make check`.
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${TCPLAB:-./tcplab}
[ -x "$bin" ] || { echo "regen: $bin is missing (run make)" >&2; exit 1; }
export TCPLAB_LABS=labs TZ=UTC
status=0

root=$(pwd)
case $bin in /*) ;; *) bin=$root/$bin ;; esac
# the pictures a lab's draw steps write go to a scratch folder
scratch=$(mktemp -d) || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM

# lab NAME SEED: the guided lab NAME, started with --lab as a student would
lab() {
    if ! (cd "$scratch" && TCPLAB_LABS="$root/labs" "$bin" --seed="$2" --lab="$1" \
            --record="$root/transcripts/lab-$1.txt" "$root/transcripts/lab-$1.cmds" \
            >/dev/null); then
        echo "regen: lab-$1 had errors" >&2
        status=1
    fi
    echo "regen: transcripts/lab-$1.txt"
}
lab sockets 1
lab tcb 2
lab nobody 3
lab closing 4
lab error 7
lab bulk 8
lab congestion 9

# A transcript made by the record command itself, halfway through.
"$bin" --seed=5 transcripts/session-record.cmds >/dev/null
echo "regen: transcripts/session-record.txt"

# Bulk transfers past 1 MiB: their digests come from the worker thread.
"$bin" --seed=6 --record=transcripts/session-bulk.txt transcripts/session-bulk.cmds >/dev/null
echo "regen: transcripts/session-bulk.txt"

# How long a call waits (#13): send then shutdown under faults, & jobs, wait.
"$bin" --seed=2 --record=transcripts/session-wait.txt transcripts/session-wait.cmds >/dev/null
echo "regen: transcripts/session-wait.txt"

# inject: segments written in packetdrill's syntax.
"$bin" --seed=7 --record=transcripts/session-inject.txt transcripts/session-inject.cmds >/dev/null
echo "regen: transcripts/session-inject.txt"
# The golden pictures of the socket lab session (tests/steps/draw.sh):
# tests/draw/lab-sockets.KIND[.HOST+SOCK].svg, drawn from its transcript.
for g in tests/draw/lab-sockets.*.svg; do
    [ -f "$g" ] || continue
    name=$(basename "$g" .svg)
    kind=$(echo "$name" | cut -d. -f2)
    sock=$(echo "$name" | cut -d. -f3)
    set -- draw "$kind"
    [ -n "$sock" ] && set -- "$@" --sock "$(echo "$sock" | tr '+' ':')"
    "$bin" "$@" -o "$g" transcripts/lab-sockets.txt || status=1
    echo "regen: $g"
done
exit $status
