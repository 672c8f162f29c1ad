/* Output captured into a string: the views, the decoder and the shell
 * write to a FILE *, and the tests read the text. */
#ifndef TCPLAB_CAPTURE_H
#define TCPLAB_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

struct capture {
    char *text;                 /* valid after a fflush(f) or capture_close */
    size_t len;
    FILE *f;
};

/* A memory stream to write to (asserts it could be made). */
FILE *capture_open(struct capture *c);
/* Closes the stream; the text, which the caller frees. */
char *capture_close(struct capture *c);

#endif
