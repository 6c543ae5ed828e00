/* The RMBT server's secrets and CPU list (rmbt_server.h): the parts of
 * its command line that are more than one value. */
#include "impl/rmbt/rmbt_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "impl/core/cli.h"
#include "impl/core/keyfile.h"

#define SECRET_FILE_MAX (1 << 20)
#define SECRET_LINE_MAX 4096

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

/* see rmbt_server.h */
int rmbt_secrets_add(struct rmbt_secrets *s, const char *opt,
                     const char *secret, size_t len, const char *label)
{
    /* notes §2: the server trims the white space around a secret. */
    while (len && is_blank(secret[0])) {
        secret++;
        len--;
    }
    while (len && is_blank(secret[len - 1]))
        len--;
    if (!len) {
        ippm_cli_error("%s: empty secret", opt);
        return -1;
    }
    if (len > RMBT_SECRET_MAX) {
        ippm_cli_error("%s: a secret longer than %d octets", opt,
                       RMBT_SECRET_MAX);
        return -1;
    }
    if (s->n >= RMBT_SECRETS_MAX) {
        ippm_cli_error("%s: more than %d secrets", opt, RMBT_SECRETS_MAX);
        return -1;
    }
    struct rmbt_secret *e = &s->s[s->n++];
    memcpy(e->key, secret, len);
    e->len = len;
    if (label && *label)
        snprintf(e->label, sizeof e->label, "%s", label);
    else
        snprintf(e->label, sizeof e->label, "secret_%zu", s->n);
    return 0;
}

/* One line of a secret file: `<secret>[ <label>]`. Returns 0 (a secret
 * added, or a blank or # line), or -1 after one line. */
static int secrets_line(struct rmbt_secrets *s, const char *opt,
                        const char *where, char *line)
{
    char *p = line;
    while (is_blank(*p))
        p++;
    if (!*p || *p == '#')
        return 0;
    char *end = p;
    while (*end && !is_blank(*end))
        end++;
    char *label = end;
    while (is_blank(*label))
        label++;
    size_t ln = strlen(label);
    while (ln && is_blank(label[ln - 1]))
        label[--ln] = '\0';
    if (ln >= RMBT_LABEL_MAX) {
        ippm_cli_error("%s: %s: a label longer than %d octets", opt, where,
                       RMBT_LABEL_MAX - 1);
        return -1;
    }
    char full[600];
    snprintf(full, sizeof full, "%s: %s", opt, where);
    return rmbt_secrets_add(s, full, p, (size_t)(end - p), label);
}

/* The file's size, checked before reading; *shared: group or others
 * may read it. Returns 0, or -1 after one line. */
static int secrets_file_check(FILE *f, const char *opt, const char *path,
                              bool *shared)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        ippm_cli_error("%s: '%s' is not a regular file", opt, path);
        return -1;
    }
    if (st.st_size > SECRET_FILE_MAX) {
        ippm_cli_error("%s: '%s' is larger than 1 MiB", opt, path);
        return -1;
    }
    *shared = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
    return 0;
}

/* see rmbt_server.h */
int rmbt_secrets_load(struct rmbt_secrets *s, const char *opt,
                      const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        ippm_cli_error("%s: cannot read '%s': %s", opt, path,
                       strerror(errno));
        return -1;
    }
    char line[SECRET_LINE_MAX + 2];
    size_t before = s->n;
    bool shared = false, fixture = false;
    int rc = secrets_file_check(f, opt, path, &shared);
    for (unsigned no = 1; rc == 0 && fgets(line, sizeof line, f); no++) {
        char where[512];
        if (no == 1)
            fixture = strncmp(line, IPPM_KEY_FIXTURE_LINE,
                              sizeof IPPM_KEY_FIXTURE_LINE - 1) == 0;
        snprintf(where, sizeof where, "%s:%u", path, no);
        if (!strchr(line, '\n') && !feof(f)) {
            ippm_cli_error("%s: %s: line longer than %d octets", opt, where,
                           SECRET_LINE_MAX);
            rc = -1;
        }
        else
            rc = secrets_line(s, opt, where, line);
    }
    explicit_bzero(line, sizeof line);
    fclose(f);
    if (rc == 0 && s->n == before) {
        ippm_cli_error("%s: no secret in '%s'", opt, path);
        rc = -1;
    }
    /* As for a key file (keyfile.h): secrets others can read are none;
     * say so, but run, as the original does, unless the file says it is a
     * test fixture (its first line, a comment here). */
    if (rc == 0 && shared && !fixture)
        fprintf(stderr,
                "ippm: warning: secret file '%s' is readable by group or "
                "others (chmod 600 it)\n",
                path);
    return rc;
}

/* see rmbt_server.h */
void rmbt_secrets_wipe(struct rmbt_secrets *s)
{
    explicit_bzero(s, sizeof *s);
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* see rmbt_server.h */
size_t rmbt_cpus_filter(struct ippm_cpu_list *l,
                        bool (*in_set)(unsigned cpu, void *arg), void *arg)
{
    qsort(l->cpu, l->n, sizeof l->cpu[0], cmp_u16);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (k && l->cpu[k - 1] == l->cpu[i])
            continue;
        if (in_set(l->cpu[i], arg))
            l->cpu[k++] = l->cpu[i];
    }
    l->n = k;
    return k;
}
