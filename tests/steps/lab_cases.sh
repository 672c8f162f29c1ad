#!/bin/sh
# Every checkpoint of every lab is met in one transcript and missed in
# another (data-driven): each tests/labcases/*.cmds is a session whose
# header names its lab, its seed and the checkpoints it must meet and
# miss:
#   # lab: sockets
#   # seed: 1
#   # met: all            (or a list of ids)
#   # missed: syn synack  (ids)
# The session is recorded with the sanitizer build, graded, and each named
# checkpoint must come out as said.  Then, for each lab in labs/, every
# checkpoint must be met by its golden transcript or a case, and missed by
# some case.  Run from the repository root by tests/run.sh.
set -u
bin=build/san/tcplab
[ -x "$bin" ] || { echo "lab_cases: $bin is missing (run make tests)" >&2; exit 1; }
export TCPLAB_LABS=labs TZ=UTC
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
hdr() { sed -n "s/^# $1: *//p" "$2" | head -n 1; }

ncases=0
for c in tests/labcases/*.cmds; do
    [ -f "$c" ] || continue
    ncases=$((ncases + 1))
    name=$(basename "$c" .cmds)
    lab=$(hdr lab "$c")
    seed=$(hdr seed "$c")
    met=$(hdr met "$c")
    missed=$(hdr missed "$c")
    [ -n "$lab" ] && [ -n "$seed" ] || { fail "$name: no lab or seed in its header"; continue; }
    [ -n "$met$missed" ] || { fail "$name: names no checkpoint to check"; continue; }
    "$bin" --seed="$seed" --record="$tmp/$name.txt" "$c" >"$tmp/$name.out" 2>&1
    "$bin" grade "$lab" "$tmp/$name.txt" >"$tmp/$name.grade" 2>&1
    if ! head -n 1 "$tmp/$name.grade" | grep -q 'replayed, output identical'; then
        fail "$name: not graded as genuine:"
        head -n 3 "$tmp/$name.grade" | sed 's/^/  /'
        continue
    fi
    [ "$met" = all ] && met=$(sed -n 's/^  [a-z ]*met  *\([A-Za-z0-9_-]*\) .*/\1/p' "$tmp/$name.grade")
    bad=""
    for id in $met; do
        grep -q "^  met     $id " "$tmp/$name.grade" || bad="$bad met:$id"
        echo "$lab $id" >>"$tmp/met.all"
    done
    for id in $missed; do
        grep -q "^  not met $id " "$tmp/$name.grade" || bad="$bad missed:$id"
        echo "$lab $id" >>"$tmp/missed.all"
    done
    if [ -z "$bad" ]; then
        pass "$name ($lab): $(head -n 1 "$tmp/$name.grade" | sed 's/^[^:]*: //')"
    else
        fail "$name ($lab): not as expected:$bad"
        sed 's/^/  /' "$tmp/$name.grade"
    fi
done
[ "$ncases" -gt 0 ] || fail "no case in tests/labcases"

# every checkpoint of every lab: met (golden or case) and missed (a case)
for f in labs/*.lab; do
    lab=$(basename "$f" .lab)
    g=transcripts/lab-$lab.txt
    [ -f "$g" ] || { fail "$lab: no golden transcript $g"; continue; }
    "$bin" grade "$lab" "$g" >"$tmp/golden.grade" 2>&1
    ids=$(sed -n 's/^  [a-z ]*met  *\([A-Za-z0-9_-]*\) .*/\1/p' "$tmp/golden.grade")
    [ -n "$ids" ] || { fail "$lab: grading its golden transcript listed no checkpoint"; continue; }
    sed -n "s/^  met     \([A-Za-z0-9_-]*\) .*/$lab \1/p" "$tmp/golden.grade" >>"$tmp/met.all"
    nomet="" nomiss=""
    for id in $ids; do
        grep -qx "$lab $id" "$tmp/met.all" || nomet="$nomet $id"
        grep -qx "$lab $id" "$tmp/missed.all" 2>/dev/null || nomiss="$nomiss $id"
    done
    n=$(printf '%s\n' $ids | wc -l)
    if [ -z "$nomet$nomiss" ]; then
        pass "$lab: each of its $n checkpoints is met in one transcript and missed in another"
    else
        [ -z "$nomet" ] || fail "$lab: never met:$nomet"
        [ -z "$nomiss" ] || fail "$lab: never missed by a case:$nomiss"
    fi
done

[ "$fails" -eq 0 ] && { echo "lab_cases: all passed"; exit 0; }
echo "lab_cases: $fails failed"
exit 1
