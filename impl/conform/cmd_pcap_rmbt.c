/* ippm pcap check on RMBT UDP ping captures: every flow from a client to
 * a server (any port) paired by the echoed sequence, graded as a server
 * (the notes' §4 table) and as a client, with the times of the capture as
 * the server's "now" and the secrets of --seed for the hashes. */
#include "impl/conform/cmd_pcap_rmbt.h"

#include <stdlib.h>
#include <string.h>

#include "conformance/rmbt/rmbt_obs.h"
#include "conformance/rmbt/rmbt_pairing.h"
#include "impl/commands.h"
#include "impl/conform/conform_cmd.h"
#include "impl/core/cli.h"
#include "impl/core/crypto_openssl.h"
#include "impl/core/net.h"

/* see cmd_pcap_rmbt.h */
bool rmbt_pcap_found(const struct check_opts *o, const struct capture *c)
{
    if (o->proto != PCAP_PROTO_AUTO)
        return false;
    for (size_t i = 0; i < c->n; i++)
        if (rmbt_pairing_looks_rmbt(&c->d[i]))
            return true;
    return false;
}

static uint64_t end_ns(const struct capture *c)
{
    uint64_t end = 0;
    for (size_t i = 0; i < c->n; i++)
        end = c->d[i].ts_ns > end ? c->d[i].ts_ns : end;
    return end;
}

/* The keyed secrets of --seed, into keys (o->n_seed of them). */
static int key_seeds(const struct check_opts *o, struct ippm_crypto *crypto,
                     struct ippm_hmac_key *keys)
{
    for (size_t i = 0; i < o->n_seed; i++)
        if (ippm_hmac_key_init(&keys[i], crypto, IPPM_HASH_SHA256,
                               (const uint8_t *)o->seed[i],
                               strlen(o->seed[i])) != IPPM_OK) {
            ippm_cli_error("pcap check: OpenSSL cannot key HMAC-SHA-256");
            return IPPM_EXIT_RUNTIME;
        }
    return 0;
}

/* One flow's cases in the roles o asks for, appended to out->res. */
static void grade_flow(const struct check_opts *o, struct ippm_obs *obs,
                       struct rmbt_pcap_out *out, size_t cap)
{
    const enum ippm_role roles[2] = {IPPM_ROLE_REFLECTOR, IPPM_ROLE_SENDER};
    for (int r = 0; r < 2; r++) {
        if (!(o->roles & (r ? ROLE_SENDER : ROLE_REFLECTOR)))
            continue;
        obs->role = roles[r];
        out->n_res += ippm_catalogue_run(obs, o->only, out->res + out->n_res,
                                         cap - out->n_res);
    }
}

static int grade(const struct check_opts *o, const struct capture *c,
                 const struct ippm_hmac_key *keys, struct rmbt_pcap_out *out)
{
    size_t n_cat;
    ippm_catalogue(&n_cat);
    size_t cap = 2 * (n_cat ? n_cat : 1) * (out->n_flows ? out->n_flows : 1);
    out->res = calloc(cap, sizeof *out->res);
    out->flow_rows = calloc(out->n_flows + 1, sizeof *out->flow_rows);
    if (!out->res || !out->flow_rows)
        return -1;
    struct rmbt_obs ext = {{RMBT_OBS_EXT, NULL}, keys, o->n_seed};
    struct ippm_obs obs;
    memset(&obs, 0, sizeof obs);
    obs.protocol = "rmbt";
    obs.ext = &ext.ext;
    /* The capture's clock is the server's on loopback: no slack unless
     * asked, or the boundary rows would all be n/a. */
    obs.clock_tolerance_ns = o->tol_given ? o->tol_ns : 0;
    obs.path_flags = o->path_flags;
    uint64_t end = end_ns(c);
    for (size_t i = 0; i < out->n_flows; i++) {
        struct stamp_flow_group *f = &out->flows[i];
        obs.ex = out->ex + f->first;
        obs.n_ex = f->n;
        obs.unmatched_replies = f->unmatched;
        out->in_flight += stamp_pairing_mark_in_flight(
            out->ex + f->first, f->n, end, STAMP_PAIRING_REPLY_TIMEOUT_NS);
        size_t from = out->n_res;
        out->flow_rows[i] = from;
        grade_flow(o, &obs, out, cap);
        out->flow_rows[i + 1] = out->n_res;
        char a[IPPM_ADDR_STRLEN], b[IPPM_ADDR_STRLEN], name[2 * IPPM_ADDR_STRLEN + 8];
        snprintf(name, sizeof name, "%s -> %s",
                 ippm_addr_fmt(&f->snd, a, sizeof a),
                 ippm_addr_fmt(&f->refl, b, sizeof b));
        if (out->n_flows > 1)
            stamp_flows_name_details(out->res + from, out->n_res - from, name);
    }
    return 0;
}

/* see cmd_pcap_rmbt.h */
int rmbt_pcap_run(const struct check_opts *o, const struct capture *c,
                  struct rmbt_pcap_out *out)
{
    memset(out, 0, sizeof *out);
    size_t n = c->n ? c->n : 1;
    struct rmbt_pairing_mem mem = {calloc(2 * n, sizeof *mem.ex),
                                   calloc(n, sizeof *mem.flows),
                                   calloc(n, sizeof *mem.servers)};
    out->ex = mem.ex;
    out->flows = mem.flows;
    if (!mem.ex || !mem.flows || !mem.servers) {
        free(mem.servers);
        ippm_cli_error("pcap check: out of memory");
        return IPPM_EXIT_RUNTIME;
    }
    rmbt_pairing_run(c->d, c->n, &mem, &out->n_ex, &out->n_flows, &out->k);
    for (size_t i = 0; i < c->n; i++)
        out->servers += i < n && mem.servers[i].family != IPPM_AF_NONE;
    free(mem.servers);
    out->keyed = o->n_seed > 0;
    struct ippm_crypto crypto;
    struct ippm_hmac_key keys[PCAP_SEEDS_MAX];
    memset(keys, 0, sizeof keys);
    bool crypto_ok = false;
    int rc = 0;
    if (o->n_seed) {
        crypto_ok = ippm_crypto_openssl_init(&crypto) == 0;
        rc = crypto_ok ? key_seeds(o, &crypto, keys) : IPPM_EXIT_RUNTIME;
        if (!crypto_ok)
            ippm_cli_error("pcap check: OpenSSL has no HMAC-SHA-256");
    }
    if (rc == 0 && grade(o, c, keys, out) != 0) {
        ippm_cli_error("pcap check: out of memory");
        rc = IPPM_EXIT_RUNTIME;
    }
    for (size_t i = 0; i < o->n_seed; i++)
        ippm_hmac_key_free(&keys[i]);
    if (crypto_ok)
        ippm_crypto_openssl_free(&crypto);
    return rc;
}

/* see cmd_pcap_rmbt.h */
void rmbt_pcap_summary(FILE *f, const struct capture *c,
                       const struct rmbt_pcap_out *out)
{
    fprintf(f,
            "capture: %llu frames, %llu UDP datagrams; RMBT UDP ping: %zu "
            "server address%s, %llu requests, %llu replies (%llu matched, "
            "%llu duplicate, %llu unmatched)\n",
            (unsigned long long)c->counts.frames,
            (unsigned long long)c->counts.by[IPPM_PCAP_UDP], out->servers,
            out->servers == 1 ? "" : "es",
            (unsigned long long)out->k.requests,
            (unsigned long long)out->k.replies,
            (unsigned long long)out->k.matched,
            (unsigned long long)out->k.duplicates,
            (unsigned long long)out->k.unmatched);
    fprintf(f, "protocol: RMBT UDP ping (rmbt-udp-ping notes), the capture's "
               "times as the server's clock; %s\n",
            out->keyed ? "hashes checked with --seed"
                       : "no --seed: the rows that need the key are n/a");
}

/* see cmd_pcap_rmbt.h */
bool rmbt_pcap_nothing_graded(const struct rmbt_pcap_out *out)
{
    for (size_t i = 0; i < out->n_res; i++)
        if (out->res[i].verdict != IPPM_NA)
            return false;
    ippm_cli_error("pcap check: nothing graded: every RMBT case is n/a "
                   "(%llu requests, %llu replies)",
                   (unsigned long long)out->k.requests,
                   (unsigned long long)out->k.replies);
    return true;
}
