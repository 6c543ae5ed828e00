/* ippm pcap check on OWAMP and TWAMP control: the capture's TCP streams
 * put together (impl/capture/tcp_reasm.h), each control connection (port
 * 861 or 862, or any stream opening with a Server Greeting) cut into its
 * messages and decrypted with --keys (conformance/owtw/owtw_cut.h), then
 * graded with the OWAMP and TWAMP cases of the catalogue. */
#include "impl/conform/cmd_pcap_owtw.h"
#include "impl/conform/owtw_keys.h"
#include "proto/owtw/owtw_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/owtw/owtw_cut.h"
#include "conformance/owtw/owtw_obs.h"
#include "impl/capture/tcp_reasm.h"
#include "impl/core/cli.h"
#include "impl/core/crypto_openssl.h"
#include "impl/commands.h"
#include "impl/core/net.h"

#define OWAMP_PORT 861
#define TWAMP_PORT 862

struct owtw_pcap {
    struct ippm_tcp_reasm tr;
    struct owtw_ctl_conn *conn;
    size_t n_conn;
    struct ippm_transcript *t[2]; /* by enum owtw_proto */
    size_t n_t[2];
    struct owtw_keyring keys;
    struct ippm_crypto crypto;
    bool crypto_ok;
    uint64_t frames;
    /* OWAMP-Test packets of mode-O sessions, by who sent them (enum
     * ippm_role: the server, the client) */
    struct ippm_exchange *test[2];
    size_t n_test[2];
    int8_t *test_mac[2];  /* A/E: each packet's HMAC verdict */
    int test_mode;        /* 1, 2, 4 */
    uint8_t *plain;       /* A/E: the packets decrypted, one after another */
    size_t plain_used;
};

static uint64_t ns_at(const void *ctx, int dir, uint64_t off)
{
    const struct ippm_tcp_conn *c = ctx;
    return ippm_tcp_dir_ns_at(&c->dir[dir], off);
}

/* A control connection: the server's stream opens with a greeting (on
 * any port: perfSONAR's test daemons listen on others); the port, 861 or
 * 862, names the protocol. Other TCP on those ports is not graded. */
static bool is_control(const struct ippm_tcp_conn *c, int *proto)
{
    const struct ippm_tcp_dir *s = &c->dir[IPPM_TCP_S2C];
    *proto = c->server.port == OWAMP_PORT   ? OWTW_OWAMP
             : c->server.port == TWAMP_PORT ? OWTW_TWAMP
                                            : -1;
    return owtw_cut_looks_like_greeting(s->data, s->len);
}

/* see cmd_pcap_owtw.h */
int owtw_ctl_conn_cut(const struct ippm_tcp_conn *c, int proto,
                  const struct owtw_keyring *keys,
                  const struct ippm_crypto *crypto, struct owtw_ctl_conn *cn)
{
    struct owtw_cut_in in = {
        .data = {c->dir[0].data, c->dir[1].data},
        .len = {c->dir[0].len, c->dir[1].len},
        .ns_at = ns_at,
        .ctx = c,
        .proto = proto,
        .crypto = crypto,
        .keys = keys ? keys->key : NULL,
        .n_keys = keys ? keys->n : 0,
    };
    memset(cn, 0, sizeof *cn);
    cn->tcp = c;
    cn->cut.cap_msg = owtw_cut_max_msgs(&in);
    cn->cut.cap_plain = owtw_cut_plain_room(&in);
    cn->cut.msg = calloc(cn->cut.cap_msg, sizeof *cn->cut.msg);
    cn->cut.plain = malloc(cn->cut.cap_plain);
    if (!cn->cut.msg || !cn->cut.plain)
        return -1;
    owtw_cut(&in, &cn->cut);
    /* Not told by a port or a command: TWAMP's, unless the port is 861. */
    cn->proto = cn->cut.proto >= 0 ? cn->cut.proto : OWTW_TWAMP;
    return 0;
}

/* see cmd_pcap_owtw.h */
void owtw_ctl_conn_transcript(const struct owtw_ctl_conn *cn,
                          struct ippm_transcript *t)
{
    const struct ippm_tcp_conn *c = cn->tcp;
    memset(t, 0, sizeof *t);
    t->client = c->client;
    t->server = c->server;
    t->open_ns = c->open_ns;
    t->close_ns = c->close_ns;
    /* tcp_reasm's direction indexes are enum ippm_dir's */
    t->closed_by = c->closed_by;
    t->msg = cn->cut.msg;
    t->n_msg = cn->cut.n_msg;
    t->left_over[0] = cn->cut.left_over[0];
    t->left_over[1] = cn->cut.left_over[1];
}

/* see cmd_pcap_owtw.h */
int owtw_pcap_load(const struct check_opts *o, struct ippm_tcp_reasm *tcp,
                   uint64_t frames, struct owtw_pcap **out)
{
    struct owtw_pcap *p = calloc(1, sizeof *p);
    *out = p;
    if (!p) {
        ippm_tcp_reasm_free(tcp);
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    p->tr = *tcp; /* the segments are the load's now */
    ippm_tcp_reasm_init(tcp);
    p->frames = frames;
    if (o->keys_file && owtw_keys_load("--keys", o->keys_file, &p->keys) != 0)
        return IPPM_EXIT_USAGE;
    if (p->keys.n) {
        if (ippm_crypto_openssl_init(&p->crypto) != 0) {
            ippm_crypto_openssl_free(&p->crypto);
            ippm_cli_error("pcap check: OpenSSL has no AES or HMAC");
            return IPPM_EXIT_RUNTIME;
        }
        p->crypto_ok = true;
    }
    p->conn = calloc(p->tr.n ? p->tr.n : 1, sizeof *p->conn);
    if (!p->conn)
        return IPPM_EXIT_RUNTIME;
    for (size_t i = 0; i < p->tr.n; i++) {
        int proto;
        if (!is_control(&p->tr.conn[i], &proto))
            continue;
        if (owtw_ctl_conn_cut(&p->tr.conn[i], proto, &p->keys,
                          p->crypto_ok ? &p->crypto : NULL,
                          &p->conn[p->n_conn++]) != 0) {
            ippm_cli_error("pcap check: out of memory");
            return IPPM_EXIT_RUNTIME;
        }
    }
    for (int pr = 0; pr < 2; pr++) {
        p->t[pr] = calloc(p->n_conn ? p->n_conn : 1, sizeof *p->t[pr]);
        if (!p->t[pr])
            return IPPM_EXIT_RUNTIME;
    }
    for (size_t i = 0; i < p->n_conn; i++) {
        int pr = p->conn[i].proto;
        owtw_ctl_conn_transcript(&p->conn[i], &p->t[pr][p->n_t[pr]++]);
    }
    return 0;
}

/* see cmd_pcap_owtw.h */
size_t owtw_pcap_connections(const struct owtw_pcap *p)
{
    return p ? p->n_conn : 0;
}

/* Same address (the port aside). */
static bool same_ip(const struct ippm_addr *a, const struct ippm_addr *b)
{
    return a->family == b->family &&
           memcmp(a->ip, b->ip, a->family == IPPM_AF_INET ? 4 : 16) == 0;
}

/* Who sent datagram g of an OWAMP session of cn: 0 the server (its
 * Conf-Sender session's port), 1 the client, -1 neither; *sess the
 * session's index. */
static int owamp_test_sender(const struct owtw_ctl_conn *cn,
                             const struct stamp_dgram *g, size_t *sess)
{
    const struct ippm_tcp_conn *c = cn->tcp;
    for (size_t s = 0; s < cn->cut.n_sess; s++) {
        const struct owtw_cut_session *ss = &cn->cut.sess[s];
        *sess = s;
        if (ss->conf_sender && g->src.port == ss->accept_port &&
            same_ip(&g->src, &c->server))
            return IPPM_ROLE_REFLECTOR;
        if (!ss->conf_sender && g->dst.port == ss->accept_port &&
            same_ip(&g->dst, &c->server))
            return IPPM_ROLE_SENDER;
    }
    return -1;
}

/* Modes A and E: g decrypted into the run's plaintext with the keys of
 * session s of cn (RFC 4656 §4.1.2); its HMAC's verdict in *mac. NULL
 * when the keys cannot be made or the packet is short. */
static const uint8_t *owamp_test_open(struct owtw_pcap *p,
                                      const struct owtw_ctl_conn *cn,
                                      size_t s, const struct stamp_dgram *g,
                                      int8_t *mac)
{
    struct owtw_test_keys tk;
    enum owtw_test_mode mode =
        cn->cut.mode & OWTW_MODE_ENCRYPTED ? OWTW_TEST_ENCRYPTED
                                           : OWTW_TEST_AUTH;
    if (owtw_test_keys_init(&tk, &p->crypto, mode, cn->cut.sess[s].sid,
                            cn->cut.sk.aes_sk, cn->cut.sk.hmac_sk) != IPPM_OK)
        return NULL;
    uint8_t *b = p->plain + p->plain_used;
    memcpy(b, g->data, g->len);
    enum ippm_err e = owtw_test_open(&tk, STAMP_PKT_SENDER, b, g->len);
    owtw_test_keys_free(&tk);
    if (e != IPPM_OK && e != IPPM_ERR_HMAC)
        return NULL;
    p->plain_used += g->len;
    p->test_mode = (int)mode;
    *mac = e == IPPM_OK ? 1 : -1;
    return b;
}

/* see cmd_pcap_owtw.h */
int owtw_pcap_owamp_tests(struct owtw_pcap *p, const struct capture *cap)
{
    size_t octets = 0;
    for (size_t k = 0; k < cap->n; k++)
        octets += cap->d[k].len;
    p->plain = malloc(octets ? octets : 1);
    for (int r = 0; r < 2; r++) {
        p->test[r] = calloc(cap->n ? cap->n : 1, sizeof *p->test[r]);
        p->test_mac[r] = calloc(cap->n ? cap->n : 1, sizeof *p->test_mac[r]);
        if (!p->test[r] || !p->test_mac[r] || !p->plain)
            return -1;
    }
    for (size_t i = 0; i < p->n_conn; i++) {
        const struct owtw_ctl_conn *cn = &p->conn[i];
        bool open = (cn->cut.mode & OWTW_MODE_SECURITY_MASK) == OWTW_MODE_OPEN;
        if (cn->proto != OWTW_OWAMP ||
            (!open && !(cn->cut.have_sk && p->crypto_ok)))
            continue;
        for (size_t k = 0; k < cap->n; k++) {
            const struct stamp_dgram *g = &cap->d[k];
            size_t s;
            int8_t mac = 0;
            int r = owamp_test_sender(cn, g, &s);
            const uint8_t *data =
                r < 0 ? NULL : open ? g->data : owamp_test_open(p, cn, s, g, &mac);
            if (!data)
                continue;
            p->test_mac[r][p->n_test[r]] = mac;
            struct ippm_exchange *e = &p->test[r][p->n_test[r]++];
            e->req = data;
            e->req_len = g->len;
            e->req_ns = g->ts_ns;
            e->req_ttl = g->ttl;
            e->req_src = g->src;
            e->req_dst = g->dst;
        }
    }
    return 0;
}

/* see cmd_pcap_owtw.h */
uint16_t owtw_pcap_open_test_port(const struct owtw_pcap *p)
{
    for (size_t i = 0; i < p->n_conn; i++) {
        const struct owtw_ctl_conn *cn = &p->conn[i];
        if (cn->proto == OWTW_TWAMP &&
            (cn->cut.mode & OWTW_MODE_SECURITY_MASK) == OWTW_MODE_OPEN &&
            cn->cut.n_sess)
            return cn->cut.sess[0].receiver_port;
    }
    return 0;
}

/* see cmd_pcap_owtw.h */
size_t owtw_pcap_grade(const struct owtw_pcap *p, const struct check_opts *o,
                       const struct owtw_pcap_test *test,
                       struct ippm_case_result *res, size_t cap)
{
    static const char *const names[2] = {"owamp", "twamp"};
    size_t n = 0;
    for (int pr = 0; pr < 2; pr++) {
        if (!p->n_t[pr])
            continue;
        struct owtw_obs_ext x = {.base = {OWTW_OBS_EXT, NULL}};
        struct ippm_obs obs;
        memset(&obs, 0, sizeof obs);
        obs.protocol = names[pr];
        obs.ctrl = p->t[pr];
        obs.n_ctrl = p->n_t[pr];
        obs.auth = p->keys.n != 0;
        obs.ext = &x.base;
        obs.expect_stateful = -1;
        obs.clock_tolerance_ns = o->tol_ns;
        for (int r = 0; r < 2; r++) {
            x.test[r] = p->test[r];
            x.n_test[r] = p->n_test[r];
            x.test_mac[r] = p->test_mode > 1 ? p->test_mac[r] : NULL;
        }
        x.test_mode = p->test_mode;
        for (size_t i = 0; i < p->n_conn; i++) /* RFC 8186 timestamps */
            x.ptp = x.ptp || (p->conn[i].proto == pr &&
                              (p->conn[i].cut.mode & OWTW_MODE_PTP));
        if (pr == OWTW_TWAMP && test) { /* its sessions' test packets */
            obs.ex = test->ex;
            obs.n_ex = test->n_ex;
            obs.unmatched_replies = test->unmatched;
            x.base.next = test->layouts;
        }
        if (o->roles & ROLE_REFLECTOR) {
            obs.role = IPPM_ROLE_REFLECTOR;
            n += ippm_catalogue_run(&obs, o->only, res + n, cap - n);
        }
        if (o->roles & ROLE_SENDER) {
            obs.role = IPPM_ROLE_SENDER;
            n += ippm_catalogue_run(&obs, o->only, res + n, cap - n);
        }
    }
    return n;
}

/* see cmd_pcap_owtw.h */
void owtw_pcap_summary(FILE *f, const struct owtw_pcap *p)
{
    fprintf(f, "capture: %llu frames, %zu TCP connections; %zu OWAMP and "
               "%zu TWAMP control connections\n",
            (unsigned long long)p->frames, p->tr.n, p->n_t[OWTW_OWAMP],
            p->n_t[OWTW_TWAMP]);
    for (size_t i = 0; i < p->n_conn; i++) {
        const struct owtw_ctl_conn *cn = &p->conn[i];
        char a[IPPM_ADDR_STRLEN], b[IPPM_ADDR_STRLEN];
        fprintf(f, "    %s %s -> %s: mode %u, %zu messages, %zu sessions%s%s%s\n",
                cn->proto == OWTW_OWAMP ? "OWAMP" : "TWAMP",
                ippm_addr_fmt(&cn->tcp->client, a, sizeof a),
                ippm_addr_fmt(&cn->tcp->server, b, sizeof b),
                (unsigned)cn->cut.mode, cn->cut.n_msg, cn->cut.n_sess,
                cn->cut.key_missing ? "; encrypted, no key for its KeyID "
                                      "(--keys)"
                                    : "",
                cn->cut.bad_token ? "; the key does not open its Token" : "",
                cn->cut.stuck ? "; a server message could not be placed"
                : cn->cut.count_refused
                    ? "; greeting Count too large to derive a key"
                    : "");
    }
}

/* see cmd_pcap_owtw.h */
void owtw_ctl_conn_free(struct owtw_ctl_conn *cn)
{
    free(cn->cut.msg);
    free(cn->cut.plain);
    memset(cn, 0, sizeof *cn);
}

/* see cmd_pcap_owtw.h */
void owtw_pcap_free(struct owtw_pcap *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_conn; i++)
        owtw_ctl_conn_free(&p->conn[i]);
    free(p->conn);
    free(p->t[0]);
    free(p->t[1]);
    free(p->test[0]);
    free(p->test[1]);
    free(p->test_mac[0]);
    free(p->test_mac[1]);
    free(p->plain); /* (the session keys went with each conn's cut) */
    ippm_tcp_reasm_free(&p->tr);
    if (p->crypto_ok)
        ippm_crypto_openssl_free(&p->crypto);
    owtw_keys_wipe(&p->keys);
    free(p);
}
