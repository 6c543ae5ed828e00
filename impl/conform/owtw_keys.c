/* see owtw_keys.h */
#include "impl/conform/owtw_keys.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "impl/core/cli.h"

/* Hex digits into out; the octet count, or -1 when not even hex. */
static long unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)hex[2 * i]) ||
            !isxdigit((unsigned char)hex[2 * i + 1]) ||
            sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return (long)(n / 2);
}

/* see owtw_keys.h */
int owtw_keys_load(const char *opt, const char *path, struct owtw_keyring *kr)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        ippm_cli_error("%s: %s: %s", opt, path, strerror(errno));
        return -1;
    }
    char line[512];
    unsigned no = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        no++;
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        if (*s == '#' || *s == '\0')
            continue;
        char id[128], hex[2 * OWTW_SECRET_MAX + 2], extra[2];
        int got = sscanf(s, "%127s %257s %1s", id, hex, extra);
        size_t k = kr->n;
        long len;
        if (got != 2 || strlen(id) > OWTW_KEYID_LEN || k == OWTW_KEYS_MAX ||
            (len = unhex(hex, kr->secret[k], OWTW_SECRET_MAX)) <= 0) {
            ippm_cli_error("%s: %s:%u: not `KEYID HEX`", opt, path, no);
            rc = -1;
            break;
        }
        snprintf(kr->keyid[k], sizeof kr->keyid[k], "%s", id);
        kr->key[k] = (struct owtw_key){(const uint8_t *)kr->keyid[k],
                                       strlen(id), kr->secret[k],
                                       (size_t)len};
        kr->n++;
    }
    fclose(f);
    if (rc == 0 && kr->n == 0) {
        ippm_cli_error("%s: %s: no key", opt, path);
        rc = -1;
    }
    return rc;
}

/* see owtw_keys.h */
void owtw_keys_wipe(struct owtw_keyring *kr)
{
    memset(kr, 0, sizeof *kr);
}
