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

/* ---- keys files ---- */

/* n hex digits at s into out (cap octets). Returns the octets, or -1 when
 * n is odd, a digit is not hex, or it does not fit. */
static long hex_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = ippm_cli_hex_digit(s[i]), lo = ippm_cli_hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The span of the next word of line [*at, end): skips blanks first. */
static size_t next_word(const char *line, size_t end, size_t *at)
{
    while (*at < end && is_blank(line[*at]))
        (*at)++;
    size_t start = *at;
    while (*at < end && !is_blank(line[*at]))
        (*at)++;
    return *at - start;
}

/* One non-comment line [0, end) into e. Returns 0, or -1 with what is
 * wrong in why. */
static int parse_key_line(const char *line, size_t end,
                          struct ippm_keys_entry *e, const char **why)
{
    size_t at = 0;
    size_t id_len = next_word(line, end, &at);
    const char *id = line + at - id_len;
    size_t hex_len = next_word(line, end, &at);
    const char *hex = line + at - hex_len;
    size_t rest = next_word(line, end, &at);
    if (hex_len == 0 || rest != 0) {
        *why = "not 'KEYID HEX-SECRET'";
        return -1;
    }
    if (id_len > IPPM_KEYID_MAX) {
        *why = "a KeyID longer than 80 octets";
        return -1;
    }
    long n = hex_decode(hex, hex_len, e->secret, sizeof(e->secret));
    if (n <= 0) {
        *why = "a secret that is not 1-1024 octets of hex";
        return -1;
    }
    memcpy(e->id, id, id_len);
    e->id[id_len] = '\0';
    e->id_len = id_len;
    e->len = (size_t)n;
    return 0;
}

static bool is_comment_or_blank(const char *line, size_t end)
{
    size_t at = 0;
    while (at < end && is_blank(line[at]))
        at++;
    return at == end || line[at] == '#';
}

/* Parses every line of buf (n octets, NUL after them) into k. Returns
 * 0, or -1 after one line. */
static int parse_keys(const char *opt, const char *path, const char *buf,
                      size_t n, struct ippm_keys *k)
{
    size_t lineno = 0, cap = 0;
    for (size_t at = 0; at < n;) {
        const char *line = buf + at;
        const char *nl = memchr(line, '\n', n - at);
        size_t end = nl ? (size_t)(nl - line) : n - at;
        at += end + 1;
        lineno++;
        if (is_comment_or_blank(line, end))
            continue;
        if (k->n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct ippm_keys_entry *ne = calloc(ncap, sizeof(*ne));
            if (!ne) {
                ippm_cli_error("%s: '%s': out of memory", opt, path);
                return -1;
            }
            if (k->n)
                memcpy(ne, k->e, k->n * sizeof(*ne));
            if (k->e) /* the first line has no array yet */
                explicit_bzero(k->e, cap * sizeof(*k->e));
            free(k->e);
            k->e = ne;
            cap = ncap;
        }
        const char *why = NULL;
        struct ippm_keys_entry *e = &k->e[k->n];
        if (parse_key_line(line, end, e, &why) != 0) {
            ippm_cli_error("%s: %s:%zu: %s", opt, path, lineno, why);
            return -1;
        }
        if (ippm_keys_find(k, (const uint8_t *)e->id, e->id_len)) {
            ippm_cli_error("%s: %s:%zu: KeyID '%s' is given twice", opt, path,
                           lineno, e->id);
            return -1;
        }
        k->n++;
    }
    if (k->n == 0) {
        ippm_cli_error("%s: '%s' holds no 'KEYID HEX-SECRET' line", opt, path);
        return -1;
    }
    return 0;
}

/* The whole file at path into a new NUL-terminated buffer (*n octets),
 * after the checks a keys file must pass. NULL after one line. */
static char *read_keys_file(const char *opt, const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ippm_cli_error("%s: cannot read '%s': %s", opt, path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > IPPM_KEYS_FILE_MAX) {
        ippm_cli_error("%s: '%s' is not a regular file of at most 1 MiB", opt,
                       path);
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    int err = !buf ? ENOMEM : ferror(f) ? errno : 0;
    fclose(f);
    if (err) {
        free(buf);
        ippm_cli_error("%s: cannot read '%s': %s", opt, path, strerror(err));
        return NULL;
    }
    buf[got] = '\0';
    size_t ll = sizeof IPPM_KEY_FIXTURE_LINE - 1;
    bool fixture = got > ll && memcmp(buf, IPPM_KEY_FIXTURE_LINE, ll) == 0 &&
                   (buf[ll] == '\n' || buf[ll] == '\r');
    if ((st.st_mode & (S_IRGRP | S_IROTH)) && !fixture) {
        explicit_bzero(buf, got);
        free(buf);
        ippm_cli_error("%s: '%s' is readable by group or others; its secrets "
                       "are no secret (chmod 600 it)",
                       opt, path);
        return NULL;
    }
    *n = got;
    return buf;
}

/* see keyfile.h */
int ippm_keys_read(const char *opt, const char *path, struct ippm_keys *out)
{
    memset(out, 0, sizeof(*out));
    size_t n = 0;
    char *buf = read_keys_file(opt, path, &n);
    if (!buf)
        return -1;
    int rc = parse_keys(opt, path, buf, n, out);
    explicit_bzero(buf, n);
    free(buf);
    if (rc != 0)
        ippm_keys_free(out);
    return rc;
}

/* see keyfile.h */
const struct ippm_keys_entry *ippm_keys_find(const struct ippm_keys *k,
                                             const uint8_t *id, size_t id_len)
{
    while (id_len > 0 && id[id_len - 1] == 0)
        id_len--;
    for (size_t i = 0; i < k->n; i++)
        if (k->e[i].id_len == id_len && memcmp(k->e[i].id, id, id_len) == 0)
            return &k->e[i];
    return NULL;
}

/* see keyfile.h */
void ippm_keys_free(struct ippm_keys *k)
{
    if (k->e)
        explicit_bzero(k->e, k->n * sizeof(*k->e));
    free(k->e);
    memset(k, 0, sizeof(*k));
}
