/* --only checked against the catalogue before any traffic: a prefix that
 * selects no case would otherwise be found out only after the probes
 * (issue 9, "Fail fast"). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conformance/cases/cases.h"
#include "conformance/stamp/stamp_obs.h"
#include "impl/conform/conform_cmd.h"
#include "impl/core/cli.h"

/* Protocol and role as ippm_catalogue_run selects them: the ID's part
 * before the first '-' is the protocol, compared without case. */
static bool in_scope(const struct ippm_case *c, const char *protocol,
                     unsigned roles)
{
    size_t l = strlen(protocol);
    return (roles & (1u << c->role)) && strncasecmp(c->id, protocol, l) == 0 &&
           c->id[l] == '-';
}

/* Length of the ID's first two parts with their dashes: "STAMP-8762-". */
static size_t family_len(const char *id)
{
    const char *d = strchr(id, '-');
    d = d ? strchr(d + 1, '-') : NULL;
    return d ? (size_t)(d - id + 1) : strlen(id);
}

/* The families of the cases in scope, "STAMP-8762-, STAMP-8972-", into
 * buf; and the in-scope ID sharing the longest start with p (l octets). */
static const char *describe(const char *protocol, unsigned roles,
                            const char *p, size_t l, char *buf, size_t cap)
{
    size_t n, best_len = 0, used = 0;
    const struct ippm_case *c = ippm_catalogue(&n);
    const char *best = NULL;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!in_scope(&c[i], protocol, roles))
            continue;
        size_t k = 0;
        while (k < l && c[i].id[k] == p[k])
            k++;
        if (k > best_len) {
            best_len = k;
            best = c[i].id;
        }
        size_t fl = family_len(c[i].id);
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = in_scope(&c[j], protocol, roles) &&
                   family_len(c[j].id) == fl &&
                   strncmp(c[j].id, c[i].id, fl) == 0;
        if (!seen && used < cap)
            used += (size_t)snprintf(buf + used, cap - used, "%s%.*s",
                                     used ? ", " : "", (int)fl, c[i].id);
    }
    /* Closest only when it shares more than the protocol's name. */
    return best_len > strlen(protocol) + 1 ? best : NULL;
}

/* see conform_cmd.h */
int conform_check_only(const char *only, const char *protocol, unsigned roles,
                       const char *what)
{
    if (!only)
        return 0;
    size_t n;
    const struct ippm_case *c = ippm_catalogue(&n);
    for (const char *p = only; *p;) {
        const char *end = strchr(p, ',');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        bool hit = l == 0; /* an empty element selects nothing extra */
        for (size_t i = 0; i < n && !hit; i++)
            hit = in_scope(&c[i], protocol, roles) &&
                  strncmp(c[i].id, p, l) == 0;
        if (!hit) {
            char fam[256];
            const char *near = describe(protocol, roles, p, l, fam, sizeof fam);
            ippm_cli_error("--only: '%.*s' selects no %s case (%s%s%s"
                           "IDs start %s)",
                           (int)l, p, what, near ? "closest " : "",
                           near ? near : "", near ? "; " : "",
                           fam[0] ? fam : "nowhere");
            return -1;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

/* see conform_cmd.h */
int conform_path_parse(const char *opt, const char *s, unsigned *flags)
{
    static const struct {
        const char *word;
        unsigned flag;
    } words[] = {{"nat", IPPM_PATH_NAT}, {"remark", IPPM_PATH_REMARK}};
    for (const char *p = s;;) {
        size_t len = strcspn(p, ",");
        size_t i = 0;
        while (i < COUNT_OF(words) && (strlen(words[i].word) != len ||
                                       strncmp(words[i].word, p, len) != 0))
            i++;
        if (i == COUNT_OF(words)) {
            ippm_cli_error("%s: '%.*s' is not a path property (nat, remark)",
                           opt, (int)len, p);
            return -1;
        }
        *flags |= words[i].flag;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/* Whether id is one of the TWAMP-Test rows (cases/twamp_test.c). */
static bool twamp_test_row(const char *id)
{
    for (size_t i = 0; i < ippm_cases_twamp_test_n; i++)
        if (strcmp(id, ippm_cases_twamp_test[i].id) == 0)
            return true;
    return false;
}

/* Every ID of protocol "twamp" whose being a TWAMP-Test row is rows,
 * comma-separated into buf (each an exact prefix: no ID is another's
 * start plus a digit). */
static const char *twamp_ids(char *buf, size_t cap, bool rows)
{
    size_t n, l = 0;
    const struct ippm_case *c = ippm_catalogue(&n);
    buf[0] = '\0';
    for (size_t i = 0; i < n && l < cap; i++) {
        if (strncasecmp(c[i].id, "TWAMP-", 6) != 0 ||
            twamp_test_row(c[i].id) != rows)
            continue;
        int w = snprintf(buf + l, cap - l, "%s%s", l ? "," : "", c[i].id);
        l += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

/* see conform_cmd.h */
const char *conform_default_only(const struct ippm_obs *obs,
                                 const char *only)
{
    /* Built once each: the TWAMP-Test rows, and every other TWAMP row. */
    static char test_rows[4096], control_rows[16384];
    if (only || !obs->protocol || strcasecmp(obs->protocol, "twamp") != 0)
        return only;
    /* TWAMP Light's packets: the TWAMP-Test rows alone. */
    if (ippm_obs_ext_find(obs, STAMP_OBS_PKT)) {
        if (!test_rows[0])
            twamp_ids(test_rows, sizeof test_rows, true);
        return test_rows;
    }
    /* TWAMP-Control without test packets: none of the TWAMP-Test rows,
     * which have nothing to read. */
    if (obs->n_ex == 0) {
        if (!control_rows[0])
            twamp_ids(control_rows, sizeof control_rows, false);
        return control_rows[0] ? control_rows : only;
    }
    return only;
}
