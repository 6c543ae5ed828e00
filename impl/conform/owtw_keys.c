/* see owtw_keys.h */
#include "impl/conform/owtw_keys.h"

#include <string.h>

#include "impl/core/cli.h"
#include "impl/core/keyfile.h"

/* see owtw_keys.h */
int owtw_keys_load(const char *opt, const char *path, struct owtw_keyring *kr)
{
    struct ippm_keys k = {0};
    if (ippm_keys_read(opt, path, &k) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < k.n && rc == 0; i++) {
        const struct ippm_keys_entry *e = &k.e[i];
        if (kr->n == OWTW_KEYS_MAX || e->len > OWTW_SECRET_MAX) {
            ippm_cli_error("%s: %s: more than %d keys or a secret over %d "
                           "octets",
                           opt, path, OWTW_KEYS_MAX, OWTW_SECRET_MAX);
            rc = -1;
            break;
        }
        size_t n = kr->n++;
        memcpy(kr->keyid[n], e->id, e->id_len + 1);
        memcpy(kr->secret[n], e->secret, e->len);
        kr->key[n] = (struct owtw_key){(const uint8_t *)kr->keyid[n],
                                       e->id_len, kr->secret[n], e->len};
    }
    ippm_keys_free(&k);
    return rc;
}

/* see owtw_keys.h */
void owtw_keys_wipe(struct owtw_keyring *kr)
{
    memset(kr, 0, sizeof *kr);
}
