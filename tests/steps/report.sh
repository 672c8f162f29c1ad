#!/bin/sh
# tcplab report: the HTML lab notebook of the socket lab session and of a
# bulk transfer under loss opens in headless Chromium; its screenshot is
# not blank; the page holds the session text, the ladder, the state paths
# and (for the bulk transfer) the seq and cwnd graphs; it prints (PDF).
# SKIP (77) only when Chromium is not installed (make check tries to).
# Run from the repository root by tests/run.sh.
set -u
. tests/steps/step_common.inc
step_init report
browser=$(command -v chromium || command -v chromium-browser) ||
    { echo "report: SKIP: chromium is not installed"; exit 77; }
export TZ=UTC
export LSAN_OPTIONS="suppressions=$(pwd)/tests/draw/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
chrome() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$tmp")" "$@" 2>/dev/null
}

(cd "$tmp" && "$bin" --seed=7 --record=loss.txt "$OLDPWD/tests/draw/loss.cmds" >/dev/null 2>&1)
for t in transcripts/lab-sockets.txt "$tmp/loss.txt"; do
    name=$(basename "$t" .txt)
    html=$tmp/$name.html
    if ! "$bin" report "$t" -o "$html" 2>"$tmp/err"; then
        fail "$name: tcplab report: $(cat "$tmp/err")"
        continue
    fi
    grep -q '<script\|src="http\|href="http' "$html" && fail "$name: the page is not self-contained"
    chrome --dump-dom "file://$html" >"$tmp/$name.dom"
    want='<pre id="session"> <figure id="ladder"> <ol class="paths"> <figure id="states">'
    [ "$name" = loss ] && want="$want <figure id=\"seq-0- <figure id=\"cwnd-0-"
    missing=""
    for w in $want; do grep -q "$w" "$tmp/$name.dom" || missing="$missing $w"; done
    nsvg=$(grep -o '<svg ' "$tmp/$name.dom" | wc -l)
    if [ -z "$missing" ] && [ "$nsvg" -ge 1 ]; then
        pass "$name: Chromium's DOM holds the session, the paths and $nsvg figures"
    else
        fail "$name: missing in Chromium's DOM:$missing ($nsvg svg)"
    fi
    grep -q 'ESTABLISHED' "$tmp/$name.dom" || fail "$name: no state path in the page"
    chrome --screenshot="$tmp/$name.png" --window-size=1200,2400 "file://$html" >/dev/null
    if [ -s "$tmp/$name.png" ]; then
        set -- $(python3 tests/draw/pngcheck.py "$tmp/$name.png")
        [ "${3:-0}" -gt 20000 ] && pass "$name: screenshot ${1}x$2, $3 pixels inked" ||
            fail "$name: screenshot blank: $*"
    else
        fail "$name: no screenshot"
    fi
    [ "$name" = loss ] || continue             # printing: one page set is enough
    chrome --print-to-pdf="$tmp/$name.pdf" --no-pdf-header-footer "file://$html" >/dev/null
    pages=$(pdfinfo "$tmp/$name.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
    [ "${pages:-0}" -ge 1 ] && pass "$name: prints, $pages pages" || fail "$name: printing failed"
done

# bad input: one line, nothing written
"$bin" report "$tmp/missing.txt" -o "$tmp/x.html" 2>"$tmp/err"
[ $? -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$tmp/x.html" ] &&
    pass "missing transcript refused" || fail "missing transcript: $(cat "$tmp/err")"
"$bin" report transcripts/lab-sockets.txt 2>"$tmp/err"
[ $? -eq 2 ] && pass "no -o: usage" || fail "report without -o: $(cat "$tmp/err")"

echo "report: $fails failed"
[ "$fails" -eq 0 ]
