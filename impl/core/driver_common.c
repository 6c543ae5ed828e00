/* Setup and teardown shared by every protocol driver. */
#include "impl/core/driver_common.h"

#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"
#include "impl/core/crypto_openssl.h"

/* Keys the OpenSSL crypto for k. Returns -1 to go on, else the exit
 * status after one line. */
static int key_crypto_init(struct ippm_driver_key *k, const char *prog)
{
    /* Set first: a half-initialised table must still be freed. */
    k->have_crypto = true;
    if (ippm_crypto_openssl_init(&k->crypto) != 0 ||
        ippm_hmac_key_init(&k->hmac, &k->crypto, IPPM_HASH_SHA256, k->bytes,
                           k->len) != IPPM_OK) {
        ippm_cli_error("%s: OpenSSL has no HMAC-SHA-256", prog);
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* see driver_common.h */
int ippm_driver_key_load(struct ippm_driver_key *k, const char *prog,
                         const char *auth_file, const char *hmac_file)
{
    int got = ippm_key_load("--auth-key-file", auth_file, k->bytes, &k->len);
    if (got < 0)
        return IPPM_EXIT_USAGE;
    k->auth = got > 0;
    /* The drivers refuse both keys at once before getting here. */
    if (!got && hmac_file) {
        if (ippm_keyfile_read("--hmac-key-file", hmac_file, k->bytes,
                              &k->len) != 0)
            return IPPM_EXIT_USAGE;
        got = 1;
    }
    if (!got)
        return -1;
    return key_crypto_init(k, prog);
}

/* see driver_common.h */
int ippm_driver_key_set(struct ippm_driver_key *k, const char *prog, bool auth,
                        const uint8_t *key, size_t len)
{
    if (len > sizeof(k->bytes)) {
        ippm_cli_error("%s: key longer than %zu octets", prog,
                       sizeof(k->bytes));
        return IPPM_EXIT_USAGE;
    }
    k->auth = auth;
    if (!len)
        return -1;
    memcpy(k->bytes, key, len);
    k->len = len;
    return key_crypto_init(k, prog);
}

/* see driver_common.h */
void ippm_driver_key_free(struct ippm_driver_key *k)
{
    ippm_hmac_key_free(&k->hmac);
    if (k->have_crypto)
        ippm_crypto_openssl_free(&k->crypto);
    k->have_crypto = false;
    explicit_bzero(k->bytes, sizeof(k->bytes));
    k->len = 0;
}

/* see driver_common.h */
int ippm_driver_batches_init(struct ippm_rx_batch *rx, struct ippm_tx_batch *tx,
                             size_t tx_cap, size_t tx_size, const char *prog)
{
    if (ippm_rx_batch_init(rx, IPPM_NET_BATCH, IPPM_NET_MAX_DGRAM) != 0 ||
        ippm_tx_batch_init(tx, tx_cap, tx_size) != 0) {
        ippm_cli_error("%s: out of memory", prog);
        return IPPM_EXIT_RUNTIME;
    }
    return -1;
}

/* see driver_common.h */
void ippm_driver_io_free(struct ippm_sock *s, struct ippm_rx_batch *rx,
                         struct ippm_tx_batch *tx)
{
    ippm_rx_batch_free(rx);
    ippm_tx_batch_free(tx);
    ippm_net_close(s);
}
