#include "impl/core/atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* see atomic_file.h */
FILE *ippm_atomic_open(struct ippm_atomic_file *a, const char *path)
{
    size_t n = strlen(path);
    memset(a, 0, sizeof(*a));
    a->tmp = malloc(n + 16);
    if (!a->tmp)
        return NULL;
    memcpy(a->tmp, path, n);
    memcpy(a->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(a->tmp);
    if (fd >= 0)
        a->f = fdopen(fd, "w");
    if (!a->f) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(a->tmp);
        }
        free(a->tmp);
        a->tmp = NULL;
        errno = e;
        return NULL;
    }
    a->path = path;
    return a->f;
}

/* see atomic_file.h */
int ippm_atomic_commit(struct ippm_atomic_file *a, bool ok)
{
    FILE *f = a->f;
    int rc = ok ? 0 : -1;
    if (fflush(f) != 0 || ferror(f))
        rc = -1;
    if (rc == 0 && fsync(fileno(f)) != 0)
        rc = -1;
    int e = errno;
    if (fclose(f) != 0)
        rc = -1;
    a->f = NULL;
    /* mkstemp makes 0600; results are meant to be shared like any file. */
    if (rc == 0 && chmod(a->tmp, 0644) != 0)
        rc = -1;
    if (rc == 0 && rename(a->tmp, a->path) != 0)
        rc = -1;
    if (rc != 0) {
        e = errno ? errno : EIO;
        unlink(a->tmp);
    }
    free(a->tmp);
    a->tmp = NULL;
    errno = e;
    return rc;
}

/* see atomic_file.h */
void ippm_atomic_discard(struct ippm_atomic_file *a)
{
    if (a->f)
        fclose(a->f);
    a->f = NULL;
    if (a->tmp) {
        unlink(a->tmp);
        free(a->tmp);
    }
    a->tmp = NULL;
}

/* see atomic_file.h */
int ippm_atomic_probe(const char *path)
{
    struct stat st;
    /* rename() over a directory fails only at the end of the run. */
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    struct ippm_atomic_file a;
    if (!ippm_atomic_open(&a, path))
        return -1;
    ippm_atomic_discard(&a);
    return 0;
}

/* see atomic_file.h */
int ippm_atomic_write(const char *path, int (*fill)(FILE *f, void *arg),
                      void *arg)
{
    struct ippm_atomic_file a;
    FILE *f = ippm_atomic_open(&a, path);
    if (!f)
        return -1;
    return ippm_atomic_commit(&a, fill(f, arg) == 0);
}
