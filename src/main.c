/* tcplab: command-line entry point.  Dispatches the sub-commands of the
 * contract (read, replay, grade) and otherwise starts the shell. */
#include <stdio.h>
#include <string.h>

#include "decode/decode.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "read") == 0)
        return read_main(argc - 1, argv + 1);
    fprintf(stderr, "tcplab: the shell is not built yet\n");
    return 2;
}
