/* Result files are written whole or not at all: into a temporary file in
 * the same directory, flushed and synced, then renamed over the target.
 * Every file ippm writes whole goes through here; only output that must
 * be readable while the run goes on (stdout) streams in place. */
#ifndef IPPM_ATOMIC_FILE_H
#define IPPM_ATOMIC_FILE_H

#include <stdbool.h>
#include <stdio.h>

/* A result file being written: f is the temporary, path the target. */
struct ippm_atomic_file {
    FILE *f;
    char *tmp;
    const char *path; /* the caller's; must outlive the commit */
};

/* Opens a temporary file beside path (mode 0600 until committed) and
 * returns its stream, also in a->f, for a writer that streams over a
 * whole run. Returns NULL with errno set; a is then left closed. */
FILE *ippm_atomic_open(struct ippm_atomic_file *a, const char *path);

/* When ok and every write succeeded: flushes, syncs, makes the file 0644
 * and renames it over the target, and returns 0. Otherwise removes the
 * temporary, leaves the target untouched and returns -1 with errno set
 * (the failed call's, else what the writer left, else EIO). Either way a
 * is closed. */
int ippm_atomic_commit(struct ippm_atomic_file *a, bool ok);

/* Closes and removes the temporary: the target stays as it was. Safe on
 * a closed or zeroed a. */
void ippm_atomic_discard(struct ippm_atomic_file *a);

/* Checks, before a run, that path can be written later: it is not a
 * directory and a temporary beside it can be made (it is removed at
 * once). Returns 0, or -1 with errno set (EISDIR for a directory). */
int ippm_atomic_probe(const char *path);

/* Calls fill(f, arg) on a temporary file and renames it to path when fill
 * returns 0 and every write succeeded. Returns 0, or -1 with errno set
 * (the target is then untouched and the temporary removed). */
int ippm_atomic_write(const char *path, int (*fill)(FILE *f, void *arg),
                      void *arg);

#endif
