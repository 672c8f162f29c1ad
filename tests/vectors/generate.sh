#!/bin/sh
# Rebuild the decoder's vectors: the captures (NAME.pcap) and what tcpdump
# 4.99.3 prints for each under every flag set of flagsets.txt
# (NAME.TAG.txt).  tcpdump is the oracle: no expected text is written by
# hand.
#
#   sh tests/vectors/generate.sh [OUTDIR]      (OUTDIR defaults to this folder)
#
# 1. craft.py writes the crafted frames (MPTCP options, IPv6 extension
#    headers, ICMPv6, malformed and truncated frames);
# 2. as root, live.sh captures real traffic of the Linux kernel in network
#    namespaces it creates and deletes (link-up IPv6, TCP and UDP over
#    IPv6, ICMPv6 echo and errors); without root, or with VECTORS_LIVE=no,
#    the live captures already there are kept;
# 3. every NAME.pcap is decoded with `TZ=UTC tcpdump FLAGS -r`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
mkdir -p "$out"
command -v tcpdump >/dev/null || { echo "generate.sh: tcpdump is needed (apt-get install tcpdump)" >&2; exit 2; }
case $(tcpdump --version 2>&1 | head -n 1) in
    "tcpdump version 4.99.3") ;;
    *) echo "generate.sh: tcpdump 4.99.3 is the oracle; this is $(tcpdump --version 2>&1 | head -n 1)" >&2
       exit 2 ;;
esac
python3 "$here/craft.py" "$out"
if [ "${VECTORS_LIVE:-yes}" = no ]; then
    echo "generate.sh: VECTORS_LIVE=no, the live captures are left as they are" >&2
elif [ "$(id -u)" -eq 0 ]; then
    sh "$here/live.sh" "$out"
else
    echo "generate.sh: not root, the live captures are left as they are" >&2
fi
[ "$out" = "$here" ] || cp "$here/flagsets.txt" "$out/"
for pcap in "$out"/*.pcap; do
    base=${pcap%.pcap}
    while IFS=: read -r tag flags; do
        # shellcheck disable=SC2086
        TZ=UTC tcpdump $flags -r "$pcap" >"$base.$tag.txt" 2>/dev/null
    done <"$here/flagsets.txt"
done
tcpdump --version >"$out/tcpdump-version.txt" 2>&1
echo "generate.sh: $(ls "$out"/*.pcap | wc -l) captures decoded into $out"
