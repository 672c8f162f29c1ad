/* `tcplab replay TRANSCRIPT...`: is each transcript genuine?  A sim-mode
 * transcript is re-run and compared byte for byte, a tap-mode one checked
 * for consistency (shell/transcript.c does both).  Exit 1 if any is not. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "shell/transcript.h"

int cmd_replay(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tcplab replay TRANSCRIPT...\n");
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= transcript_replay(argv[i], stdout, false);
    return rc;
}
