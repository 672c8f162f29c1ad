#!/bin/sh
# The layering of src/: each folder may include its own headers and those
# of the layers below it, never one above.  The order, lowest first:
#
#   util    SHA-256, digests, byte rings, the seeded generator
#   wire    stateless wire formats
#   decode  the tcpdump-identical decoder (a printer of bytes)
#   stack   the hosts, sans-IO
#   link    the worlds: simulated wire, TAP, the kernel as a host
#   views   read-only renderers of what the hosts hold
#   draw    the pictures: session log, SVG, PNG/PDF, the HTML notebook
#   lab     lab files, the checkpoint matcher, the tap-transcript checker
#   pdrill  packetdrill scripts: parser, runner, packets (inject uses them)
#   shell   the command table, the loop, transcripts
#   cmd     the programs: one file per subcommand of tcplab
#   main.c  dispatches to cmd (anything may be included from there)
#
# Fails, naming the file, the line and the include, on any include of a
# higher layer or of a folder that is not in the list (a new folder is
# placed in the list below).  Run from the repository root by tests/run.sh.
set -u
layers="util wire decode stack link views draw lab pdrill shell cmd"
[ -d src ] || { echo "layers: run from the repository root" >&2; exit 1; }

rank() {    # rank NAME: the position of a layer in $layers, or nothing
    r=0
    for l in $layers; do
        r=$((r + 1))
        [ "$l" = "$1" ] && { echo "$r"; return; }
    done
}

fails=0
checked=0
for dir in src/*/; do
    layer=$(basename "$dir")
    ls "$dir"*.c "$dir"*.h >/dev/null 2>&1 || continue
    own=$(rank "$layer")
    if [ -z "$own" ]; then
        echo "FAIL layers: src/$layer is not a known layer: place it in \$layers of tests/steps/layers.sh"
        fails=$((fails + 1))
        continue
    fi
    # every '#include "DIR/..."' of the folder: FILE:LINE:DIR/HEADER
    for hit in $(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]*/' "$dir"*.c "$dir"*.h 2>/dev/null |
                 sed 's/^\([^:]*:[0-9]*\):.*"\([^"]*\)".*/\1:\2/'); do
        checked=$((checked + 1))
        inc=${hit#*:*:}
        where=${hit%:"$inc"}
        to=${inc%%/*}
        theirs=$(rank "$to")
        if [ -z "$theirs" ]; then
            echo "FAIL layers: $where includes \"$inc\": src/$to is not a known layer"
            fails=$((fails + 1))
        elif [ "$theirs" -gt "$own" ]; then
            echo "FAIL layers: $where includes \"$inc\": $layer may not include $to, a higher layer"
            fails=$((fails + 1))
        fi
    done
done
if [ "$checked" -eq 0 ]; then
    echo "FAIL layers: no #include lines found under src/" >&2
    exit 1
fi
[ "$fails" -eq 0 ] || { echo "layers: $fails upward includes (order: $layers)" >&2; exit 1; }
echo "layers: $checked includes, none upward (order: $layers)"
