/* Result files are written whole or not at all: into a temporary file in
 * the same directory, flushed and synced, then renamed over the target. */
#ifndef IPPM_ATOMIC_FILE_H
#define IPPM_ATOMIC_FILE_H

#include <stdio.h>

/* Calls fill(f, arg) on a temporary file and renames it to path when fill
 * returns 0 and every write succeeded. Returns 0, or -1 with errno set
 * (the target is then untouched and the temporary removed). */
int ippm_atomic_write(const char *path, int (*fill)(FILE *f, void *arg),
                      void *arg);

#endif
