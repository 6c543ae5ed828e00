#include "keyfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static bool readable_by_others(FILE *f)
{
    struct stat st;
    return fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH));
}

/* Drops the fixture line from the front of buf (n octets). Returns true
 * when buf started with it. */
static bool strip_fixture_line(uint8_t *buf, size_t *n)
{
    static const char line[] = IPPM_KEY_FIXTURE_LINE;
    size_t ll = sizeof line - 1, at = ll;
    if (*n < ll || memcmp(buf, line, ll) != 0)
        return false;
    if (at < *n && buf[at] == '\r')
        at++;
    if (at >= *n || buf[at] != '\n')
        return false;
    at++;
    memmove(buf, buf + at, *n - at);
    *n -= at;
    return true;
}

/* see keyfile.h */
int ippm_keyfile_read(const char *opt, const char *path,
                      uint8_t key[IPPM_KEY_MAX], size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ippm_cli_error("%s: cannot read '%s': %s", opt, path, strerror(errno));
        return -1;
    }
    bool shared = readable_by_others(f);
    /* One octet more than the limit tells "too long" from "exactly full";
     * two more leave room for a CRLF after a full-length key, and the
     * fixture line may come first. */
    uint8_t buf[sizeof IPPM_KEY_FIXTURE_LINE + 1 + IPPM_KEY_MAX + 3];
    size_t n = fread(buf, 1, sizeof(buf), f);
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (err) {
        ippm_cli_error("%s: cannot read '%s': %s", opt, path, strerror(err));
        return -1;
    }
    /* A key others can read is no secret; say so, but still run, as ssh
     * does not: lab keys are often world-readable on purpose. A fixture
     * is no secret by design, and says so. */
    if (!strip_fixture_line(buf, &n) && shared)
        fprintf(stderr,
                "ippm: warning: key file '%s' is readable by group or "
                "others (chmod 600 it)\n",
                path);
    if (n > 0 && buf[n - 1] == '\n')
        n--;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    if (n == 0 || n > IPPM_KEY_MAX) {
        explicit_bzero(buf, sizeof(buf));
        if (n == 0)
            ippm_cli_error("%s: '%s' is empty", opt, path);
        else
            ippm_cli_error("%s: '%s' holds more than %d octets", opt, path,
                           IPPM_KEY_MAX);
        return -1;
    }
    memcpy(key, buf, n);
    *len = n;
    explicit_bzero(buf, sizeof(buf));
    return 0;
}

static const char *env_key(void)
{
    const char *k = getenv(IPPM_AUTH_KEY_ENV);
    return k && *k ? k : NULL;
}

/* see keyfile.h */
bool ippm_key_given(const char *path)
{
    return path || env_key();
}

/* see keyfile.h */
int ippm_key_load(const char *opt, const char *path, uint8_t key[IPPM_KEY_MAX],
                  size_t *len)
{
    const char *k = env_key();
    *len = 0;
    if (path && k) {
        ippm_cli_error("%s and %s both give a key; use one", opt,
                       IPPM_AUTH_KEY_ENV);
        return -1;
    }
    if (path)
        return ippm_keyfile_read(opt, path, key, len) == 0 ? 1 : -1;
    if (!k)
        return 0;
    size_t n = strlen(k);
    if (n > IPPM_KEY_MAX) {
        ippm_cli_error("%s holds more than %d octets", IPPM_AUTH_KEY_ENV,
                       IPPM_KEY_MAX);
        return -1;
    }
    memcpy(key, k, n);
    *len = n;
    return 1;
}
