#!/bin/sh
# tcplab grade: every golden lab transcript scores full marks against its
# lab; a transcript edited by hand, or missing, scores zero and says why;
# a student who stopped halfway gets the checkpoints met, each with its
# line; --json is JSON; the exit status says whether grading ran.  The
# example lab of man/tcplab-labs.5, taken from the man page itself, is
# recorded and graded.  300 transcripts are graded in one run (timed).
# Run from the repository root by tests/run.sh.
set -u
. tests/steps/step_common.inc
step_init grade

# ---- the goldens: full marks
for lab in sockets tcb nobody closing error bulk; do
    t=transcripts/lab-$lab.txt
    [ -f "$t" ] || { fail "$t is missing"; continue; }
    out=$("$bin" grade "$lab" "$t")
    st=$?
    first=$(printf '%s\n' "$out" | head -n 1)
    case $first in
        "$t: "*" points, "*) ;;
        *) fail "$lab: unexpected first line: $first"; continue ;;
    esac
    score=$(printf '%s' "$first" | sed 's/^[^:]*: \([0-9]*\)\/\([0-9]*\) points.*/\1 \2/')
    set -- $score
    if [ "$st" -eq 0 ] && [ "$1" = "$2" ] && ! printf '%s\n' "$out" | grep -q '^  not met'; then
        pass "$first"
    else
        fail "$lab: not full marks (exit $st):"
        printf '%s\n' "$out" | sed 's/^/  /'
    fi
done

# ---- edited and missing transcripts score zero, grading still exits 0
sed 's/Flags \[R\.\], seq 0/Flags [R.], seq 1/' transcripts/lab-sockets.txt >"$tmp/edited.txt"
out=$("$bin" grade sockets "$tmp/edited.txt" "$tmp/missing.txt")
st=$?
e=$(printf '%s\n' "$out" | grep "^$tmp/edited.txt: ")
m=$(printf '%s\n' "$out" | grep "^$tmp/missing.txt: ")
case $e in
    *": 0/27 points, 0 of 27 checkpoints met; not genuine, scores zero: line "*" differs"*) pass "$e" ;;
    *) fail "edited transcript: $e" ;;
esac
case $m in
    *": 0/27 points"*"cannot open"*) pass "$m" ;;
    *) fail "missing transcript: $m" ;;
esac
[ "$st" -eq 0 ] && pass "grading ran: exit 0" || fail "grade exited $st with zero scores"

# ---- a student who stopped after step 2, recorded without --lab
sed -n "2,/^sock.connect(('10.10.2.100', 4000))\$/p" transcripts/lab-sockets.cmds >"$tmp/half.cmds"
"$bin" --seed=9 --record="$tmp/half.txt" "$tmp/half.cmds" >/dev/null
out=$("$bin" grade sockets "$tmp/half.txt")
first=$(printf '%s\n' "$out" | head -n 1)
case $first in
    *": 5/27 points, 5 of 27 checkpoints met ("*"replayed"*) pass "$first" ;;
    *) fail "half transcript: $first" ;;
esac
l=$(grep -n 'ConnectionRefusedError' "$tmp/half.txt" | head -n 1 | cut -d: -f1)
if printf '%s\n' "$out" | grep -q "^  met     refused  *line $l "; then
    pass "refused met at line $l"
else
    fail "refused not met at line $l:"
    printf '%s\n' "$out" | sed 's/^/  /'
fi
printf '%s\n' "$out" | grep -q '^  not met syn ' && pass "syn not met" || fail "syn reported met"

# ---- --json
"$bin" grade --json sockets transcripts/lab-sockets.txt "$tmp/edited.txt" >"$tmp/g.json"
st=$?
if command -v python3 >/dev/null 2>&1; then
    if python3 - "$tmp/g.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["transcripts"]
assert d["lab"] == "sockets" and d["points"] == 27, d
assert t[0]["genuine"] and t[0]["score"] == 27 and all(c["met"] for c in t[0]["checkpoints"])
assert not t[1]["genuine"] and t[1]["score"] == 0 and "differs" in t[1]["error"]
assert all(isinstance(c["line"], int) for c in t[0]["checkpoints"])
EOF
    then pass "--json parses and says the same"; else fail "--json"; fi
else
    grep -q '"genuine": false' "$tmp/g.json" && pass "--json (no python3 to parse it)" ||
        fail "--json"
fi
[ "$st" -eq 0 ] || fail "--json exit $st"

# ---- usage: exit 2, one line
for args in "" "sockets" "no-such-lab $tmp/half.txt" "--xml sockets $tmp/half.txt"; do
    # shellcheck disable=SC2086
    "$bin" grade $args >/dev/null 2>"$tmp/err"
    st=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$st" -eq 2 ] && [ "$lines" -eq 1 ]; then
        pass "grade $args: $(cat "$tmp/err")"
    else
        fail "grade $args: exit $st, $lines lines on stderr"
    fi
done

# ---- the man page's example lab, as an instructor would copy it
sed -n '/^\.\\" example-lab-begin/,/^\.\\" example-lab-end/p' man/tcplab-labs.5 |
    sed '/^\./d' >"$tmp/hello.lab"
sed -n '/^\.\\" example-script-begin/,/^\.\\" example-script-end/p' man/tcplab-labs.5 |
    sed '/^\./d' >"$tmp/hello.cmds"
if [ -s "$tmp/hello.lab" ] && [ -s "$tmp/hello.cmds" ]; then
    "$bin" --lab="$tmp/hello.lab" --record="$tmp/hello.txt" "$tmp/hello.cmds" >/dev/null
    out=$("$bin" grade "$tmp/hello.lab" "$tmp/hello.txt")
    first=$(printf '%s\n' "$out" | head -n 1)
    score=$(printf '%s' "$first" | sed 's/^[^:]*: \([0-9]*\)\/\([0-9]*\) points.*/\1 \2/')
    set -- $score
    if [ "${1:-x}" = "${2:-y}" ]; then pass "man page example: $first"; else
        fail "man page example:"
        printf '%s\n' "$out" | sed 's/^/  /'
    fi
else
    fail "man/tcplab-labs.5 has no example lab and script between the markers"
fi

# ---- 300 transcripts in one run
i=0
while [ $i -lt 300 ]; do
    cp transcripts/lab-tcb.txt "$tmp/s$i.txt"
    i=$((i + 1))
done
start=$(date +%s.%N)
n=$("$bin" grade tcb "$tmp"/s*.txt | grep -c ': 26/26 points')
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
if [ "$n" -eq 300 ]; then
    pass "300 transcripts graded in ${secs}s (sanitizer build)"
else
    fail "300 transcripts: only $n scored full marks"
fi

[ "$fails" -eq 0 ] || { echo "grade: $fails failed" >&2; exit 1; }
echo "grade: all passed"
