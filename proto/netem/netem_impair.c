/* The relay's decisions: seeded random streams, loss models, delay
 * distributions, the token bucket, corruption and mutation. Pure: no
 * libm either, so ln, exp, sqrt and the normal quantile are here. */
#include <string.h>

#include "netem.h"

#include "../common/ippm_math.h"
#include "../common/ippm_stats.h"

#include "../stamp/stamp.h"

/* ---- names ---- */

#define NETEM_WHY_NAME_(name, text) text,
static const char *const why_names[] = {NETEM_WHYS(NETEM_WHY_NAME_)};
#undef NETEM_WHY_NAME_

/* see netem.h */
const char *netem_why_name(enum netem_why why)
{
    if ((unsigned)why >= NETEM_WHY_COUNT_)
        return "unknown";
    return why_names[why];
}

/* s (n octets, not terminated) equals the literal. Compared octet by
 * octet: a length loop would become a call to strlen, which proto may
 * not take. */
static bool name_is(const char *s, size_t n, const char *lit)
{
    for (size_t i = 0; i < n; i++)
        if (lit[i] != s[i] || lit[i] == '\0')
            return false;
    return lit[n] == '\0';
}

/* see netem.h */
enum ippm_err netem_dist_parse(const char *s, size_t n, enum netem_dist *out)
{
    if (name_is(s, n, "uniform"))
        *out = NETEM_DIST_UNIFORM;
    else if (name_is(s, n, "normal"))
        *out = NETEM_DIST_NORMAL;
    else if (name_is(s, n, "pareto-normal") || name_is(s, n, "paretonormal"))
        *out = NETEM_DIST_PARETO_NORMAL;
    else
        return IPPM_ERR_BAD_ARG;
    return IPPM_OK;
}

/* see netem.h. Offsets come from STAMP's layout table; "mbz" names the
 * first two octets of the packet's first MBZ run. */
enum ippm_err netem_stamp_field(const char *name, size_t n, bool auth,
                                enum netem_dir dir, uint16_t *off,
                                uint8_t *width)
{
    const struct stamp_layout *l = stamp_layout_get(
        dir == NETEM_FWD ? STAMP_PKT_SENDER : STAMP_PKT_REFLECTOR,
        auth ? STAMP_MODE_AUTH : STAMP_MODE_OPEN);
    struct stamp_span sp;
    if (stamp_layout_find(l, name, n, &sp) != IPPM_OK)
        return IPPM_ERR_BAD_ARG;
    *off = sp.off;
    *width = (uint8_t)(name_is(name, n, "mbz") ? 2 : sp.len);
    return IPPM_OK;
}

/* ---- configuration ---- */

static bool prob_ok(double p)
{
    return p >= 0.0 && p <= 1.0; /* false for NaN */
}

static const char *check_dir(const struct netem_dir_config *d)
{
    if (!prob_ok(d->loss))
        return "loss probability outside [0, 1]";
    if (d->ge && (!prob_ok(d->ge_p) || !prob_ok(d->ge_r) ||
                  !prob_ok(d->ge_loss_bad) || !prob_ok(d->ge_loss_good)))
        return "Gilbert-Elliott probability outside [0, 1]";
    if (!prob_ok(d->dup))
        return "duplication probability outside [0, 1]";
    if (!prob_ok(d->corrupt))
        return "corruption probability outside [0, 1]";
    if (d->dist > NETEM_DIST_PARETO_NORMAL)
        return "unknown jitter distribution";
    if (d->rate_bps > 0 && (d->queue == 0 || d->queue > NETEM_QUEUE_MAX))
        return "queue must hold 1-4096 packets";
    if (d->n_drop > NETEM_LIST_MAX || d->n_dup_list > NETEM_LIST_MAX)
        return "list longer than 1024 entries";
    if (d->n_corrupt_off > NETEM_CORRUPT_MAX)
        return "more than 16 corruption offsets";
    if (d->n_reorder > NETEM_REORDER_MAX)
        return "more than 64 reorder entries";
    for (uint32_t i = 0; i < d->n_reorder; i++)
        if (d->reorder[i].places == 0)
            return "reorder by 0 places";
    if (d->n_mut > NETEM_MUT_MAX)
        return "more than 16 mutations";
    if (d->remark && d->remark_dscp > 63)
        return "DSCP above 63";
    for (uint32_t i = 0; i < d->n_mut; i++) {
        const struct netem_mutation *m = &d->mut[i];
        if ((m->op == NETEM_MUT_SET || m->op == NETEM_MUT_ADD) &&
            (m->width == 0 || m->width > 8))
            return "mutation of a field wider than 8 octets";
        if ((m->op == NETEM_MUT_BYTES || m->op == NETEM_MUT_FLIP) &&
            (m->width == 0 || m->width > NETEM_MUT_OCTETS))
            return "mutation of 0 or more than 16 octets";
    }
    return NULL;
}

/* see netem.h */
enum ippm_err netem_config_check(const struct netem_config *cfg,
                                 const char **what)
{
    for (int d = 0; d < NETEM_DIRS; d++) {
        const char *w = check_dir(&cfg->dir[d]);
        if (w) {
            if (what)
                *what = w;
            return IPPM_ERR_BAD_ARG;
        }
    }
    return IPPM_OK;
}

/* ---- random numbers ---- */

/* The generator is ippm_rng (proto/common/ippm_rand.h), xoshiro256**. */
/* One stream per direction and kind, so that enabling one impairment
 * never shifts another's draws. */
static void rng_seed(struct ippm_rng *g, uint64_t seed, int dir, int kind)
{
    ippm_rng_seed(g, seed ^ ((uint64_t)(dir + 1) * 0xd1b54a32d192ed03ull) ^
                         ((uint64_t)(kind + 1) * 0x8cb92ba72f3d8dd7ull));
}

/* ---- maths without libm ---- */

/* ln and exp are ippm_ln and ippm_exp (proto/common/ippm_math.h), shared
 * with the statistical tests of other protocols; sqrt is ippm_stats.h's. */

/* Standard normal quantile, Acklam's rational approximation (relative
 * error below 1.2e-9), for p in (0, 1). */
static double normal_quantile(double p)
{
    static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01};
    static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00};
    const double lo = 0.02425;
    if (p < lo || p > 1 - lo) {
        double q = ippm_sqrt(-2 * ippm_ln(p < lo ? p : 1 - p));
        double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) *
                        q + c[5]) /
                   ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        return p < lo ? x : -x;
    }
    double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r +
            a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

static double deviate(enum netem_dist dist, double u)
{
    double z;
    switch (dist) {
    case NETEM_DIST_NORMAL: z = normal_quantile(u); break;
    case NETEM_DIST_PARETO_NORMAL: {
        /* Pareto(xm 1, alpha 3) quantile (1-u)^(-1/3), mean 1.5. */
        double par = (ippm_exp(-ippm_ln(1.0 - u) / 3.0) - 1.5) * (4.0 / 3.0);
        z = 0.75 * normal_quantile(u) + 0.25 * par;
        break;
    }
    default: z = 2.0 * u - 1.0; break;
    }
    if (z > 4.0)
        z = 4.0;
    if (z < -4.0)
        z = -4.0;
    return z;
}

/* ---- decisions ---- */

static void sort_u64(uint64_t *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        uint32_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static bool in_list(const uint64_t *v, uint32_t n, uint64_t x)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == x;
}

/* see netem.h */
void netem_init(struct netem *r, const struct netem_config *cfg)
{
    memset(r, 0, sizeof(*r));
    r->cfg = *cfg;
    if (r->cfg.hold_max_ns == 0)
        r->cfg.hold_max_ns = NETEM_HOLD_MAX_NS;
    for (int d = 0; d < NETEM_DIRS; d++) {
        struct netem_dir_config *c = &r->cfg.dir[d];
        sort_u64(c->drop, c->n_drop);
        sort_u64(c->dup_list, c->n_dup_list);
        for (int k = 0; k < NETEM_RS_COUNT_; k++)
            rng_seed(&r->d[d].rng[k], cfg->seed, d, k);
    }
}

/* Loss models: every enabled model draws for every datagram. */
static enum netem_why decide_loss(struct netem_dir_state *st,
                                  const struct netem_dir_config *c,
                                  uint64_t idx)
{
    enum netem_why why = NETEM_PASS;
    if (in_list(c->drop, c->n_drop, idx))
        why = NETEM_DROP_LIST;
    if (c->loss > 0 && ippm_rng_unit(&st->rng[NETEM_RS_LOSS]) < c->loss &&
        why == NETEM_PASS)
        why = NETEM_DROP_LOSS;
    if (c->ge) {
        /* As netem's loss_gilb_ell: move first, then lose with the
         * probability of the state the packet met. */
        double u1 = ippm_rng_unit(&st->rng[NETEM_RS_GE]);
        double u2 = ippm_rng_unit(&st->rng[NETEM_RS_GE]);
        bool was_bad = st->ge_bad;
        if (!was_bad && u1 < c->ge_p)
            st->ge_bad = true;
        else if (was_bad && u1 < c->ge_r)
            st->ge_bad = false;
        double pl = was_bad ? c->ge_loss_bad : c->ge_loss_good;
        if (u2 < pl && why == NETEM_PASS)
            why = NETEM_DROP_GE;
    }
    return why;
}

/* The token bucket as GCRA (virtual scheduling): a datagram may leave at
 * max(arrival, tat - burst time); tat advances by its transmission time,
 * kept exact with a remainder. Returns false for a tail drop. */
static bool shape(struct netem_dir_state *st, const struct netem_dir_config *c,
                  size_t len, uint64_t t, uint64_t *depart)
{
    if (c->rate_bps == 0) {
        *depart = t;
        return true;
    }
    while (st->q_n > 0 && st->q[st->q_head] <= t) {
        st->q_head = (st->q_head + 1) % NETEM_QUEUE_MAX;
        st->q_n--;
    }
    if (st->q_n >= c->queue)
        return false;
    /* A bucket of burst octets lets this datagram go when tat is at most
     * (burst - len) octets' time ahead (GCRA with tau = that time). */
    uint64_t burst = c->burst_bytes > len ? c->burst_bytes : len;
    uint64_t tau = (burst - len) * 8 * 1000000000ull / c->rate_bps;
    uint64_t start = t;
    if (st->tat_ns > tau && st->tat_ns - tau > start)
        start = st->tat_ns - tau;
    if (st->tat_ns < t) {
        st->tat_ns = t;
        st->tat_rem = 0;
    }
    /* tx time of len octets = len 8 1e9 / rate, carried exactly. */
    uint64_t num = (uint64_t)len * 8 * 1000000000ull + st->tat_rem;
    st->tat_ns += num / c->rate_bps;
    st->tat_rem = num % c->rate_bps;
    *depart = start;
    if (start > t) {
        uint32_t tail = (st->q_head + st->q_n) % NETEM_QUEUE_MAX;
        st->q[tail] = start;
        st->q_n++;
    }
    return true;
}

static uint64_t decide_delay(struct netem_dir_state *st,
                             const struct netem_dir_config *c)
{
    if (c->jitter_ns == 0)
        return c->delay_ns;
    double z = deviate(c->dist, ippm_rng_unit(&st->rng[NETEM_RS_DELAY]));
    double d = (double)c->delay_ns + z * (double)c->jitter_ns;
    return d <= 0 ? 0 : (uint64_t)(d + 0.5);
}

static void decide_corrupt(struct netem_dir_state *st,
                           const struct netem_dir_config *c, size_t len,
                           struct netem_decision *out)
{
    if (c->corrupt <= 0)
        return;
    double u = ippm_rng_unit(&st->rng[NETEM_RS_CORRUPT]);
    uint64_t pick = ippm_rng_next(&st->rng[NETEM_RS_CORRUPT]);
    if (u >= c->corrupt || out->why != NETEM_PASS || len == 0)
        return;
    out->corrupt = true;
    if (c->n_corrupt_off == 0) {
        out->corrupt_off[0] = (uint16_t)(pick % (len < 65536 ? len : 65536));
        out->n_corrupt = 1;
        return;
    }
    for (uint32_t i = 0; i < c->n_corrupt_off; i++)
        out->corrupt_off[i] = c->corrupt_off[i];
    out->n_corrupt = c->n_corrupt_off;
}

/* see netem.h */
enum ippm_err netem_decide(struct netem *r, enum netem_dir dir, size_t len,
                           uint64_t arrival_ns, struct netem_decision *out)
{
    if ((unsigned)dir >= NETEM_DIRS)
        return IPPM_ERR_BAD_ARG;
    struct netem_dir_state *st = &r->d[dir];
    const struct netem_dir_config *c = &r->cfg.dir[dir];
    memset(out, 0, sizeof(*out));
    out->dir = dir;
    out->idx = st->next_idx++;
    out->why = decide_loss(st, c, out->idx);
    /* Draw what the other streams would, whatever the verdict. */
    uint64_t delay = decide_delay(st, c);
    bool dup = c->dup > 0 && ippm_rng_unit(&st->rng[NETEM_RS_DUP]) < c->dup;
    decide_corrupt(st, c, len, out);
    if (out->why != NETEM_PASS)
        return IPPM_OK;
    uint64_t depart;
    if (!shape(st, c, len, arrival_ns, &depart)) {
        out->why = NETEM_DROP_QUEUE;
        out->corrupt = false;
        out->n_corrupt = 0;
        return IPPM_OK;
    }
    out->queue_ns = depart - arrival_ns;
    out->release_ns = depart + delay;
    out->delay_ns = out->release_ns - arrival_ns;
    out->duplicated = dup || in_list(c->dup_list, c->n_dup_list, out->idx);
    out->copies = out->duplicated ? 2 : 1;
    for (uint32_t i = 0; i < c->n_reorder; i++)
        if (c->reorder[i].idx == out->idx)
            out->hold = c->reorder[i].places;
    out->mutate = c->n_mut > 0;
    return IPPM_OK;
}

/* ---- rewriting ---- */

static uint64_t get_be(const uint8_t *p, unsigned w)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < w; i++)
        v = (v << 8) | p[i];
    return v;
}

static void put_be(uint8_t *p, unsigned w, uint64_t v)
{
    for (unsigned i = w; i-- > 0;) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static size_t mutate(const struct netem_mutation *m, uint8_t *buf, size_t len,
                     size_t cap)
{
    if (m->op == NETEM_MUT_LENGTH) {
        int64_t n = (int64_t)len + m->delta;
        if (n < 0)
            n = 0;
        if ((uint64_t)n > cap)
            n = (int64_t)cap;
        if ((size_t)n > len)
            memset(buf + len, 0, (size_t)n - len);
        return (size_t)n;
    }
    if ((size_t)m->off + m->width > len)
        return len;
    uint8_t *p = buf + m->off;
    switch (m->op) {
    case NETEM_MUT_SET: put_be(p, m->width, m->value); break;
    case NETEM_MUT_ADD:
        put_be(p, m->width, get_be(p, m->width) + (uint64_t)m->delta);
        break;
    case NETEM_MUT_BYTES: memcpy(p, m->bytes, m->width); break;
    default:
        for (unsigned i = 0; i < m->width; i++)
            p[i] ^= 0xff;
        break;
    }
    return len;
}

/* see netem.h */
int netem_tos(const struct netem *r, enum netem_dir dir, int tos_in)
{
    if ((unsigned)dir >= NETEM_DIRS)
        return -1;
    const struct netem_dir_config *c = &r->cfg.dir[dir];
    if (tos_in < 0 || tos_in > 255)
        return c->remark ? c->remark_dscp << 2 : -1;
    if (!c->remark)
        return tos_in;
    return c->remark_dscp << 2 | (tos_in & 0x03);
}

/* see netem.h */
size_t netem_apply(const struct netem *r, const struct netem_decision *d,
                   uint8_t *buf, size_t len, size_t cap)
{
    if (d->corrupt)
        for (uint32_t i = 0; i < d->n_corrupt; i++)
            if (d->corrupt_off[i] < len)
                buf[d->corrupt_off[i]] ^= 0xff;
    if (!d->mutate || (unsigned)d->dir >= NETEM_DIRS)
        return len;
    const struct netem_dir_config *c = &r->cfg.dir[d->dir];
    for (uint32_t i = 0; i < c->n_mut; i++)
        len = mutate(&c->mut[i], buf, len, cap);
    return len;
}
