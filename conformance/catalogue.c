/* The catalogue: every per-RFC table joined into one, and the runner. */
#include "ippm_conform.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/cases/cases.h"
#include "conformance/stamp/stamp_check_util.h"
#include "conformance/stamp/stamp_obs.h"

struct table {
    const struct ippm_case *c;
    const size_t *n;
};

/* A new protocol adds its tables here (h2spec spec/spec.go). */
static const struct table tables[] = {
    {ippm_cases_stamp_8762, &ippm_cases_stamp_8762_n},
    {ippm_cases_stamp_8972, &ippm_cases_stamp_8972_n},
    {ippm_cases_stamp_9503, &ippm_cases_stamp_9503_n},
    {ippm_cases_stamp_9534, &ippm_cases_stamp_9534_n},
    {ippm_cases_stamp_drafts, &ippm_cases_stamp_drafts_n},
    {ippm_cases_twamp_test, &ippm_cases_twamp_test_n},
    {ippm_cases_owamp_4656, &ippm_cases_owamp_4656_n},
    {ippm_cases_twamp_5357, &ippm_cases_twamp_5357_n},
    {ippm_cases_twamp_ext, &ippm_cases_twamp_ext_n},
    {ippm_cases_rmbt, &ippm_cases_rmbt_n},
    {ippm_cases_udping, &ippm_cases_udping_n},
};

static struct ippm_case *joined;
static size_t n_joined;
static pthread_once_t join_once = PTHREAD_ONCE_INIT;

/* Sized to the tables, so no row is ever dropped however many protocols
 * join. Runs once; the copy lives as long as the process. */
static void join(void)
{
    size_t total = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        total += *tables[t].n;
    joined = calloc(total ? total : 1, sizeof *joined);
    if (!joined)
        abort(); /* a catalogue with rows missing would grade silently */
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < *tables[t].n; i++)
            joined[n_joined++] = tables[t].c[i];
}

/* see ippm_conform.h */
const struct ippm_case *ippm_catalogue(size_t *n)
{
    pthread_once(&join_once, join);
    *n = n_joined;
    return joined;
}

#define FNV64_OFFSET 0xcbf29ce484222325ull
#define FNV64_PRIME  0x100000001b3ull

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * FNV64_PRIME;
    return h;
}

/* A string and its terminating NUL, so "ab","c" and "a","bc" differ; NULL
 * hashes as the empty string. */
static uint64_t fnv_str(uint64_t h, const char *s)
{
    return s ? fnv_bytes(h, s, strlen(s) + 1) : fnv_bytes(h, "", 1);
}

/* An integer as 8 octets, least significant first (the same on every
 * host). */
static uint64_t fnv_int(uint64_t h, long long v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((unsigned long long)v >> (8 * i));
    return fnv_bytes(h, b, sizeof b);
}

/* h extended by every field of c that a report reader relies on. */
static uint64_t case_hash(uint64_t h, const struct ippm_case *c)
{
    h = fnv_str(h, c->id);
    h = fnv_str(h, c->section);
    h = fnv_int(h, c->level);
    h = fnv_int(h, c->role);
    h = fnv_str(h, c->title);
    h = fnv_str(h, c->quote);
    h = fnv_int(h, c->arg.type);
    return fnv_int(h, c->arg.flags);
}

/* see ippm_conform.h */
uint64_t ippm_cases_version(const struct ippm_case *c, size_t n)
{
    uint64_t h = FNV64_OFFSET;
    for (size_t i = 0; i < n; i++)
        h = case_hash(h, &c[i]);
    return h;
}

/* see ippm_conform.h */
uint64_t ippm_catalogue_version(void)
{
    /* The tables in turn, as ippm_catalogue() joins them: the same value
     * as ippm_cases_version() over the joined copy, without making it. */
    uint64_t h = FNV64_OFFSET;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < *tables[t].n; i++)
            h = case_hash(h, &tables[t].c[i]);
    return h;
}

/* see ippm_conform.h */
const char *ippm_obs_reflector_mode(const struct ippm_obs *obs,
                                    const char **how)
{
    const char *unused;
    if (!how)
        how = &unused;
    *how = NULL;
    /* STAMP's, or TWAMP Light's on STAMP's packets (stamp_obs.h). */
    bool stamp_pkts = obs->protocol &&
                      (strcasecmp(obs->protocol, "stamp") == 0 ||
                       ippm_obs_ext_find(obs, STAMP_OBS_PKT) != NULL);
    if (obs->role != IPPM_ROLE_REFLECTOR || !stamp_pkts)
        return NULL;
    bool replied = false;
    for (size_t i = 0; i < obs->n_ex && !replied; i++)
        replied = obs->ex[i].rep != NULL;
    if (obs->expect_stateful < 0 && !replied)
        return NULL;
    return stamp_obs_stateful(obs, how) ? "stateful" : "stateless";
}

/* see ippm_conform.h */
const struct ippm_case *ippm_case_find(const char *id)
{
    size_t n;
    const struct ippm_case *c = ippm_catalogue(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].id, id) == 0)
            return &c[i];
    return NULL;
}

/* An ID "STAMP-8762-..." belongs to protocol "stamp": the part before the
 * first '-', compared without case. */
static bool case_of_protocol(const struct ippm_case *c, const char *proto)
{
    if (!proto)
        return true;
    size_t l = strlen(proto);
    if (strncasecmp(c->id, proto, l) != 0)
        return false;
    return c->id[l] == '-';
}

/* only: a prefix, or several separated by commas. */
static bool case_selected(const struct ippm_case *c, const char *only)
{
    if (!only || !*only)
        return true;
    const char *p = only;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l && strncmp(c->id, p, l) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

/* see ippm_conform.h */
size_t ippm_catalogue_run(const struct ippm_obs *obs, const char *only,
                          struct ippm_case_result *out, size_t cap)
{
    size_t n, selected = 0;
    const struct ippm_case *c = ippm_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        if (c[i].role != obs->role || !case_of_protocol(&c[i], obs->protocol) ||
            !case_selected(&c[i], only))
            continue;
        if (selected++ >= cap)
            continue; /* counted, so the caller sees it was cut */
        struct ippm_case_result *r = &out[selected - 1];
        r->c = &c[i];
        r->detail[0] = '\0';
        if (!c[i].check) {
            r->verdict = IPPM_NA;
            snprintf(r->detail, sizeof r->detail, "no check implemented");
            continue;
        }
        r->verdict = c[i].check(obs, &c[i].arg, r->detail, sizeof r->detail);
        if (r->verdict != IPPM_PASS && !r->detail[0])
            snprintf(r->detail, sizeof r->detail, "%s",
                     r->verdict == IPPM_NA ? "not applicable"
                                           : "failed (no detail given)");
    }
    return selected;
}

/* see ippm_conform.h */
const struct ippm_obs_ext *ippm_obs_ext_find(const struct ippm_obs *obs,
                                             const char *name)
{
    for (const struct ippm_obs_ext *x = obs->ext; x; x = x->next)
        if (x->name && strcmp(x->name, name) == 0)
            return x;
    return NULL;
}

/* see ippm_conform.h */
bool ippm_result_fails_run(const struct ippm_case_result *r, bool strict)
{
    if (r->verdict != IPPM_FAIL)
        return false;
    /* A MAY is an option: its case is advice and never fails a run. An
     * ADVISORY breaks no key word but misleads every measurement: strict
     * holds it to the SHOULD bar. */
    if (r->c->level == IPPM_MUST)
        return true;
    return strict &&
           (r->c->level == IPPM_SHOULD || r->c->level == IPPM_ADVISORY);
}

/* see ippm_conform.h */
const char *ippm_level_str(enum ippm_level l)
{
    switch (l) {
    case IPPM_MUST:
        return "MUST";
    case IPPM_SHOULD:
        return "SHOULD";
    case IPPM_MAY:
        return "MAY";
    case IPPM_ADVISORY:
        return "ADVISORY";
    }
    return "?";
}

/* see ippm_conform.h */
const char *ippm_verdict_str(enum ippm_verdict v)
{
    switch (v) {
    case IPPM_NA:
        return "n/a";
    case IPPM_PASS:
        return "pass";
    case IPPM_FAIL:
        return "fail";
    }
    return "?";
}

/* see ippm_conform.h */
const char *ippm_role_str(enum ippm_role r)
{
    return r == IPPM_ROLE_SENDER ? "sender" : "reflector";
}
