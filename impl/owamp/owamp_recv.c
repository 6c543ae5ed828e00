#include "owamp_recv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/owtw/owtw_testport.h"

/* Room for duplicates beyond one record per packet: a few, not a flood. */
#define DUP_ROOM 1024

static int alloc_records(struct owamp_recv *x, uint32_t npackets,
                         size_t *cap, size_t *words)
{
    *cap = (size_t)npackets + DUP_ROOM;
    *words = OWAMP_SEEN_WORDS(npackets);
    x->rec = calloc(*cap, sizeof(*x->rec));
    x->seen = calloc(*words ? *words : 1, sizeof(*x->seen));
    return x->rec && x->seen ? 0 : -1;
}

/* see owamp_recv.h */
int owamp_recv_open(struct owamp_recv *x, const struct ippm_addr *local,
                    uint16_t lo, uint16_t hi, uint16_t want,
                    const struct ippm_crypto *crypto,
                    const struct owamp_recv_params *p,
                    const struct ippm_clock *clk, char *err, size_t err_len)
{
    memset(x, 0, sizeof(*x));
    x->sock.fd = -1;
    memcpy(x->sid, p->sid, sizeof(x->sid));
    if (owtw_testport_open(&x->sock, local, lo, hi, want, err, err_len) != 0)
        return -1;
    enum ippm_err e = owtw_test_keys_init(&x->keys, crypto, p->mode, p->sid,
                                          p->aes_sk, p->hmac_sk);
    size_t cap, words;
    if (e == IPPM_OK) {
        x->keyed = true;
        if (alloc_records(x, p->npackets, &cap, &words) != 0) {
            snprintf(err, err_len, "out of memory for %u records",
                     (unsigned)p->npackets);
            return -1;
        }
        struct ippm_errest est = ippm_clock_errest(clk);
        struct owamp_receiver_config cfg = {
            .keys = &x->keys, .npackets = p->npackets, .timeout = p->timeout,
            .recv_errest = ippm_errest_encode(&est)};
        e = owamp_receiver_init(&x->r, &cfg, x->rec, cap, x->seen, words);
    }
    if (e != IPPM_OK) {
        snprintf(err, err_len, "receiver: %s", ippm_err_str(e));
        return -1;
    }
    return 0;
}

/* see owamp_recv.h */
void owamp_recv_drain(struct owamp_recv *x, struct ippm_rx_batch *rx,
                      const struct ippm_clock *clk)
{
    for (int round = 0; round < 16; round++) {
        int n = ippm_net_recv(&x->sock, rx, clk);
        if (n <= 0)
            return;
        uint64_t now = ippm_clock_now(clk);
        for (int i = 0; i < n && x->started && !x->finished; i++) {
            struct ippm_event ev = {.kind = IPPM_EV_DATAGRAM, .now_ns = now,
                                    .data = ippm_rx_batch_buf(rx, (size_t)i),
                                    .len = rx->len[i], .meta = &rx->meta[i]};
            struct ippm_action act;
            (void)owamp_receiver_handle(&x->r, &ev, &act);
        }
        if ((size_t)n < rx->cap)
            return;
    }
}

/* see owamp_recv.h */
void owamp_recv_close(struct owamp_recv *x)
{
    ippm_net_close(&x->sock);
    if (x->keyed)
        owtw_test_keys_free(&x->keys);
    x->keyed = false;
    free(x->rec);
    free(x->seen);
    x->rec = NULL;
    x->seen = NULL;
}
