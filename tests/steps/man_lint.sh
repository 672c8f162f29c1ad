#!/bin/sh
# The man pages: mandoc -Tlint -Wwarning finds nothing in man/*.1 and
# man/*.5, and every command of the command table (as `help` lists it)
# has its entry in tcplab(1).  Run from the repository root by
# tests/run.sh; mandoc is installed by make's dependency step.
set -u
command -v mandoc >/dev/null 2>&1 || { echo "man_lint: mandoc is missing (make deps)" >&2; exit 1; }
fails=0
pages=$(ls man/*.1 man/*.5 2>/dev/null)
[ -n "$pages" ] || { echo "man_lint: no man pages in man/" >&2; exit 1; }
for p in $pages; do
    out=$(mandoc -Tlint -Wwarning "$p" 2>&1)
    if [ $? -eq 0 ] && [ -z "$out" ]; then
        echo "ok   $p"
    else
        echo "FAIL $p:"
        printf '%s\n' "$out" | sed 's/^/  /'
        fails=$((fails + 1))
    fi
done

bin=build/san/tcplab
if [ -x "$bin" ] && [ -f man/tcplab.1 ]; then
    cmds=$(echo help | "$bin" 2>/dev/null | grep '^  [^ ]' |
        awk '{ for (i = 1; i <= NF; i++) if ($i !~ /[][=]/) { print $i; break } }')
    for c in $cmds; do
        if grep -q "^\.It .*Ic $c\( \|$\)" man/tcplab.1; then
            :
        else
            echo "FAIL tcplab.1 does not describe the command '$c'"
            fails=$((fails + 1))
        fi
    done
    echo "ok   tcplab.1 describes every command: $(echo $cmds)"
fi
[ "$fails" -eq 0 ] || { echo "man_lint: $fails failed" >&2; exit 1; }
echo "man_lint: all passed"
