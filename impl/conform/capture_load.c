/* The capture in memory: every UDP datagram of a file (and, for
 * OWAMP/TWAMP control, every TCP segment into a reassembler) read in one
 * pass, and the reflector port it seems to use. Declared in cmd_pcap.h;
 * split from cmd_pcap.c, which grades what this reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/stamp/stamp_pairing.h"
#include "impl/capture/pcap_read.h"
#include "impl/capture/tcp_reasm.h"
#include "impl/conform/cmd_pcap.h"
#include "impl/core/net.h"

/* The size of a capture's data blocks: room for many datagrams of the
 * largest size (65,535 octets). */
#define CAPTURE_BLOCK (1u << 20)

/* see cmd_pcap.h */
void capture_free(struct capture *c)
{
    for (size_t i = 0; i < c->n_block; i++)
        free(c->block[i]);
    free(c->block);
    free(c->d);
    free(c->frame);
    free(c->built);
    memset(c, 0, sizeof *c);
}

/* Room for one more datagram. Returns 0, or -1 when out of memory. */
static int capture_grow(struct capture *c)
{
    if (c->n < c->cap)
        return 0;
    size_t ncap = c->cap ? c->cap * 2 : 64;
    struct stamp_dgram *nd = realloc(c->d, ncap * sizeof *nd);
    if (nd == NULL)
        return -1;
    c->d = nd;
    uint64_t *nf = realloc(c->frame, ncap * sizeof *nf);
    if (nf == NULL)
        return -1;
    c->frame = nf;
    uint8_t *nb = realloc(c->built, ncap);
    if (nb == NULL)
        return -1;
    c->built = nb;
    c->cap = ncap;
    return 0;
}

/* Room for len octets in c's last block, a new block when it is full.
 * NULL when out of memory. */
static uint8_t *capture_bytes(struct capture *c, size_t len)
{
    if (len > CAPTURE_BLOCK)
        return NULL; /* no UDP payload is this long */
    if (c->n_block == 0 || CAPTURE_BLOCK - c->block_used < len) {
        if (c->n_block == c->block_cap) {
            size_t ncap = c->block_cap ? 2 * c->block_cap : 16;
            uint8_t **nb = realloc(c->block, ncap * sizeof *nb);
            if (nb == NULL)
                return NULL;
            c->block = nb;
            c->block_cap = ncap;
        }
        uint8_t *b = malloc(CAPTURE_BLOCK);
        if (b == NULL)
            return NULL;
        c->block[c->n_block++] = b;
        c->block_used = 0;
    }
    uint8_t *p = c->block[c->n_block - 1] + c->block_used;
    c->block_used += len;
    return p;
}

/* How pd's frame was built, as struct capture.built says it. */
static uint8_t built_bits(const struct ippm_pcap_dgram *pd)
{
    uint8_t b = 0;
    if (pd->ethernet && pd->src.family == IPPM_AF_INET && pd->ip_id == 0 &&
        !pd->ip_df)
        b |= CAPTURE_ETH_ID0_NODF;
    b |= pd->ip_csum > 0 ? CAPTURE_IP_CSUM_OK
         : pd->ip_csum < 0 ? CAPTURE_IP_CSUM_BAD : 0;
    b |= pd->udp_csum > 0 ? CAPTURE_UDP_CSUM_OK
         : pd->udp_csum < 0 ? CAPTURE_UDP_CSUM_BAD : 0;
    return b;
}

/* True when the reader decodes frames of link type dlt: the frame parser
 * names an unknown link type before it reads a single octet. */
static bool link_known(int dlt)
{
    static const uint8_t none[1];
    struct ippm_pcap_dgram d;
    return ippm_pcap_parse_frame(dlt, none, 0, 0, &d) != IPPM_PCAP_LINK;
}

/* see cmd_pcap.h */
int capture_load(const char *path, struct capture *c,
                 struct ippm_tcp_reasm *tcp, char *err, size_t errcap)
{
    struct ippm_pcap_reader r;
    memset(c, 0, sizeof *c);
    if (ippm_pcap_open(&r, path, err, errcap) != 0)
        return -1;
    int dlt = r.dlt;
    struct ippm_pcap_dgram pd;
    int rc = 0;
    /* A stop (conform_catch_stop) ends the reading: what came before it
     * is graded. */
    while (!ippm_net_stopping() &&
           (rc = tcp ? ippm_pcap_next_seg(&r, &pd, err, errcap)
                     : ippm_pcap_next(&r, &pd, err, errcap)) == 1) {
        if (pd.tcp) {
            if (ippm_tcp_reasm_add(tcp, &pd) == 0)
                continue;
            snprintf(err, errcap, "out of memory");
            rc = -1;
            break;
        }
        uint8_t *data = capture_grow(c) == 0 ? capture_bytes(c, pd.len)
                                             : NULL;
        if (data == NULL) {
            snprintf(err, errcap, "out of memory");
            rc = -1;
            break;
        }
        if (pd.len)
            memcpy(data, pd.payload, pd.len);
        struct stamp_dgram *d = &c->d[c->n];
        d->data = data;
        d->len = pd.len;
        d->ts_ns = pd.ts_ns;
        d->src = pd.src;
        d->dst = pd.dst;
        d->ttl = pd.ttl;
        d->tos = pd.tos;
        d->src_mac_known = pd.src_mac_known;
        memcpy(d->src_mac, pd.src_mac, sizeof d->src_mac);
        c->frame[c->n] = pd.frame;
        c->built[c->n] = built_bits(&pd);
        c->n++;
    }
    c->counts = r.counts;
    ippm_pcap_close(&r);
    if (rc < 0 && strcmp(err, "out of memory") == 0) {
        capture_free(c);
        return -1;
    }
    /* Issue 10 item 5: a file of which nothing can be read is unreadable,
     * not a capture with nothing to grade. */
    if (rc < 0 && c->counts.frames == 0) {
        size_t l = strlen(err);
        snprintf(err + l, errcap - l, " (in the first record: no frame "
                                      "could be read)");
        capture_free(c);
        return -1;
    }
    if (c->n == 0 && !link_known(dlt)) {
        snprintf(err, errcap,
                 "link type %d is not one ippm decodes (Ethernet, Linux "
                 "cooked, raw IP, BSD loopback): no frame could be read",
                 dlt);
        capture_free(c);
        return -1;
    }
    /* A capture cut short (tcpdump killed): keep what came. A read cut
     * by a stop signal is the caller's to say. */
    if (rc < 0 && !ippm_net_stopping())
        fprintf(stderr,
                "ippm: warning: %s: %s; using the %llu frames before it\n",
                path, err, (unsigned long long)c->counts.frames);
    return 0;
}

/* The reflector port of the capture (stamp_pairing_detect_port), 0 when
 * nothing looks like an exchange. Returns 0, or -1 when out of memory. */
int capture_port(const struct capture *c, uint16_t *port)
{
    size_t n_slots = STAMP_PAIRING_DETECT_SLOTS(c->n);
    struct stamp_flow *f = malloc((c->n ? c->n : 1) * sizeof *f);
    uint32_t *slots = malloc(n_slots * sizeof *slots);
    enum ippm_err e = IPPM_ERR_NOSPACE;
    if (f != NULL && slots != NULL)
        e = stamp_pairing_detect_port(c->d, c->n, f, c->n, slots, n_slots,
                                      port);
    free(f);
    free(slots);
    return e == IPPM_OK ? 0 : -1;
}
