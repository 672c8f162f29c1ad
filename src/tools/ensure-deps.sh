#!/bin/sh
# Install the Debian packages tcplab needs to build and test, if missing.
# Run by `make check` and `make run`.  Says what it installs; when it cannot
# (no apt-get, no root and no sudo) it prints the exact command and fails.
set -u
PKGS="gcc make pkg-config libreadline-dev libpcap-dev check tmux mandoc clang libclang-rt-14-dev python3 iproute2 tcpdump"
missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    case "$st" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
done
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
