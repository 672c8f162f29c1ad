#!/bin/sh
# The interactive shell in a real terminal (tmux): the prompt, typing, tab
# completion of commands, names and hosts, a pending accept cancelled by
# Ctrl-C, and the history file written at exit; the terminal ladder, the
# progress line, a slow reader ended by Ctrl-C.
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

# The terminal ladder (draw ladder) and state diagram (draw states) at 80
# columns: Unicode box drawing in a UTF-8 locale (and colour: this terminal
# is not told --no-color), ASCII in the C locale; every row within the
# width, the lifelines at columns 3 and 78, the state diagram's path drawn
# with its arrows numbered.
ladder() {      # NAME LOCALE [--no-color]
    # a tmux server of its own: the last one may still be on its way out
    # when a new session asks it for a terminal
    tmux -L "$sock" kill-server 2>/dev/null
    sock="tcplab-test-$$-$1"
    tmux -L "$sock" -u new-session -d -s t -x 80 -y 60 \
        "env HOME=$dir TERM=xterm LC_ALL=$2 LANG=$2 ASAN_OPTIONS=detect_leaks=0 $T ${3:-}; echo EXITED \$?; sleep 30"
    wait_for '^romeo>' || fail "$1: no prompt"
    keys 'juliet: l = socket' Enter 'juliet: bind l * 4000' Enter 'juliet: listen l' Enter
    keys 's = socket' Enter 'connect s juliet 4000' Enter
    wait_for 'ESTABLISHED' || fail "$1: no connection"
    keys C-l
    sleep 0.3
    tmux -L "$sock" clear-history -t t
    keys 'draw ladder' Enter
    wait_for 'SYN_SENT' || fail "$1: no ladder"
    wait_for '^romeo> *$' || fail "$1: no prompt after the ladder"
    screen >"$dir/$1.txt"
    keys C-l 'draw states s' Enter
    wait_for 'SYN_SENT .* ESTABLISHED (rcv SYN,ACK)' || fail "$1: no state path"
    screen >"$dir/$1-states.txt"
    tmux -L "$sock" capture-pane -e -p -t t >"$dir/$1-states.esc"
}
ladder utf8 C.UTF-8
grep -q '├.*Flags \[S\].*▶│' "$dir/utf8.txt" || fail "utf8: no box-drawn SYN arrow"
grep -q '│◀.*Flags \[S\.\].*┤' "$dir/utf8.txt" || fail "utf8: no box-drawn SYN,ACK arrow"
grep 'Flags' "$dir/utf8.txt" | grep -qv '[│┤]$' && fail "utf8: a row does not end on juliet's lifeline (wrapped?)"
st="$dir/utf8-states.txt"
grep -q '║ ESTABLISHED  ║' "$st" || fail "utf8: current state not framed"
grep -q '[│┤]   SYN_SENT   │' "$st" || fail "utf8: visited state not boxed"
grep -q '╎  close_wait  ╎' "$st" || fail "utf8: a state not visited is not dashed"
# the path: CLOSED -> SYN_SENT (1) leaves CLOSED's right side, SYN_SENT ->
# ESTABLISHED (2) ends in a heavy arrow on ESTABLISHED's right side
grep -q 'CLOSED    ├━*1━*┓' "$st" || fail "utf8: step 1 not drawn from CLOSED"
grep -q 'ESTABLISHED  ║◀━*2━*┛' "$st" || fail "utf8: step 2 not drawn into ESTABLISHED"
[ "$(LC_ALL=C.UTF-8 wc -L <"$st")" -le 80 ] || fail "utf8: states wider than 80"
# colour on this terminal: the path in socket a's colour (bold green)
grep -q "$(printf '\033')\\[[0-9;]*32m" "$dir/utf8-states.esc" || fail "utf8: the path is not coloured"
ladder ascii C --no-color
st="$dir/ascii-states.txt"
grep -q '# ESTABLISHED  #' "$st" || fail "ascii: current state not framed"
grep -q '[|+]   SYN_SENT   |' "$st" || fail "ascii: visited state not boxed"
grep -q 'CLOSED    +=*1=*#' "$st" || fail "ascii: step 1 not drawn from CLOSED"
grep -q 'ESTABLISHED  #<=*2=*#' "$st" || fail "ascii: step 2 not drawn into ESTABLISHED"
LC_ALL=C grep -q '[^ -~]' "$st" && fail "ascii: bytes beyond ASCII in the state diagram"
grep -q "$(printf '\033')" "$dir/ascii-states.esc" && fail "ascii: colour despite --no-color"
grep -q '^  +.*Flags \[S\].*>|$' "$dir/ascii.txt" || fail "ascii: no ASCII SYN arrow"
grep -q '^  |<.*Flags \[S\.\].*+$' "$dir/ascii.txt" || fail "ascii: no ASCII SYN,ACK arrow"
LC_ALL=C grep -q '[^ -~]' "$dir/ascii.txt" && fail "ascii: bytes beyond ASCII"
awk '/Flags/ { if (length($0) != 78) bad = 1 } END { exit bad }' "$dir/ascii.txt" ||
    fail "ascii: arrows do not end at column 78"

# The progress line of a long send: shown in place while it runs (bytes,
# percent, rate, virtual time), gone when it is done.
keys C-l 'juliet: c = accept l' Enter 'juliet: recv c --all' Enter
wait_for 'recv --all reads until' || fail "progress: recv --all did not wait"
# 4 GiB: long enough to be seen on a fast, idle machine (the line shows
# after half a second), then Ctrl-C ends it (a finished send erases the
# line the same way: progress_end).
keys 'send s --bytes 4G' Enter
wait_for 'romeo: send: .*(.*%), .*/s, virtual time' || fail "progress: no progress line"
keys C-c
wait_for 'send s --bytes 4G interrupted' || fail "progress: Ctrl-C did not end the send"
sleep 0.3
screen | grep -q 'romeo: send: .*%' && fail "progress: the line was not erased"

# A slow reader in the foreground (recv --all N --every D) behind a
# background sender: time runs while it reads, Ctrl-C ends it (the send
# started with & goes on).
keys C-l 'juliet: c2 = accept l' Enter 's2 = socket' Enter 'connect s2 juliet 4000' Enter
wait_for 'c2 = fd' || fail "slow reader: no second connection"
keys 'send s2 --bytes 1G &' Enter
wait_for '\[1\] romeo: send s2 --bytes 1G &' || fail "slow reader: the send did not start"
keys 'juliet: recv c2 --all 4096 --every 100ms' Enter
sleep 1
keys C-c
wait_for 'juliet: recv c2 --all 4096 --every 100ms interrupted' ||
    fail "slow reader: Ctrl-C did not end the reader"
keys C-l 'jobs' Enter
wait_for '\[1\] romeo  Running  send s2 --bytes 1G &' || fail "slow reader: the & send did not go on"
keys 'quit' Enter
echo "interactive: all passed"
