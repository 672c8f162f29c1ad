#!/bin/sh
# Install the Debian packages tcplab needs to build and test, if missing.
# Run by `make check` and `make run`.  Says what it installs; when it cannot
# (no apt-get, no root and no sudo) it prints the exact command and fails.
set -u
PKGS="gcc make pkg-config libreadline-dev libpcap-dev check tmux mandoc clang libclang-rt-14-dev python3 iproute2 tcpdump librsvg2-dev libcairo2-dev fonts-dejavu-core libxml2-utils poppler-utils nftables ethtool liblwip-dev"
# Wanted but not required: tests that need them SKIP (exit 77) without them.
OPT_PKGS="chromium"
missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    case "$st" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
done
optional=""
for p in $OPT_PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    case "$st" in *"ok installed"*) ;; *) optional="$optional $p" ;; esac
done
# The optional ones: one try, quietly; a failure only means their tests SKIP.
if [ -n "$optional" ] && command -v apt-get >/dev/null 2>&1 &&
   { [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; }; then
    s=""; [ "$(id -u)" -eq 0 ] || s="sudo"
    echo "tcplab: installing optional Debian packages:$optional"
    $s env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$optional >/dev/null 2>&1 ||
        echo "tcplab: could not install$optional; the tests that need them will SKIP" >&2
fi
[ -z "$missing" ] && exit 0
cmd="apt-get update && apt-get install -y$missing"
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    echo "tcplab: missing packages:$missing; this is not a Debian system, install them with your package manager" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    echo "tcplab: missing packages:$missing" >&2
    echo "tcplab: run: sudo sh -c '$cmd'" >&2
    exit 1
fi
echo "tcplab: installing missing Debian packages:$missing"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing >/dev/null || {
    echo "tcplab: installing failed; run: sudo sh -c '$cmd'" >&2
    exit 1
}
