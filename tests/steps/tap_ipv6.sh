#!/bin/sh
# Tap mode with IPv6 switched on on the TAP, in a network namespace of its
# own (unshare -n): the kernel's own link-up IPv6 frames (MLDv2 reports,
# duplicate address detection, router solicitations) are decoded by tcplab
# exactly as tcpdump, capturing on the TAP at the same time, decodes them;
# filter ip6 and filter icmp6 select them.  Exit 77 (SKIP) when not root,
# without /dev/net/tun or without tcpdump.
name=tap_ipv6
[ "$(id -u)" -eq 0 ] || { echo "SKIP $name: needs root (network namespace, TAP)"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP $name: no /dev/net/tun"; exit 77; }
command -v tcpdump >/dev/null 2>&1 || { echo "SKIP $name: no tcpdump (apt-get install tcpdump)"; exit 77; }
. tests/steps/tap_common.inc
tap_scenarios ipv6
