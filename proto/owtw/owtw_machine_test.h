/* Test support of proto/owtw's machine tests (owtw_control_test.c,
 * owtw_replay_test.c): the crypto table, the key, one side's memory.
 * Test code only. */
#ifndef OWTW_MACHINE_TEST_H
#define OWTW_MACHINE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "impl/core/crypto_openssl.h"
#include "owtw.h"

static struct ippm_crypto crypto; /* one per test program */

static inline int owtw_test_setup(void **state)
{
    (void)state;
    return ippm_crypto_openssl_init(&crypto);
}

static inline int owtw_test_teardown(void **state)
{
    (void)state;
    ippm_crypto_openssl_free(&crypto);
    return 0;
}

static const uint8_t PASS[] = "testpass";
static const uint8_t KEYID[] = "ippmtest";

static const struct owtw_key KEYS[] = {
    {(const uint8_t *)"other", 5, (const uint8_t *)"nope", 4},
    {KEYID, 8, PASS, 8},
};

/* One side's memory. */
struct mem {
    uint8_t in[512], plain[512], tx[1024];
    struct owtw_session sessions[4];
    struct owtw_bufs bufs;
};

static inline void mem_init(struct mem *m, size_t plain_cap, size_t tx_cap)
{
    m->bufs = (struct owtw_bufs){m->in, sizeof m->in, m->plain, plain_cap,
                                 m->tx, tx_cap, m->sessions, 4};
}

static inline struct ippm_event ev_of(enum ippm_ev_kind kind, uint64_t now,
                                      const uint8_t *data, size_t len)
{
    struct ippm_event ev = {kind, now, data, len, NULL};
    return ev;
}

#endif
