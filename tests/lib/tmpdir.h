/* A private temporary folder for the test process (or fuzz target), made
 * on first use and removed with everything in it at exit: for code that
 * reads paths (lab files, transcripts) and may write files (captures). */
#ifndef TCPLAB_TMPDIR_H
#define TCPLAB_TMPDIR_H

#include <stddef.h>

/* The folder's path (aborts if it cannot be made). */
const char *tmpdir_path(void);
/* Writes size bytes to the file NAME in the folder, replacing it; its
 * path (valid until the next call), or NULL if it could not be written. */
const char *tmpdir_write(const char *name, const void *data, size_t size);

#endif
