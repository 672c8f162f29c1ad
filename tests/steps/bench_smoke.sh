#!/bin/sh
# make bench, in miniature, so that its programs cannot rot: tests/bench/run.sh
# with tiny sizes (BENCH_QUICK=1) on the sanitizer builds — the sim transfer
# with its digests, latency, connections, grading, and as root with
# /dev/net/tun the raw TAP pump, the veth baseline, both tap transfers
# without and with --offload and lwIP's, each in a network namespace of its
# own.  Checks that every figure is there
# and the JSON parses; not the figures themselves (make check is no
# benchmark).  Run from the repository root by tests/run.sh.
set -u
bin=build/san/tcplab
for p in $bin build/san/bench/bench build/san/bench/sink build/san/bench/tappump build/san/bench/lossbench build/san/bench/lwipbench; do
    [ -x "$p" ] || { echo "bench_smoke: $p is missing (run make tests)" >&2; exit 1; }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

BENCH_QUICK=1 TCPLAB=$bin BENCH_BIN=build/san/bench BENCH_JSON=$tmp/bench.json \
    sh tests/bench/run.sh >"$tmp/table" 2>"$tmp/log"
st=$?
if [ "$st" -eq 0 ]; then pass "run.sh (quick) exit 0"; else
    fail "run.sh (quick) exit $st:"
    sed 's/^/  /' "$tmp/log" "$tmp/table"
fi
grep -q '^1\. sim throughput' "$tmp/table" && grep -q '^7\. loss' "$tmp/table" &&
    grep -q 'targets met' "$tmp/table" &&
    pass "the table: $(grep 'targets met' "$tmp/table")" || fail "no table"

tap=yes
if [ "$(id -u)" -ne 0 ]; then tap="not root"
elif [ ! -c /dev/net/tun ]; then tap="no /dev/net/tun"
elif ! unshare -n true 2>/dev/null; then tap="cannot make a network namespace"
fi
# Without the tap parts the rest is still checked, and that bench.json
# reports them as skipped: the step runs, so it is not a skip.
[ "$tap" = yes ] || echo "bench_smoke: tap parts not measured here ($tap); checking they are reported so"

py=$(command -v python3) || py=
if [ -z "$py" ]; then
    grep -q '"targets"' "$tmp/bench.json" && pass "bench.json (no python3 to parse it)" ||
        fail "bench.json"
elif TAP=$tap "$py" - "$tmp/bench.json" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d["sim"]["sha256_equal"] == 1 and d["sim"]["gbit"] > 0, d["sim"]
assert d["lat"]["commands"] > 50 and d["lat_program"]["commands"] > 50
assert d["scale"]["opened"] == d["scale"]["wanted"] and d["scale"]["left_after_close"] == 0
assert d["grade"]["per_second"] > 0
for p in (1, 5, 10):
    l = d["loss%d" % p]
    assert l["seeds"] > 0 and l["failed"] == 0 and 0 < l["median_seconds"] <= l["worst_seconds"], l
if os.environ["TAP"] == "yes":
    for k in ("tap_out", "tap_in", "lwip_out", "offload_out", "offload_in"):
        assert d[k]["sha256_equal"] == 1 and d[k]["bytes"] == 1 << 20, d[k]
    for k in ("lwip", "out_pump", "in_pump"):
        assert d["ratio"][k] > 0, d["ratio"]
    for k in ("tap_lwip_ratio", "tap_out_ratio", "tap_in_ratio"):
        assert k in d["targets"], d["targets"]
    assert d["pump_write"]["frames"] > 0 and d["pump_read"]["frames"] > 0
    assert d["veth"]["bytes"] == 4 << 20
else:
    assert "skipped" in d["tap"]
assert all(isinstance(t["met"], bool) for t in d["targets"].values())
EOF
then pass "bench.json has every figure"
else
    fail "bench.json:"
    sed 's/^/  /' "$tmp/bench.json"
fi

[ "$fails" -eq 0 ] || { echo "bench_smoke: $fails failed" >&2; exit 1; }
echo "bench_smoke: all passed"
