#!/bin/sh
# The interactive shell in a real terminal (tmux): the prompt, typing, tab
# completion of commands, names and hosts, a pending accept cancelled by
# Ctrl-C, and the history file written at exit.
set -u
T=$(pwd)/build/san/tcplab
command -v tmux >/dev/null 2>&1 || { echo "SKIP interactive: no tmux"; exit 77; }
dir=$(mktemp -d)
sock="tcplab-test-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL interactive: $*"; echo "--- screen:"; screen; exit 1; }
screen() { tmux -L "$sock" capture-pane -p -t t; }
keys() { tmux -L "$sock" send-keys -t t "$@"; }
# wait until the screen shows a pattern (up to 10 s)
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        screen | grep -q -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

tmux -L "$sock" new-session -d -s t -x 160 -y 50 \
    "env HOME=$dir TERM=xterm ASAN_OPTIONS=detect_leaks=0 $T --no-color; echo EXITED \$?; sleep 30"
wait_for '^romeo>' || fail "no prompt"

# completion of a command: "lis<Tab>" -> "listen"
keys 'juliet: lis' Tab
wait_for 'juliet: listen' || fail "command completion"
keys C-u
keys 'juliet: s = sock' Tab
wait_for 'juliet: s = socket' || fail "completion after NAME ="
keys Enter
wait_for 's = TCP socket, fd 3' || fail "socket call"
# completion of a name on that host and of a host
keys 'juliet: bind ' Tab
wait_for 'juliet: bind s' || fail "name completion"
keys ' * 4000' Enter
keys 'use jul' Tab
wait_for 'use juliet' || fail "host completion"
keys Enter
wait_for '^juliet>' || fail "use did not change the prompt"
keys 'listen s' Enter
wait_for 'CLOSED -> LISTEN' || fail "listen"
keys 'c = accept s' Enter
wait_for 'accept waits for a connection' || fail "accept did not wait"
keys C-c
wait_for 'KeyboardInterrupt' || fail "Ctrl-C did not interrupt the pending accept"
keys 'help listen' Enter
wait_for 'usage: listen SOCK' || fail "help CMD"
keys 'quit()' Enter
wait_for 'EXITED 0' || fail "quit"
grep -q 'listen s' "$dir/.tcplab_history" || fail "history not saved"
echo "interactive: all passed"
