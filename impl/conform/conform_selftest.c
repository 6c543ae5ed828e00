/* `ippm conform` with no target: ippm's own reflector and sender in
 * every mode, graded and merged into one report (conform_cmd.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/stamp/stamp.h"
#include "impl/commands.h"
#include "impl/conform/conform_cmd.h"
#include "impl/conform/conform_live.h"
#include "impl/conform/conform_prober.h"
#include "impl/conform/conform_rmbt.h"
#include "impl/conform/conform_udping.h"
#include "impl/core/cli.h"
#include "impl/core/clock.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/net.h"
#include "impl/twamp/light.h"

/* ---- `ippm conform` with no target ----
 * ippm's own reflector in every mode the catalogue needs, each a
 * reflector of its own, probed in turn; then ippm's own sender in each of
 * its modes, graded. Per case the most telling verdict (fail, then pass,
 * then n/a) wins, its detail naming the modes. */

struct self_mode {
    const char *name;
    bool stateful;
    bool auth;
    enum ippm_tsfmt tsfmt;
    bool try_862; /* RFC 8762 §4.1: the default port, when it can bind */
    bool ssids;   /* RFC 8972 §3: provisioned with the probes' SSIDs */
    bool twamp_light; /* `ippm twamp light-reflector`, TWAMP-Light probes */
    bool encrypted;   /* with twamp_light and auth: mode E, not A */
};

static const struct self_mode self_modes[] = {
    {"open stateless", false, false, IPPM_TS_NTP, true, true, false, false},
    {"open stateful", true, false, IPPM_TS_NTP, false, false, false, false},
    {"authenticated", false, true, IPPM_TS_NTP, false, false, false, false},
    {"PTP timestamps", false, false, IPPM_TS_PTP, false, false, false, false},
};

/* ippm's own TWAMP-Light reflector (RFC 5357 Appendix I): both modes. */
static const struct self_mode twl_modes[] = {
    {"TWAMP-Light stateless", false, false, IPPM_TS_NTP, false, false, true, false},
    {"TWAMP-Light stateful", true, false, IPPM_TS_NTP, false, false, true, false},
    {"TWAMP-Light authenticated", false, true, IPPM_TS_NTP, false, false, true,
     false},
    {"TWAMP-Light encrypted", true, true, IPPM_TS_NTP, false, false, true,
     true},
};

/* ippm's own sender: open (with an HMAC TLV), authenticated, PTP. The
 * open one runs as with no port and no format given (RFC 8762 §4.1,
 * §4.2.1: to port 862, NTP) when port 862 can be bound to grade it. */
static const struct self_mode send_modes[] = {
    {"open sender", false, false, IPPM_TS_NTP, true, false, false, false},
    {"authenticated sender", false, true, IPPM_TS_NTP, false, false, false, false},
    {"PTP sender", false, false, IPPM_TS_PTP, false, false, false, false},
};
#define N_MODES_MAX 4 /* modes of one target */

static int verdict_rank(enum ippm_verdict v)
{
    return v == IPPM_FAIL ? 2 : v == IPPM_PASS ? 1 : 0;
}

/* Appends sep, mode, ": " and detail to d (IPPM_DETAIL_MAX octets), cut
 * to fit when whole is false, else only when it fits whole. */
static void detail_put(char *d, const char *sep, const char *mode,
                       const char *detail, bool whole)
{
    size_t l = strlen(d);
    const char *part[4] = {sep, mode, ": ", detail};
    size_t need = 0;
    for (size_t i = 0; i < 4; i++)
        need += strlen(part[i]);
    if (whole && l + need >= IPPM_DETAIL_MAX)
        return;
    for (size_t i = 0; i < 4; i++)
        for (const char *c = part[i]; *c && l + 1 < IPPM_DETAIL_MAX; c++)
            d[l++] = *c;
    d[l] = '\0';
}

/* Case i of every mode's results into m: the most telling verdict; its
 * detail names the modes that gave it ("open stateless, PTP timestamps:
 * 3 checked; authenticated: 2 checked"). */
static void merge_case(struct ippm_case_result *m,
                       struct ippm_case_result *const *res,
                       const struct self_mode *modes, size_t n_modes, size_t i)
{
    size_t best = 0;
    for (size_t k = 1; k < n_modes; k++)
        if (verdict_rank(res[k][i].verdict) >
            verdict_rank(res[best][i].verdict))
            best = k;
    m->c = res[best][i].c;
    m->verdict = res[best][i].verdict;
    m->detail[0] = '\0';
    bool done[N_MODES_MAX] = {false};
    bool first = true;
    for (size_t k = 0; k < n_modes; k++) {
        if (done[k] || res[k][i].verdict != m->verdict)
            continue;
        /* This detail, with every mode that gave the same. */
        char names[IPPM_DETAIL_MAX] = "";
        for (size_t j = k; j < n_modes; j++) {
            if (done[j] || res[j][i].verdict != m->verdict ||
                strcmp(res[j][i].detail, res[k][i].detail) != 0)
                continue;
            done[j] = true;
            detail_put(names, names[0] ? ", " : "", modes[j].name, "", false);
            names[strlen(names) - 2] = '\0'; /* the ": " */
        }
        detail_put(m->detail, first ? "" : "; ", names, res[k][i].detail,
                   !first);
        first = false;
    }
}

/* Cases that no mode of the self-test can make apply: why, exactly. */
static void explain_na(struct ippm_case_result *m, size_t n,
                       const char *err_862)
{
    for (size_t i = 0; i < n; i++) {
        if (m[i].verdict != IPPM_NA)
            continue;
        if (!strcmp(m[i].c->id, "STAMP-8762-4.1-01") && err_862[0])
            snprintf(m[i].detail, sizeof m[i].detail,
                     "ippm's own reflector could not listen on UDP port "
                     "862 (%s): the self-test ran on a free port; as root "
                     "(or with CAP_NET_BIND_SERVICE) and 862 free it is "
                     "graded",
                     err_862);
        if ((!strcmp(m[i].c->id, "STAMP-8762-4.1-02") ||
             !strcmp(m[i].c->id, "STAMP-8762-4.2.1-09")) &&
            err_862[0])
            snprintf(m[i].detail, sizeof m[i].detail,
                     "ippm could not listen on UDP port 862 (%s) for its "
                     "own sender's default port: the sender ran to a free "
                     "port; as root (or with CAP_NET_BIND_SERVICE) and 862 "
                     "free it is graded",
                     err_862);
    }
}

/* What every mode of the self-test shares. */
struct self_ctx {
    const struct conform_opts *o;
    const struct ippm_crypto *crypto;
    const uint8_t *key; /* random, made for this run */
    size_t key_len;
    char err_862[IPPM_NET_ERRLEN]; /* why port 862 could not be bound */
};

/* RFC 8972 §3: the SSIDs a self_mode's reflector is provisioned with,
 * those the probes use; the prober's outsider SSID is not among them. */
static const uint16_t provisioned[] = {PROBE_SSID, PROBE_SSID + 1};

/* Runs one mode: its own reflector, probed; results into *res. */
struct twl_self_keys;
static int self_probe(struct self_ctx *cx, const struct self_mode *md,
                      const struct twl_self_keys *tk, struct conform_run *run,
                      struct ippm_case_result **res, size_t *n);

/* TWAMP Light in mode A or E: one key made of the run's random one (AES
 * Session-key, HMAC Session-key, SID), in two contexts: the reflector
 * thread's and the prober's. */
struct twl_self_keys {
    const struct stamp_twl_auth *refl, *probe;
    void *refl_state, *probe_state;
};

static int twl_self_keys(const struct self_ctx *cx, const struct self_mode *md,
                         struct twl_self_keys *k)
{
    uint8_t raw[64];
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = cx->key[i % cx->key_len];
    int rc = twamp_light_auth_raw("conform", raw, md->encrypted, false,
                                  0x0001, &k->refl, &k->refl_state);
    if (rc < 0)
        rc = twamp_light_auth_raw("conform", raw, md->encrypted, false,
                                  0x0001, &k->probe, &k->probe_state);
    memset(raw, 0, sizeof raw);
    return rc;
}

static void twl_self_keys_free(struct twl_self_keys *k)
{
    twamp_light_reflector_front.auth_close(k->refl_state);
    twamp_light_reflector_front.auth_close(k->probe_state);
}

static int self_one(struct self_ctx *cx, const struct self_mode *md,
                    struct conform_run *run, struct ippm_case_result **res,
                    size_t *n)
{
    struct twl_self_keys tk = {0};
    if (md->twamp_light && md->auth) {
        int krc = twl_self_keys(cx, md, &tk);
        if (krc >= 0) {
            twl_self_keys_free(&tk);
            return krc;
        }
    }
    int rc = self_probe(cx, md, &tk, run, res, n);
    twl_self_keys_free(&tk);
    return rc;
}

/* One mode's own reflector, probed; tk: TWAMP Light's keys, if any. */
static int self_probe(struct self_ctx *cx, const struct self_mode *md,
                      const struct twl_self_keys *tk, struct conform_run *run,
                      struct ippm_case_result **res, size_t *n)
{
    const struct conform_opts *o = cx->o;
    const struct ippm_crypto *crypto = cx->crypto;
    const uint8_t *key = cx->key;
    size_t key_len = cx->key_len;
    char err[IPPM_NET_ERRLEN];
    uint16_t port = 0;
    bool stamp_auth = md->auth && !md->twamp_light;
    struct conform_selfrefl_opts so = {
        .twamp_light = md->twamp_light,
        .twl_auth = tk->refl,
        .stateful = md->stateful,
        .auth = stamp_auth,
        .tsfmt = md->tsfmt,
        .key = key,
        .key_len = key_len,
        .port = md->try_862 ? STAMP_PORT : 0,
        .ssids = md->ssids ? provisioned : NULL,
        .n_ssids = md->ssids ? COUNT_OF(provisioned) : 0,
    };
    struct conform_selfrefl *s =
        conform_selfrefl_start(&so, &port, err, sizeof err);
    if (!s && md->try_862) {
        snprintf(cx->err_862, sizeof cx->err_862, "%s", err);
        so.port = 0;
        s = conform_selfrefl_start(&so, &port, err, sizeof err);
    }
    if (!s) {
        ippm_cli_error("conform: own reflector (%s): %s", md->name, err);
        return IPPM_EXIT_RUNTIME;
    }
    struct ippm_addr target = {IPPM_AF_INET, {127, 0, 0, 1}, port, 0};
    struct conform_reflector_opts ro = {
        .target = target,
        .twamp_light = md->twamp_light,
        .twl_auth = tk->probe,
        .auth = stamp_auth,
        .crypto = crypto,
        .key = stamp_auth ? key : NULL,
        .key_len = stamp_auth ? key_len : 0,
        .expect_stateful = md->stateful,
        .expect_tsfmt = (uint8_t)(1 + md->tsfmt),
        .timeout_ns = o->timeout_ns,
        .tolerance_ns = o->tolerance_ns,
        .ttl = o->ttl,
        .tlv_key = md->auth || md->twamp_light ? NULL : key,
        .tlv_key_len = md->auth || md->twamp_light ? 0 : key_len,
        .ssid_set = md->ssids ? provisioned : NULL,
        .n_ssid_set = md->ssids ? COUNT_OF(provisioned) : 0,
    };
    printf("ippm's own %s reflector, %s, on 127.0.0.1:%u\n",
           md->twamp_light ? "TWAMP-Light" : "STAMP", md->name, port);
    fflush(stdout); /* progress, also through a pipe */
    int rc = IPPM_EXIT_OK;
    if (conform_live_reflector(&ro, run, err, sizeof err) != 0) {
        ippm_cli_error("conform: %s: %s", md->name, err);
        rc = IPPM_EXIT_RUNTIME;
    } else if (conform_no_reply(run) && !ippm_net_stopping()) {
        /* After a stop signal, the modes left grade nothing (n/a). */
        ippm_cli_error("conform: own reflector (%s) gave no reply", md->name);
        rc = IPPM_EXIT_RUNTIME;
    } else {
        conform_print_traffic(run);
        *res = conform_run_catalogue(&run->obs, o, NULL, n, &rc);
        if (*res)
            rc = IPPM_EXIT_OK;
    }
    conform_selfrefl_stop(s);
    return rc;
}

/* Runs one sender mode: ippm's own sender to our grading reflector;
 * results into *res. */
static int self_send_one(struct self_ctx *cx, const struct self_mode *md,
                         struct conform_run *run,
                         struct ippm_case_result **res, size_t *n)
{
    const struct conform_opts *o = cx->o;
    const struct ippm_crypto *crypto = cx->crypto;
    const uint8_t *key = cx->key;
    size_t key_len = cx->key_len;
    char err[IPPM_NET_ERRLEN];
    struct ippm_addr lo = {IPPM_AF_INET, {127, 0, 0, 1}, 0, 0};
    struct ippm_sock tmp;
    /* The sender's default port (STAMP_PORT, as `ippm stamp sender`
     * with no --port) when it can be bound, else a free port for the
     * grading reflector: the sender needs it first. */
    bool defaults = md->try_862 &&
                    ippm_net_open_bound(&tmp, &lo, STAMP_PORT, err,
                                        sizeof err) == 0;
    if (md->try_862 && !defaults)
        snprintf(cx->err_862, sizeof cx->err_862, "%s", err);
    if (!defaults && ippm_net_open_bound(&tmp, &lo, 0, err, sizeof err) != 0) {
        ippm_cli_error("conform: %s: %s", md->name, err);
        return IPPM_EXIT_RUNTIME;
    }
    lo.port = tmp.local.port;
    ippm_net_close(&tmp);
    struct conform_selfsend_opts sso = {
        .target = lo,
        .auth = md->auth,
        .tsfmt = md->tsfmt,
        .crypto = crypto,
        .key = key,
        .key_len = key_len,
        .delay_ns = NS_PER_S / 5,
    };
    struct conform_sender_opts so = {
        .listen = &lo,
        .port = lo.port,
        .count = CONFORM_SELFSEND_SESSIONS * CONFORM_SELFSEND_COUNT,
        .timeout_ns = NS_PER_S,
        .auth = md->auth,
        .crypto = crypto,
        .key = key,
        .key_len = key_len,
        .tolerance_ns = o->tolerance_ns,
        .quiet = true,
    };
    struct conform_selfsend *x = conform_selfsend_start(&sso, err, sizeof err);
    if (!x) {
        ippm_cli_error("conform: own sender (%s): %s", md->name, err);
        return IPPM_EXIT_RUNTIME;
    }
    int rc = IPPM_EXIT_OK;
    if (conform_live_sender(&so, run, err, sizeof err) != 0) {
        ippm_cli_error("conform: %s: %s", md->name, err);
        rc = IPPM_EXIT_RUNTIME;
    }
    conform_selfsend_stop(x);
    if (rc != IPPM_EXIT_OK)
        return rc;
    if (!run->obs.n_ex && !ippm_net_stopping()) {
        ippm_cli_error("conform: own sender (%s) sent nothing", md->name);
        return IPPM_EXIT_RUNTIME;
    }
    /* Run as with no port and no format given: its defaults are graded. */
    run->obs.sender_defaults = defaults;
    printf("ippm's own STAMP sender, %s: %zu packets graded\n", md->name,
           run->obs.n_ex);
    *res = conform_run_catalogue(&run->obs, o, NULL, n, &rc);
    return *res ? IPPM_EXIT_OK : rc;
}

/* see conform_cmd.h */
const struct conform_selftest conform_selftest_reflector = {
    self_modes, COUNT_OF(self_modes), self_one};
const struct conform_selftest conform_selftest_sender = {
    send_modes, COUNT_OF(send_modes), self_send_one};
const struct conform_selftest conform_selftest_twamp_light = {
    twl_modes, COUNT_OF(twl_modes), self_one};

/* ippm's own TWAMP and OWAMP servers (conform_owtw_self): open, and
 * encrypted with a key made for the run. */
static const struct self_mode owtw_modes[] = {
    {"open", false, false, IPPM_TS_NTP, false, false, false, false},
    {"encrypted", false, true, IPPM_TS_NTP, false, false, false, false},
};

static int self_twamp_server_one(struct self_ctx *cx,
                                 const struct self_mode *md,
                                 struct conform_run *run,
                                 struct ippm_case_result **res, size_t *n)
{
    (void)run;
    return conform_owtw_self(cx->o, false, md->auth, cx->crypto, res, n);
}

static int self_owamp_server_one(struct self_ctx *cx,
                                 const struct self_mode *md,
                                 struct conform_run *run,
                                 struct ippm_case_result **res, size_t *n)
{
    (void)run;
    return conform_owtw_self(cx->o, true, md->auth, cx->crypto, res, n);
}

/* see conform_cmd.h */
const struct conform_selftest conform_selftest_twamp_server = {
    owtw_modes, COUNT_OF(owtw_modes), self_twamp_server_one};
const struct conform_selftest conform_selftest_owamp_server = {
    owtw_modes, COUNT_OF(owtw_modes), self_owamp_server_one};

/* ippm's own RMBT server (conform_rmbt_self), with a fresh secret. */
static const struct self_mode rmbt_modes[] = {
    {"secret", false, false, IPPM_TS_NTP, false, false, false, false},
};

static int self_rmbt_server_one(struct self_ctx *cx,
                                const struct self_mode *md,
                                struct conform_run *run,
                                struct ippm_case_result **res, size_t *n)
{
    (void)run;
    (void)md;
    return conform_rmbt_self(cx->o, cx->crypto, res, n);
}

/* see conform_cmd.h */
const struct conform_selftest conform_selftest_rmbt_server = {
    rmbt_modes, COUNT_OF(rmbt_modes), self_rmbt_server_one};

/* ippm's own `ippm udping client` (conform_udping.c): socket mode. */
static const struct self_mode udping_modes[] = {
    {"ippm udping client", false, false, IPPM_TS_NTP, false, false, false,
     false},
    {"ippm udping client --legacy", false, false, IPPM_TS_NTP, false, false,
     false, false},
};

static int self_udping_one(struct self_ctx *cx, const struct self_mode *md,
                           struct conform_run *run,
                           struct ippm_case_result **res, size_t *n)
{
    (void)run;
    uint64_t seed = 0;
    for (size_t i = 0; i < 8 && i < cx->key_len; i++)
        seed = seed << 8 | cx->key[i]; /* the run's random key */
    return conform_udping_self(cx->o, seed, md != udping_modes, res, n);
}

/* see conform_cmd.h */
const struct conform_selftest conform_selftest_udping_sender = {
    udping_modes, COUNT_OF(udping_modes), self_udping_one};

/* ippm's own `ippm udping server` (conform_udping_server.c), statsd on. */
static const struct self_mode udping_server_modes[] = {
    {"ippm udping server", false, false, IPPM_TS_NTP, false, false, false,
     false},
};

static int self_udping_server_one(struct self_ctx *cx,
                                  const struct self_mode *md,
                                  struct conform_run *run,
                                  struct ippm_case_result **res, size_t *n)
{
    (void)md;
    (void)run;
    return conform_udping_server_self(cx->o, res, n);
}

/* see conform_cmd.h */
const struct conform_selftest conform_selftest_udping_server = {
    udping_server_modes, COUNT_OF(udping_server_modes),
    self_udping_server_one};

/* Merges n_modes results (n cases each) into a calloc'd array; NULL when
 * out of memory. */
static struct ippm_case_result *merge_modes(struct ippm_case_result *const *res,
                                            const struct self_mode *modes,
                                            size_t n_modes, size_t n)
{
    struct ippm_case_result *m = calloc(n ? n : 1, sizeof *m);
    if (!m)
        return NULL;
    for (size_t i = 0; i < n; i++)
        merge_case(&m[i], res, modes, n_modes, i);
    return m;
}

/* One target's self-test: each of its modes in turn, merged into *out
 * (*n cases). *keep takes the first run of our own probes, for the
 * --html round-trip plot. Returns the exit status. */
static int self_target(struct self_ctx *cx, const struct conform_target *t,
                       struct ippm_case_result **out, size_t *n,
                       struct conform_run **keep)
{
    struct ippm_case_result *res[N_MODES_MAX] = {NULL};
    size_t n_res[N_MODES_MAX] = {0};
    int rc = IPPM_EXIT_OK;
    *n = 0;
    if (!t->self) /* no own peer to grade yet (TWAMP/OWAMP servers) */
        return IPPM_EXIT_OK;
    for (size_t k = 0; k < t->self->n_modes && rc == IPPM_EXIT_OK; k++) {
        struct conform_run *run = calloc(1, sizeof *run);
        if (!run) {
            ippm_cli_error("conform: out of memory");
            rc = IPPM_EXIT_RUNTIME;
            break;
        }
        rc = t->self->one(cx, &t->self->modes[k], run, &res[k], &n_res[k]);
        /* The plot draws the base probes' round trips. */
        if (!*keep && rc == IPPM_EXIT_OK &&
            (t->probes & IPPM_PROBE_STAMP_BASE)) {
            *keep = run;
        } else {
            conform_run_free(run);
            free(run);
        }
    }
    /* Same catalogue, same --only: every mode ran the same cases. */
    *n = n_res[0];
    if (rc == IPPM_EXIT_OK &&
        !(*out = merge_modes(res, t->self->modes, t->self->n_modes, *n))) {
        ippm_cli_error("conform: out of memory");
        rc = IPPM_EXIT_RUNTIME;
    }
    for (size_t k = 0; k < N_MODES_MAX; k++)
        free(res[k]);
    return rc;
}

/* see conform_cmd.h */
int conform_self_suite(const struct conform_opts *o,
                       const struct conform_target *targets, size_t n_targets)
{
    struct ippm_crypto crypto;
    uint8_t key[32];
    memset(&crypto, 0, sizeof crypto);
    if (ippm_crypto_openssl_init(&crypto) != 0 ||
        crypto.random(crypto.ctx, key, sizeof key) != IPPM_OK) {
        ippm_crypto_openssl_free(&crypto);
        ippm_cli_error("conform: OpenSSL has no HMAC-SHA-256 or no random "
                       "source");
        return IPPM_EXIT_RUNTIME;
    }
    struct self_ctx cx = {o, &crypto, key, sizeof key, ""};
    struct conform_run *keep = NULL; /* the first probed mode's, --html */
    struct ippm_case_result *part[CONFORM_TARGETS_MAX] = {NULL};
    size_t n_part[CONFORM_TARGETS_MAX] = {0}, total = 0;
    struct ippm_case_result *merged = NULL;
    uint64_t start = ippm_clock_realtime();
    int rc = IPPM_EXIT_OK;
    for (size_t t = 0; t < n_targets && rc == IPPM_EXIT_OK; t++) {
        rc = self_target(&cx, &targets[t], &part[t], &n_part[t],
                         &keep);
        total += n_part[t];
    }
    if (rc == IPPM_EXIT_OK && total == 0 && o->only) {
        ippm_cli_error("--only: no case matches '%s'", o->only);
        rc = IPPM_EXIT_USAGE;
    }
    if (rc == IPPM_EXIT_OK &&
        !(merged = calloc(total ? total : 1, sizeof *merged))) {
        ippm_cli_error("conform: out of memory");
        rc = IPPM_EXIT_RUNTIME;
    }
    if (rc == IPPM_EXIT_OK) {
        for (size_t t = 0, at = 0; t < n_targets; at += n_part[t], t++)
            memcpy(merged + at, part[t], n_part[t] * sizeof *merged);
        explain_na(merged, total, cx.err_862);
        printf("\n");
        rc = conform_report_results(
            o, "stamp", "ippm's own reflector and sender, every mode", start,
            merged, total, keep ? keep->ex : NULL, keep ? keep->obs.n_ex : 0,
            NULL); /* every mode: no one reflector mode */
    }
    for (size_t t = 0; t < n_targets; t++)
        free(part[t]);
    free(merged);
    if (keep) {
        conform_run_free(keep);
        free(keep);
    }
    ippm_crypto_openssl_free(&crypto);
    return rc;
}
