#!/bin/sh
# The decoder against tcpdump's text for every capture of a vector folder:
#
#   sh tests/vectors/compare.sh DECODER [DIR]
#
# For each DIR/NAME.pcap (DIR defaults to this folder) and each TAG:FLAGS
# line of DIR/flagsets.txt, `TZ=UTC DECODER FLAGS NAME.pcap` must print
# exactly DIR/NAME.TAG.txt.  DECODER "tcpdump" runs `tcpdump FLAGS -r`
# instead (a self-check of the folder).  One line per mismatch, then
# "N passed, N failed"; exit 1 if anything failed or nothing was compared.
set -u
[ $# -ge 1 ] || { echo "usage: $0 DECODER [DIR]" >&2; exit 2; }
dec=$1
dir=${2:-$(dirname "$0")}
[ -r "$dir/flagsets.txt" ] || { echo "compare.sh: no $dir/flagsets.txt" >&2; exit 2; }
got=$(mktemp) || exit 2
trap 'rm -f "$got"' EXIT
pass=0
fail=0
for pcap in "$dir"/*.pcap; do
    [ -f "$pcap" ] || continue
    base=${pcap%.pcap}
    while IFS=: read -r tag flags; do
        [ -f "$base.$tag.txt" ] || continue
        # shellcheck disable=SC2086
        case $dec in
            tcpdump) TZ=UTC tcpdump $flags -r "$pcap" >"$got" 2>/dev/null ;;
            *) TZ=UTC $dec $flags "$pcap" >"$got" 2>/dev/null ;;
        esac
        if cmp -s "$got" "$base.$tag.txt"; then
            pass=$((pass + 1))
            continue
        fi
        fail=$((fail + 1))
        n=$(diff "$base.$tag.txt" "$got" | sed -n '1s/^\([0-9]*\).*/\1/p')
        echo "FAIL $(basename "$base").$tag ($flags) at line ${n:-?}:"
        echo "  want: $(sed -n "${n:-1}p" "$base.$tag.txt")"
        echo "  got:  $(sed -n "${n:-1}p" "$got")"
    done <"$dir/flagsets.txt"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
