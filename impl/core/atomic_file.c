#include "atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* see atomic_file.h */
int ippm_atomic_write(const char *path, int (*fill)(FILE *f, void *arg),
                      void *arg)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return -1;
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    int rc = fill(f, arg);
    if (fflush(f) != 0 || ferror(f))
        rc = -1;
    if (rc == 0 && fsync(fileno(f)) != 0)
        rc = -1;
    int e = errno;
    if (fclose(f) != 0)
        rc = -1;
    /* mkstemp makes 0600; results are meant to be shared like any file. */
    if (rc == 0 && chmod(tmp, 0644) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0) {
        e = errno ? errno : EIO;
        unlink(tmp);
    }
    free(tmp);
    errno = e;
    return rc;
}
