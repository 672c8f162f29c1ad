#!/bin/sh
# make bench: the figures of the performance targets, measured in one run,
# printed as one table (figure, target, ok or MISSED) and written to
# build/bench.json.  Run from anywhere after `make tcplab` and the bench
# programs (make bench builds both, then runs this).
#
#   1. sim throughput   bench: send --bytes / recv --all on the in-process wire
#                       (and, for reference, the same through the socket API)
#   2. tap throughput   tcplab --tap against sink (a kernel socket), both ways,
#                       decode and TCB off; lwIP (lwipbench: Debian's liblwip,
#                       raw API, its tapif driver) to the same sink; baselines:
#                       tappump (raw TAP frame pump) and kernel to kernel over
#                       a veth pair, MTU 1500.  ROUNDS rounds of all of them,
#                       one after the other (the machine's load changes in
#                       between alike for each), and the medians; the ratios
#                       are the medians of each round's ratio.  If tcplab
#                       has --offload, its transfers with it too (the
#                       NIC's part: TSO/GSO and checksums), against the veth.
#   3. grading          tcplab grade over copies of the golden lab transcripts
#   4. responsiveness   bench: the golden lab sessions, command by command
#   5. scale            bench: simultaneous connections between the sim hosts
#   6. loss recovery    bench: virtual time to deliver 2 MiB under 1%, 5% and
#                       10% loss, median and worst over 100 seeds (5 quick)
#   7. loss vs Linux    loss.sh: 2 MiB with 1, 5, 10 % random loss both ways,
#                       tcplab's sim (lossbench) against Linux over a veth
#                       between two namespaces with nftables dropping, RUNS
#                       runs each: medians and their ratio
#
# Everything that puts traffic on a TAP or veth runs in a network namespace
# made for it (unshare -n; the veth's far end in a second one), which goes
# away with it; nothing is sent outside.  The tap parts need root and
# /dev/net/tun, else they are reported as skipped.
#
# Environment: TCPLAB (./tcplab), BENCH_BIN (build/bench: bench, sink,
# tappump, lwipbench), BENCH_JSON (build/bench.json), BENCH_QUICK=1 (tiny sizes, for
# tests/steps/bench_smoke.sh), BENCH_SIM_BYTES, BENCH_TAP_BYTES,
# BENCH_VETH_BYTES, BENCH_TAP_ROUNDS, BENCH_CONNS, BENCH_GRADE_COPIES (per lab), BENCH_LOSS_RUNS,
# BENCH_LOSS_BYTES, BENCH_LOSS_RATES.
# Exit 1 if a measurement failed (a program error, a digest mismatch);
# a missed target is a figure, not a failure.
set -u
self=$(cd "$(dirname "$0")" && pwd)/run.sh
cd "$(dirname "$self")/../.." || exit 1
TCPLAB=${TCPLAB:-./tcplab}
BIN=${BENCH_BIN:-build/bench}
JSON=${BENCH_JSON:-build/bench.json}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    q=1; SIM=4194304; TAP=1048576; VETH=4194304; CONNS=200; COPIES=5; PUMP=0.2; ROUNDS=1
    LRUNS=2; LBYTES=262144; LRATES="1 10"
else
    q=0; SIM=1073741824; TAP=268435456; VETH=1073741824; CONNS=10000; COPIES=100; PUMP=2; ROUNDS=3
    LRUNS=20; LBYTES=2097152; LRATES="1 5 10"
fi
LRUNS=${BENCH_LOSS_RUNS:-$LRUNS}
LBYTES=${BENCH_LOSS_BYTES:-$LBYTES}
LRATES=${BENCH_LOSS_RATES:-$LRATES}
SIM=${BENCH_SIM_BYTES:-$SIM}
TAP=${BENCH_TAP_BYTES:-$TAP}
ROUNDS=${BENCH_TAP_ROUNDS:-$ROUNDS}
VETH=${BENCH_VETH_BYTES:-$VETH}
CONNS=${BENCH_CONNS:-$CONNS}
COPIES=${BENCH_GRADE_COPIES:-$COPIES}

# ---- helpers ----------------------------------------------------------------

# wait_for PATTERN FILE: until a line of FILE matches (10 s at most)
wait_for() {
    i=0
    while ! grep -q "$1" "$2" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 200 ] || return 1
        sleep 0.05
    done
}

# cpu_of FILE: user + system seconds of the children, from `times` output
cpu_of() {
    sed -n 2p "$1" | tr 'ms' '  ' | awk '{ printf "%.3f", $1 * 60 + $2 + $3 * 60 + $4 }'
}

# kv_of PREFIX FILE: "bytes N seconds S gbit G ..." as "PREFIX_bytes N" lines
kv_of() {
    awk -v p="$1" '{ for (i = 1; i < NF; i += 2) print p "_" $i, $(i + 1) }' "$2"
}

# transfer_result NAME DIR WHAT: the sink's figures, tcplab's CPU time, and
# whether tcplab's digest ("N bytes WHAT, sha256 X") is the sink's
transfer_result() {
    [ -s "$2/sink" ] || { echo "bench: $1: no figure from sink; tcplab said:" >&2
                          tail -n 5 "$2/out" >&2; return 1; }
    kv_of "$1" "$2/sink" | grep -v "_sha256 "
    echo "$1_tcplab_cpu_seconds $(cpu_of "$2/times")"
    mine=$(grep "^[0-9]* bytes $3, sha256 " "$2/out" | sed 's/.*sha256 //')
    theirs=$(sed 's/.*sha256 //' "$2/sink")
    if [ -n "$mine" ] && [ "$mine" = "$theirs" ]; then
        echo "$1_sha256_equal 1"
    else
        echo "$1_sha256_equal 0"
        echo "bench: $1: SHA-256 differs (tcplab: ${mine:-none}, kernel: $theirs)" >&2
        return 1
    fi
}

# ---- run inside a namespace of their own (unshare -n sh run.sh _NAME) ------

# The bulk transfers run with the decode and the TCBs off, as one would
# time them (the shell still keeps its session log, states, digests).
QUIET='show decode off\nshow tcb off\n'

# to_sink KEY PROGRAM...: the kernel's sink listening on port 4000, the
# program (which says "N bytes sent, sha256 X") sending to it; its figures
to_sink() {
    k=$1
    shift
    "$BIN/sink" recv -s 4000 >"$d/sink" 2>"$d/sink.err" &
    sp=$!
    wait_for listening "$d/sink.err" || { kill $sp; echo "bench: sink did not start" >&2; return 1; }
    (timeout 900 "$@" >"$d/out" 2>&1; times >"$d/times")
    grep -q "bytes sent, sha256" "$d/out" || kill $sp 2>/dev/null
    wait $sp
    transfer_result "$k" "$d" sent
}

# tcplab's client sends N bytes to the kernel's sink: _tap_out N KEY [FLAG]
_tap_out() {
    d=$(mktemp -d) || return 1
    trap 'rm -rf "$d"' EXIT
    printf "${QUIET}"'c = socket\nconnect c 10.10.2.100 4000\nsend c --bytes %s\nclose c\n' "$1" >"$d/cmds"
    to_sink "$2" "$TCPLAB" --tap ${3:-} --no-color "$d/cmds"
}

# lwIP sends N bytes to the same sink, from the same addresses
_lwip_out() {
    d=$(mktemp -d) || return 1
    trap 'rm -rf "$d"' EXIT
    to_sink lwip_out "$BIN/lwipbench" -n "$1" 10.10.2.100 4000
}

# the kernel sends N bytes to tcplab's server (recv --all): _tap_in N KEY [FLAG]
_tap_in() {
    d=$(mktemp -d) || return 1
    trap 'rm -rf "$d"' EXIT
    printf "${QUIET}"'l = socket\nbind l 10.10.1.100 5000\nlisten l\ns = accept l\nrecv s --all\nclose s\n' \
        >"$d/cmds"
    (timeout 900 "$TCPLAB" --tap ${3:-} --no-color "$d/cmds" >"$d/out" 2>&1; times >"$d/times") &
    tp=$!
    if wait_for "^romeo> s = accept l" "$d/out"; then
        "$BIN/sink" send -s -n "$1" 10.10.1.100 5000 >"$d/sink"
    else
        echo "bench: tcplab did not start listening" >&2
    fi
    wait $tp
    transfer_result "$2" "$d" "received (end of stream)"
}

# kernel to kernel: this namespace's sink sends to a second namespace's
# sink over a veth pair, MTU 1500
_veth() {
    d=$(mktemp -d) || return 1
    unshare -n sleep 900 &
    peer=$!
    trap 'kill $peer 2>/dev/null; rm -rf "$d"' EXIT
    i=0
    while [ "$(readlink /proc/$peer/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
        i=$((i + 1)); [ $i -le 100 ] || return 1; sleep 0.02
    done
    in_peer() { nsenter --net=/proc/$peer/ns/net "$@"; }
    ip link add bv0 mtu 1500 type veth peer name bv1 mtu 1500 &&
        ip link set bv1 netns $peer &&
        ip addr add 10.97.0.1/24 dev bv0 && ip link set bv0 up &&
        in_peer ip addr add 10.97.0.2/24 dev bv1 && in_peer ip link set bv1 up ||
        { echo "bench: cannot set up the veth pair" >&2; return 1; }
    in_peer "$BIN/sink" recv 5001 >"$d/recv" 2>"$d/recv.err" &
    rp=$!
    wait_for listening "$d/recv.err" || { echo "bench: veth sink did not start" >&2; return 1; }
    "$BIN/sink" send -n "$1" 10.97.0.2 5001 >/dev/null || return 1
    wait $rp
    kv_of veth "$d/recv"
}

case ${1:-} in
    _tap_out | _tap_in | _lwip_out | _veth) f=$1; shift; $f "$@"; exit $? ;;
esac

# ---- the run ------------------------------------------------------------------

for p in "$TCPLAB" "$BIN/bench" "$BIN/sink" "$BIN/tappump" "$BIN/lossbench" "$BIN/lwipbench"; do
    [ -x "$p" ] || { echo "bench: $p is missing (make bench builds it)" >&2; exit 1; }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
kv=$tmp/kv
failed=0
failure() { echo "bench: $*" >&2; failed=1; }
say() { echo "bench: $*" >&2; }

{
    echo "machine_cpus $(nproc)"
    echo "machine_load_average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "machine_kernel $(uname -r)"
    echo "machine_commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo +changes)"
    echo "machine_date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >>"$kv"

say "1, 4, 5: sim throughput ($SIM bytes), command latency, $CONNS connections"
qflag=
[ $q = 1 ] && qflag=--quick
"$BIN/bench" $qflag --bytes "$SIM" --conns "$CONNS" --tcplab "$TCPLAB" >>"$kv" ||
    failure "bench exited $?"
grep -q "^sim_sha256_equal 1" "$kv" || failure "sim transfer: SHA-256 differs or missing"
grep -q "^sim_stack_complete 1" "$kv" || failure "sim transfer through the socket API stalled"
grep -q "^loss10_failed 0" "$kv" && grep -q "^loss5_failed 0" "$kv" && grep -q "^loss1_failed 0" "$kv" ||
    failure "loss recovery: a 2 MiB transfer did not deliver whole"

say "3: grading $((COPIES * 4)) transcripts"
mkdir "$tmp/grade"
for lab in sockets tcb nobody closing; do
    i=0
    while [ $i -lt "$COPIES" ]; do
        cp "transcripts/lab-$lab.txt" "$tmp/grade/$lab-$i.txt"
        i=$((i + 1))
    done
done
start=$(date +%s.%N)
for lab in sockets tcb nobody closing; do
    TCPLAB_LABS=labs "$TCPLAB" grade "$lab" "$tmp/grade/$lab"-*.txt >>"$tmp/grade.out"
done
end=$(date +%s.%N)
full=$(grep -c ': \([0-9]*\)/\1 points' "$tmp/grade.out")
[ "$full" -eq $((COPIES * 4)) ] || failure "grading: $full of $((COPIES * 4)) with full marks"
awk -v n=$((COPIES * 4)) -v a="$start" -v b="$end" \
    'BEGIN { printf "grade_transcripts %d\ngrade_seconds %.4f\ngrade_per_second %.0f\n", n, b - a, n / (b - a) }' >>"$kv"

why=
if [ "$(id -u)" -ne 0 ]; then why="not root"
elif [ ! -c /dev/net/tun ]; then why="no /dev/net/tun"
elif ! unshare -n true 2>/dev/null; then why="cannot make a network namespace"
fi
if [ -n "$why" ]; then
    say "SKIP 2: tap throughput ($why)"
    echo "tap_skipped $why" >>"$kv"
else
    # --offload, where this tcplab has it
    off=
    "$TCPLAB" --help 2>&1 | grep -q -- '--offload' && off=1
    r=1
    while [ $r -le "$ROUNDS" ]; do
        rk=$tmp/round$r
        say "2: round $r of $ROUNDS: raw TAP pump ($PUMP s each way), veth ($VETH bytes), lwIP and tcplab ($TAP bytes)"
        "$BIN/tappump" -t "$PUMP" >"$tmp/pump" || failure "tappump exited $?"
        awk '{ for (i = 2; i < NF; i += 2) print "pump_" $1 "_" $i, $(i + 1) }' "$tmp/pump" >>"$rk"
        unshare -n sh "$self" _veth "$VETH" >>"$rk" || failure "veth baseline failed"
        unshare -n sh "$self" _lwip_out "$TAP" >>"$rk" || failure "lwIP -> kernel failed"
        unshare -n sh "$self" _tap_out "$TAP" tap_out >>"$rk" || failure "tap transfer tcplab -> kernel failed"
        unshare -n sh "$self" _tap_in "$TAP" tap_in >>"$rk" || failure "tap transfer kernel -> tcplab failed"
        if [ -n "$off" ]; then
            unshare -n sh "$self" _tap_out "$TAP" offload_out --offload >>"$rk" ||
                failure "tap transfer tcplab --offload -> kernel failed"
            unshare -n sh "$self" _tap_in "$TAP" offload_in --offload >>"$rk" ||
                failure "tap transfer kernel -> tcplab --offload failed"
        fi
        # this round's ratios, side by side
        awk '{ v[$1] = $2 }
             function q(a, b) { return (b in v) && v[b] > 0 ? v[a] / v[b] : 0 }
             END { printf "ratio_lwip %.4f\nratio_out_pump %.4f\nratio_in_pump %.4f\n",
                          q("tap_out_gbit", "lwip_out_gbit"), q("tap_out_gbit", "pump_write_gbit"),
                          q("tap_in_gbit", "pump_read_gbit")
                   if ("offload_out_gbit" in v)
                       printf "ratio_offload_out_veth %.4f\nratio_offload_in_veth %.4f\n",
                              q("offload_out_gbit", "veth_gbit"), q("offload_in_gbit", "veth_gbit") }' \
            "$rk" >"$tmp/ratios"
        cat "$tmp/ratios" >>"$rk"
        r=$((r + 1))
    done
    echo "tap_rounds $ROUNDS" >>"$kv"
    echo "tap_offload ${off:-0}" >>"$kv"
    # the median of each figure (a digest check: all of them equal), and
    # each round's figure of the throughputs and ratios
    awk '{ if (!($1 in c)) o[++n] = $1; x[$1, ++c[$1]] = $2 + 0; runs[$1] = runs[$1] (c[$1] > 1 ? "," : "") $2 }
         END {
             for (i = 1; i <= n; i++) {
                 k = o[i]; m = c[k]
                 for (a = 1; a <= m; a++) y[a] = x[k, a]
                 for (a = 2; a <= m; a++)
                     for (b = a; b > 1 && y[b - 1] > y[b]; b--) { t = y[b]; y[b] = y[b - 1]; y[b - 1] = t }
                 if (k ~ /_sha256_equal$/) print k, y[1]
                 else print k, m % 2 ? y[(m + 1) / 2] : (y[m / 2] + y[m / 2 + 1]) / 2
                 if (k ~ /_gbit$|^ratio_/ && m > 1) print k "_runs", runs[k]
             }
         }' "$tmp"/round* >>"$kv"
fi

say "7: loss recovery against Linux, $LBYTES bytes at $LRATES % loss, $LRUNS runs each"
echo "loss_rates $LRATES" >>"$kv"
echo "loss_bytes $LBYTES" >>"$kv"
sh "$(dirname "$self")/loss.sh" "$BIN/lossbench" "$LRUNS" "$LBYTES" $LRATES >>"$kv" 2>"$tmp/loss.log" ||
    failure "loss table: $(tail -n 1 "$tmp/loss.log")"
for p in $LRATES; do
    grep -q "^loss_${p}_tcplab_median [0-9]" "$kv" || failure "loss $p %: no tcplab figure"
done

# ---- the table and the JSON ---------------------------------------------------------

mkdir -p "$(dirname "$JSON")"
awk -v json="$JSON" '
function has(k) { return k in v }
function n(k) { return v[k] + 0 }
function row(name, fig, target, verdict) {
    printf "%-44s %-24s %-20s %s\n", name, fig, target, verdict
}
# a row with a target: the figure and the verdict go to the JSON too
function judged(key, name, fig, target, x, met) {
    row(name, fig, target, met ? "ok" : "MISSED")
    tk[++nt] = key; tt[key] = target; tx[key] = x; tm[key] = met ? "true" : "false"
    missed += !met
}
# judged, the figure being v[key] in format f
function lat(key, name, f, target, met) { judged(key, name, sprintf(f, n(key)), target, v[key], met) }
function size(b) { return b >= 1073741824 ? sprintf("%g GiB", b / 1073741824) : sprintf("%g MiB", b / 1048576) }
function js(x) { return (x ~ /^-?[0-9]+(\.[0-9]+)?$/) ? x : "\"" x "\"" }
{ k = $1; $1 = ""; sub(/^ /, ""); v[k] = $0; order[++nk] = k }
END {
    row("figure", "measured", "target", "")
    judged("sim_gbit", "1. sim throughput, " size(n("sim_bytes")) " bulk (payload)",
           sprintf("%.2f Gbit/s", n("sim_gbit")), ">= 5 Gbit/s", n("sim_gbit"), n("sim_gbit") >= 5)
    row("   CPU seconds for the transfer", sprintf("%.2f s", n("sim_cpu_seconds")), "", "")
    row("   the stack alone (socket API, no digests)", sprintf("%.2f Gbit/s", n("sim_stack_gbit")), "", "")
    if (n("sim_sha256_gbyte_per_core") > 0 && n("sim_bytes") > 0) {
        # The CPU-seconds per byte of the transfer times 5 Gbit/s: how many CPUs
        # the path as it is would keep busy at the target (more than the
        # machine has: no scheduling can reach it), and how many of them the
        # digests alone take.
        r = n("sim_sha256_gbyte_per_core") * 1e9; b = n("sim_bytes"); t = b * 8 / 5e9
        row("   SHA-256 on one core", sprintf("%.2f GB/s", r / 1e9), "", "")
        row("   CPUs the path needs at 5 Gbit/s", sprintf("%.2f (digests %.2f), %d here",
            n("sim_cpu_seconds") / t, 2 * b / r / t, n("machine_cpus")), "", "")
    }
    if (has("tap_skipped"))
        row("2. tap throughput", "skipped: " v["tap_skipped"], ">= 40% of pump", "")
    else {
        rr = n("tap_rounds") > 1 ? ", median of " n("tap_rounds") : ""
        row("2. tap, " size(n("tap_out_bytes")) ", decode and TCB off" rr, "", "", "")
        row("   lwIP 2.1.3 -> kernel (raw API, tapif)", sprintf("%.3f Gbit/s", n("lwip_out_gbit")), "", "")
        row("   tcplab -> kernel (payload)", sprintf("%.3f Gbit/s", n("tap_out_gbit")), "", "")
        judged("tap_lwip_ratio", "   tcplab / lwIP, stack -> kernel", sprintf("%.2fx", n("ratio_lwip")),
               ">= 1.2x", sprintf("%.4f", n("ratio_lwip")), n("ratio_lwip") >= 1.2)
        judged("tap_out_ratio", "   tcplab / raw pump, write", sprintf("%.1f %%", 100 * n("ratio_out_pump")),
               ">= 40 %", sprintf("%.4f", n("ratio_out_pump")), n("ratio_out_pump") >= 0.4)
        row("   kernel -> tcplab (payload)", sprintf("%.3f Gbit/s", n("tap_in_gbit")), "", "")
        judged("tap_in_ratio", "   tcplab / raw pump, read", sprintf("%.1f %%", 100 * n("ratio_in_pump")),
               ">= 40 %", sprintf("%.4f", n("ratio_in_pump")), n("ratio_in_pump") >= 0.4)
        row("   CPU seconds, tcplab out / in, lwIP", sprintf("%.2f / %.2f s, %.2f s", n("tap_out_tcplab_cpu_seconds"),
            n("tap_in_tcplab_cpu_seconds"), n("lwip_out_tcplab_cpu_seconds")), "", "")
        row("   raw TAP pump, write (payload-equiv.)", sprintf("%.2f Gbit/s, %.2f Mfps", n("pump_write_gbit"),
            n("pump_write_fps") / 1e6), "", "")
        row("   raw TAP pump, read (payload-equiv.)", sprintf("%.2f Gbit/s, %.2f Mfps", n("pump_read_gbit"),
            n("pump_read_fps") / 1e6), "", "")
        row("   kernel -> kernel, veth, MTU 1500", sprintf("%.2f Gbit/s", n("veth_gbit")), "", "")
        if (n("tap_offload")) {
            row("   tcplab --offload -> kernel", sprintf("%.3f Gbit/s", n("offload_out_gbit")), "", "")
            judged("offload_out_veth", "   --offload / veth, stack -> kernel", sprintf("%.2fx",
                   n("ratio_offload_out_veth")), ">= 0.5x", sprintf("%.4f", n("ratio_offload_out_veth")),
                   n("ratio_offload_out_veth") >= 0.5)
            row("   kernel -> tcplab --offload", sprintf("%.3f Gbit/s", n("offload_in_gbit")), "", "")
            judged("offload_in_veth", "   --offload / veth, kernel -> stack", sprintf("%.2fx",
                   n("ratio_offload_in_veth")), ">= 0.5x", sprintf("%.4f", n("ratio_offload_in_veth")),
                   n("ratio_offload_in_veth") >= 0.5)
            row("   tcplab CPU seconds --offload, out / in", sprintf("%.2f / %.2f s",
                n("offload_out_tcplab_cpu_seconds"), n("offload_in_tcplab_cpu_seconds")), "", "")
        } else
            row("   tcplab --offload", "not in this build", ">= 0.5x veth", "")
    }
    lat("grade_per_second", "3. grading (" n("grade_transcripts") " transcripts)", "%.0f /s", ">= 500 /s",
        n("grade_per_second") >= 500)
    lat("lat_median_ms", "4. command latency, median (in process)", "%.3f ms", "< 1 ms", n("lat_median_ms") < 1)
    lat("lat_p99_ms", "   99th percentile (in process)", "%.3f ms", "< 1 ms", n("lat_p99_ms") < 1)
    if (has("lat_program_median_ms")) {
        lat("lat_program_median_ms", "   median, through tcplab over pipes", "%.3f ms", "< 1 ms",
            n("lat_program_median_ms") < 1)
        lat("lat_program_p99_ms", "   99th percentile, through tcplab", "%.3f ms", "< 1 ms",
            n("lat_program_p99_ms") < 1)
    }
    judged("scale_opened", "5. connections open at once", n("scale_opened") " of " n("scale_wanted"),
           n("scale_wanted"), n("scale_opened"), n("scale_opened") >= n("scale_wanted"))
    if (v["scale_first_error"] != "none")
        row("   what stopped it", v["scale_first_error"], "", "")
    if (n("scale_bytes_per_connection") >= 0)
        lat("scale_bytes_per_connection", "   memory per idle connection (both ends)", "%d bytes",
            "< 4096 bytes", n("scale_bytes_per_connection") < 4096)
    else
        row("   memory per idle connection (both ends)", "not measurable here", "< 4096 bytes", "")
    row("   time to open them all", sprintf("%.3f s", n("scale_open_seconds")), "", "")
    row("   time to close them all", sprintf("%.3f s", n("scale_close_seconds")), "", "")
    row("   sockets left after closing", n("scale_left_after_close"), "0", "")
    split("1 5 10", lp, " ")
    for (i = 1; i <= 3; i++) {
        p = lp[i]
        row((i == 1 ? "6. " : "   ") "2 MiB under " p "% loss, median / worst (" n("loss" p "_seeds") " seeds)",
            sprintf("%.3f / %.3f s", n("loss" p "_median_seconds"), n("loss" p "_worst_seconds")),
            "", n("loss" p "_failed") ? n("loss" p "_failed") " FAILED" : "")
    }
    nr = split(v["loss_rates"], lr, " ")
    for (i = 1; i <= nr; i++) {
        p = lr[i]; t = n("loss_" p "_tcplab_median")
        pre = i == 1 ? "7. " : "   "
        row(pre "loss " p " %, " size(n("loss_bytes")) ": tcplab median", sprintf("%.4f s", t), "", "")
        judged("loss_" p "_stalls", "   tcplab runs that stalled", n("loss_" p "_tcplab_stalls"), "0",
               n("loss_" p "_tcplab_stalls"), n("loss_" p "_tcplab_stalls") == 0)
        judged("loss_" p "_max", "   tcplab longest run (virtual time)", sprintf("%.3f s", n("loss_" p "_tcplab_max")),
               "<= 3 s", v["loss_" p "_tcplab_max"], n("loss_" p "_tcplab_max") <= 3)
        if (has("loss_linux_skipped"))
            row("   Linux over a veth", "skipped: " v["loss_linux_skipped"], "", "")
        else {
            l = n("loss_" p "_linux_median")
            row("   Linux median (veth, nftables)", sprintf("%.4f s", l), "", "")
            judged("loss_" p "_ratio", "   tcplab / Linux", l > 0 ? sprintf("%.2fx", t / l) : "none",
                   "<= 2x", l > 0 ? sprintf("%.3f", t / l) : "null", l > 0 && t / l <= 2)
        }
    }
    printf "%d of %d targets met; %s CPUs, load average %s at the start, commit %s\n", nt - missed, nt,
        v["machine_cpus"], v["machine_load_average"], v["machine_commit"]

    # JSON: one object per prefix (sim, tap_out, pump_write, lat_program ...), then the verdicts
    ng = split("machine sim tap_out tap_in lwip_out offload_out offload_in ratio pump_write pump_read veth tap grade lat_program lat scale loss1 loss5 loss10 loss", g, " ")
    printf "{\n" >json
    for (i = 1; i <= ng; i++) {
        body = ""
        for (j = 1; j <= nk; j++) {
            k = order[j]
            if (index(k, g[i] "_") != 1 || done[k])
                continue
            done[k] = 1
            body = body (body == "" ? "" : ", ") "\"" substr(k, length(g[i]) + 2) "\": " js(v[k])
        }
        if (body != "")
            printf "  \"%s\": {%s},\n", g[i], body >json
    }
    printf "  \"targets\": {" >json
    for (i = 1; i <= nt; i++)
        printf "%s\n    \"%s\": {\"measured\": %s, \"target\": \"%s\", \"met\": %s}", (i > 1 ? "," : ""),
            tk[i], js(tx[tk[i]]), tt[tk[i]], tm[tk[i]] >json
    printf "\n  }\n}\n" >json
}' "$kv" | sed 's/ *$//'
echo "figures written to $JSON"
exit $failed
