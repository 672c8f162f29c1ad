#!/bin/sh
# Tap mode at a real terminal (tmux): a frame that arrives while a line is
# being typed is decoded above the prompt and the line is kept; the line
# then runs as typed.  Everything (tmux, tcplab, the python3 that plays
# the kernel host) runs in a network namespace of its own, gone at the end.
set -u
. tests/steps/tap_common.inc
tap_require tap_interactive
bin=$(pwd)/$bin
command -v tmux >/dev/null 2>&1 || { echo "SKIP $name: no tmux"; exit 77; }
tap_python
tap_tmpdir

cat >"$dir/inner.sh" <<INNER
set -u
sock=tcplab-tap-\$\$
screen() { tmux -L "\$sock" capture-pane -p -t t; }
keys() { tmux -L "\$sock" send-keys -t t "\$@"; }
wait_for() {
    i=0
    while [ \$i -lt 100 ]; do
        screen | grep -q -- "\$1" && return 0
        sleep 0.1
        i=\$((i + 1))
    done
    return 1
}
fail() { echo "FAIL $name: \$*"; echo "--- screen:"; screen; tmux -L "\$sock" kill-server; exit 1; }
tmux -L "\$sock" new-session -d -s t -x 160 -y 50 \\
    "trap : INT; env HOME=$dir TERM=xterm ASAN_OPTIONS=detect_leaks=0 $bin --tap --no-color; echo EXITED \\\$?; sleep 30"
wait_for '^romeo>' || fail "no prompt"
wait_for 'tap mode: romeo (10.10.1.100) is tcplab' || fail "no tap-mode banner"
keys 'sock = sock'
wait_for '^romeo> sock = sock' || fail "typing"
$py -c "
import socket
s = socket.socket()
s.settimeout(5)
try:
    s.connect(('10.10.1.100', 4000))
except ConnectionRefusedError:
    pass
"
wait_for 'juliet > romeo  IP 10.10.2.100.[0-9]* > 10.10.1.100.4000: Flags \[S\]' || fail "the kernel's SYN was not decoded above the prompt"
wait_for 'romeo > juliet  IP 10.10.1.100.4000 > 10.10.2.100.[0-9]*: Flags \[R.\]' || fail "romeo's RST was not decoded"
screen | tail -n +2 | grep -v '^\$' | tail -n 1 | grep -q '^romeo> sock = sock\$' || fail "the typed line was not kept below the frames"
keys 'et' Enter
wait_for 'sock = TCP socket, fd 3' || fail "the kept line did not run as typed"
# a long sleep in real time shows its progress line, erased at the end;
# the ladder has the kernel host's states as well as the stack's
keys 'juliet: l = socket' Enter 'juliet: bind l 10.10.2.100 4000' Enter 'juliet: listen l' Enter
keys 'connect sock 10.10.2.100 4000' Enter
wait_for 'SYN_SENT (connect) -> ESTABLISHED' || fail "connect to the kernel"
keys C-l 'sleep 3s' Enter
wait_for '^sleep: [0-9] s ([ 0-9]*%)' || fail "no progress line during sleep 3s"
sleep 3
screen | grep -q '^sleep: ' && fail "the progress line was not erased"
keys C-l 'draw ladder' Enter
wait_for 'sock: ESTABLISHED' || fail "draw ladder: no stack state"
wait_for 'l: LISTEN' || fail "draw ladder: no kernel state"
keys 'quit' Enter
wait_for 'EXITED 0' || fail "quit"
tmux -L "\$sock" kill-server
echo "$name: all passed"
INNER
timeout 60 unshare -n sh "$dir/inner.sh"
