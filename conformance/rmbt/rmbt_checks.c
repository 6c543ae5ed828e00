/* The checks of the RMBT UDP ping cases: what the notes' server rules
 * (../shared/notes/rmbt-udp-ping.md §4) decide on each request, against
 * what came back; and what a client's requests must hold (§1-§3, §6). */
#include "conformance/rmbt/rmbt_checks.h"

#include <stdio.h>
#include <string.h>

#include "conformance/rmbt/rmbt_obs.h"
#include "proto/rmbt/rmbt.h"

#define NS 1000000000ull

/* see rmbt_obs.h */
bool rmbt_obs_server(const struct ippm_obs *obs, struct rmbt_server *srv)
{
    const struct rmbt_obs *x =
        (const struct rmbt_obs *)ippm_obs_ext_find(obs, RMBT_OBS_EXT);
    srv->secrets = NULL;
    srv->n_secrets = 0;
    if (x && x->n_secrets) {
        srv->secrets = x->secrets;
        srv->n_secrets = x->n_secrets;
    } else if (obs->key && ippm_hmac_key_ready(obs->key)) {
        srv->secrets = obs->key;
        srv->n_secrets = 1;
    }
    return srv->n_secrets > 0;
}

/* Failures counted over a check's exchanges, the first one described. */
struct tally {
    size_t seen, bad;
    char first[200];
};

static void tally_bad(struct tally *t, uint32_t seq, const char *why)
{
    if (t->bad++ == 0)
        snprintf(t->first, sizeof t->first, "seq %08x: %s", (unsigned)seq,
                 why);
}

static enum ippm_verdict tally_verdict(const struct tally *t,
                                       const char *none, char *detail,
                                       size_t cap)
{
    if (t->bad) {
        snprintf(detail, cap, "%zu of %zu: %s", t->bad, t->seen, t->first);
        return IPPM_FAIL;
    }
    if (!t->seen) {
        snprintf(detail, cap, "%s", none);
        return IPPM_NA;
    }
    return IPPM_PASS;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

/* The request's sequence (octets 4..7), 0 when it is shorter. */
static uint32_t req_seq(const struct ippm_exchange *ex)
{
    return ex->req_len >= 8 ? get32(ex->req + 4) : 0;
}

/* What the server's rules decide on ex's request at its time; false when
 * the clock tolerance makes the time check ambiguous (the decision at
 * now - tol and now + tol differ). */
static bool decide(const struct ippm_obs *obs, const struct rmbt_server *srv,
                   const struct ippm_exchange *ex, struct rmbt_decision *d)
{
    rmbt_server_decide(srv, ex->req, ex->req_len, &ex->req_src, ex->req_ns,
                       d);
    uint64_t tol = obs->clock_tolerance_ns;
    if (!tol)
        return true;
    struct rmbt_decision lo, hi;
    rmbt_server_decide(srv, ex->req, ex->req_len, &ex->req_src,
                       ex->req_ns > tol ? ex->req_ns - tol : 0, &lo);
    rmbt_server_decide(srv, ex->req, ex->req_len, &ex->req_src,
                       ex->req_ns + tol, &hi);
    return lo.why == d->why && hi.why == d->why;
}

static bool zero_token(const struct ippm_exchange *ex)
{
    for (size_t i = 8; i < RMBT_REQ_LEN; i++)
        if (ex->req[i])
            return false;
    return true;
}

/* Whether ex's request is one of row's kind, by decision d. */
static bool in_row(enum rmbt_row row, const struct ippm_exchange *ex,
                   const struct rmbt_decision *d)
{
    switch (row) {
    case RMBT_ROW_SHORT:
        return ex->req_len < RMBT_REQ_LEN;
    case RMBT_ROW_LONG:
        return ex->req_len > RMBT_REQ_LEN;
    case RMBT_ROW_MAGIC:
        return d->why == RMBT_ERR_MAGIC;
    case RMBT_ROW_ZERO:
        return ex->req_len == RMBT_REQ_LEN && d->why != RMBT_ERR_MAGIC &&
               zero_token(ex);
    case RMBT_ROW_EXPIRED:
        return d->why == RMBT_ERR_EXPIRED && !zero_token(ex);
    case RMBT_ROW_PAST_BACK:
        return d->why == RMBT_ERR_EXPIRED &&
               d->age_s == (int64_t)RMBT_BACK_S + 1;
    case RMBT_ROW_FUTURE:
        return d->why == RMBT_ERR_FUTURE;
    case RMBT_ROW_PAST_AHEAD:
        return d->why == RMBT_ERR_FUTURE &&
               d->age_s == -(int64_t)RMBT_AHEAD_S - 1;
    case RMBT_ROW_BAD_KEY:
        return d->why == RMBT_ERR_HASH;
    case RMBT_ROW_VALID:
        return d->why == IPPM_OK && d->tag == RMBT_RR01;
    case RMBT_ROW_OTHER_IP:
        return d->why == IPPM_OK && d->tag == RMBT_RE01;
    case RMBT_ROW_EDGE_BACK:
        return d->why == IPPM_OK && d->age_s == (int64_t)RMBT_BACK_S;
    case RMBT_ROW_EDGE_AHEAD:
        return d->why == IPPM_OK && d->age_s == -(int64_t)RMBT_AHEAD_S;
    }
    return false;
}

/* Rows whose requests only the key tells apart. */
static bool row_needs_key(enum rmbt_row row)
{
    return row == RMBT_ROW_VALID || row == RMBT_ROW_OTHER_IP ||
           row == RMBT_ROW_BAD_KEY || row == RMBT_ROW_EDGE_BACK ||
           row == RMBT_ROW_EDGE_AHEAD;
}

/* What came back for ex, in words ("no reply", "RE01", "12 octets"). */
static const char *reply_word(const struct ippm_exchange *ex, char *buf,
                              size_t cap)
{
    struct rmbt_reply r;
    if (!ex->rep)
        return "no reply";
    if (rmbt_reply_decode(ex->rep, ex->rep_len, &r) == IPPM_OK)
        return r.tag == RMBT_RR01 ? "RR01" : "RE01";
    snprintf(buf, cap, "a reply of %zu octets", ex->rep_len);
    return buf;
}

/* see rmbt_checks.h */
enum ippm_verdict rmbt_chk_refl_row(const struct ippm_obs *obs,
                                    const struct ippm_case_arg *arg,
                                    char *detail, size_t cap)
{
    enum rmbt_row row = (enum rmbt_row)arg->type;
    struct rmbt_server srv;
    bool keyed = rmbt_obs_server(obs, &srv);
    if (row_needs_key(row) && !keyed) {
        snprintf(detail, cap, "the server's secret is not known (--seed)");
        return IPPM_NA;
    }
    bool by_ip = row == RMBT_ROW_VALID || row == RMBT_ROW_OTHER_IP;
    if (by_ip && (obs->path_flags & IPPM_PATH_NAT)) {
        snprintf(detail, cap, "a NAT rewrites the address the IP hash "
                              "is checked against (--path nat)");
        return IPPM_NA;
    }
    struct tally t = {0};
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *ex = &obs->ex[i];
        struct rmbt_decision d;
        if (!decide(obs, &srv, ex, &d) || !in_row(row, ex, &d))
            continue;
        bool answer = d.why == IPPM_OK;
        if (answer && ex->in_flight && !ex->rep)
            continue;
        t.seen++;
        char buf[40];
        const char *got = reply_word(ex, buf, sizeof buf);
        struct rmbt_reply r;
        bool ok = answer ? ex->rep &&
                               rmbt_reply_decode(ex->rep, ex->rep_len, &r) ==
                                   IPPM_OK &&
                               r.tag == d.tag
                         : !ex->rep;
        if (!ok) {
            char why[96];
            char when[40] = "";
            if (d.why != RMBT_ERR_LENGTH && d.why != RMBT_ERR_MAGIC)
                snprintf(when, sizeof when, "t = now%+lld s: ",
                         (long long)-d.age_s);
            snprintf(why, sizeof why, "%s%zu octets: expected %s, got %s",
                     when, ex->req_len,
                     answer ? (d.tag == RMBT_RR01 ? "RR01" : "RE01")
                            : "no reply",
                     got);
            tally_bad(&t, req_seq(ex), why);
        }
    }
    return tally_verdict(&t, "no request of this kind was seen", detail, cap);
}

/* see rmbt_checks.h */
enum ippm_verdict rmbt_chk_refl_reply(const struct ippm_obs *obs,
                                      const struct ippm_case_arg *arg,
                                      char *detail, size_t cap)
{
    enum rmbt_reply_rule rule = (enum rmbt_reply_rule)arg->type;
    if (rule == RMBT_REP_PORT && (obs->path_flags & IPPM_PATH_NAT)) {
        snprintf(detail, cap, "a NAT rewrites addresses and ports "
                              "(--path nat)");
        return IPPM_NA;
    }
    struct tally t = {0};
    char buf[64];
    for (size_t i = 0; i < obs->n_ex; i++) {
        const struct ippm_exchange *ex = &obs->ex[i];
        if (!ex->rep)
            continue;
        unsigned n = ex->n_replies ? ex->n_replies : 1;
        uint32_t seq = req_seq(ex);
        switch (rule) {
        case RMBT_REP_LEN8:
            t.seen++;
            if (ex->rep_len != RMBT_REP_LEN) {
                snprintf(buf, sizeof buf, "the reply has %zu octets",
                         ex->rep_len);
                tally_bad(&t, seq, buf);
            }
            break;
        case RMBT_REP_ECHO:
            if (ex->req_len < 8)
                break;
            t.seen++;
            if (ex->rep_len < 8 || memcmp(ex->rep + 4, ex->req + 4, 4) != 0) {
                if (ex->rep_len >= 8)
                    snprintf(buf, sizeof buf, "the reply's octets 4..7 are "
                             "%08x", (unsigned)get32(ex->rep + 4));
                else
                    snprintf(buf, sizeof buf, "the reply has no octets 4..7");
                tally_bad(&t, seq, buf);
            }
            break;
        case RMBT_REP_TAG:
            t.seen++;
            if (ex->rep_len < 4 || (memcmp(ex->rep, "RR01", 4) != 0 &&
                                    memcmp(ex->rep, "RE01", 4) != 0)) {
                snprintf(buf, sizeof buf, "the reply starts %02x%02x%02x%02x",
                         ex->rep_len > 0 ? ex->rep[0] : 0,
                         ex->rep_len > 1 ? ex->rep[1] : 0,
                         ex->rep_len > 2 ? ex->rep[2] : 0,
                         ex->rep_len > 3 ? ex->rep[3] : 0);
                tally_bad(&t, seq, buf);
            }
            break;
        case RMBT_REP_PORT:
            if (ex->rep_src.family == IPPM_AF_NONE)
                break;
            t.seen++;
            if (!ippm_addr_equal(&ex->rep_src, &ex->req_dst)) {
                struct ippm_addr a = ex->rep_src;
                a.port = ex->req_dst.port;
                if (ippm_addr_equal(&a, &ex->req_dst))
                    snprintf(buf, sizeof buf, "the reply came from port %u, "
                             "not %u",
                             (unsigned)ex->rep_src.port,
                             (unsigned)ex->req_dst.port);
                else
                    snprintf(buf, sizeof buf, "the reply came from another "
                             "address");
                tally_bad(&t, seq, buf);
            }
            break;
        case RMBT_REP_AMPLIFY:
            t.seen++;
            if (ex->rep_len * n > RMBT_REP_LEN) {
                snprintf(buf, sizeof buf, "%zu octets back for %zu in",
                         ex->rep_len * n, ex->req_len);
                tally_bad(&t, seq, buf);
            }
            break;
        case RMBT_REP_ONCE:
            t.seen++;
            if (n > 1) {
                snprintf(buf, sizeof buf, "%u replies", n);
                tally_bad(&t, seq, buf);
            }
            break;
        }
    }
    return tally_verdict(&t, "no reply was seen", detail, cap);
}

/* The secret whose packet_hash ex's request carries, its token minted
 * for the request's source into tok; -1 none. */
static int matching_secret(const struct rmbt_server *srv,
                           const struct ippm_exchange *ex,
                           uint8_t tok[RMBT_TOKEN_LEN])
{
    uint32_t time = get32(ex->req + 8);
    for (size_t s = 0; s < srv->n_secrets; s++)
        if (rmbt_token_mint(&srv->secrets[s], time, &ex->req_src, tok) ==
                IPPM_OK &&
            memcmp(tok + 4, ex->req + 12, 8) == 0)
            return (int)s;
    return -1;
}

/* One request of a sender against rule; prev the request before it
 * (NULL: none). Returns -1 not graded, 0 bad (why in buf), 1 good. */
static int sender_one(const struct ippm_obs *obs,
                      const struct rmbt_server *srv, enum rmbt_send_rule rule,
                      const struct ippm_exchange *ex,
                      const struct ippm_exchange *prev, char *buf, size_t cap)
{
    bool whole = ex->req_len == RMBT_REQ_LEN &&
                 memcmp(ex->req, "RP01", 4) == 0;
    uint8_t tok[RMBT_TOKEN_LEN];
    switch (rule) {
    case RMBT_SND_LEN:
        snprintf(buf, cap, "%zu octets", ex->req_len);
        return ex->req_len == RMBT_REQ_LEN;
    case RMBT_SND_MAGIC:
        if (ex->req_len < 4)
            return -1;
        snprintf(buf, cap, "magic %02x%02x%02x%02x", ex->req[0], ex->req[1],
                 ex->req[2], ex->req[3]);
        return memcmp(ex->req, "RP01", 4) == 0;
    case RMBT_SND_WINDOW: {
        if (!whole)
            return -1;
        int64_t now = (int64_t)(ex->req_ns / NS);
        int64_t tol = (int64_t)((obs->clock_tolerance_ns + NS - 1) / NS);
        int64_t age = now - (int64_t)get32(ex->req + 8);
        snprintf(buf, cap, "time %+lld s from the send time", (long long)-age);
        return age <= (int64_t)RMBT_BACK_S + tol &&
               age >= -(int64_t)RMBT_AHEAD_S - tol;
    }
    case RMBT_SND_SEQ:
        if (!prev || prev->req_len < 8 || ex->req_len < 8)
            return -1;
        snprintf(buf, cap, "after %08x", (unsigned)get32(prev->req + 4));
        return get32(ex->req + 4) == (uint32_t)(get32(prev->req + 4) + 1u);
    case RMBT_SND_HASH:
        if (!whole)
            return -1;
        snprintf(buf, cap, "packet_hash of no known secret");
        return matching_secret(srv, ex, tok) >= 0;
    case RMBT_SND_IP_HASH:
        if (!whole || matching_secret(srv, ex, tok) < 0)
            return -1;
        snprintf(buf, cap, "packet_ip_hash not for its source address");
        return memcmp(tok + 12, ex->req + 20, 4) == 0;
    }
    return -1;
}

/* see rmbt_checks.h */
enum ippm_verdict rmbt_chk_sender(const struct ippm_obs *obs,
                                  const struct ippm_case_arg *arg,
                                  char *detail, size_t cap)
{
    enum rmbt_send_rule rule = (enum rmbt_send_rule)arg->type;
    struct rmbt_server srv;
    bool keyed = rmbt_obs_server(obs, &srv);
    if ((rule == RMBT_SND_HASH || rule == RMBT_SND_IP_HASH) && !keyed) {
        snprintf(detail, cap, "the secret is not known (--seed)");
        return IPPM_NA;
    }
    if (rule == RMBT_SND_IP_HASH && (obs->path_flags & IPPM_PATH_NAT)) {
        snprintf(detail, cap, "a NAT rewrites the source address "
                              "(--path nat)");
        return IPPM_NA;
    }
    struct tally t = {0};
    for (size_t i = 0; i < obs->n_ex; i++) {
        char why[96];
        const struct ippm_exchange *ex = &obs->ex[i];
        int r = sender_one(obs, &srv, rule, ex, i ? &obs->ex[i - 1] : NULL,
                           why, sizeof why);
        if (r < 0)
            continue;
        t.seen++;
        if (r == 0)
            tally_bad(&t, req_seq(ex), why);
    }
    return tally_verdict(&t,
                         rule == RMBT_SND_SEQ
                             ? "fewer than two requests were seen"
                             : "no request of this kind was seen",
                         detail, cap);
}
