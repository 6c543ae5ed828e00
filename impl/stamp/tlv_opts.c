/* see stamp_tlv_opts.h. Like the drivers, this reads no TLV by hand:
 * building is stamp_tlv_put_*, reading is stamp_tlv_next and the
 * stamp_tlv_*_decode functions. */
#include "impl/stamp/tlv_opts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/stamp/stamp.h"
#include "impl/core/cli.h"
#include "impl/core/net.h"

#define BER_DEFAULT_PADDING 64

/* see stamp_tlv_opts.h */
void stamp_tlv_opts_init(struct stamp_tlv_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->cos = -1;
}

/* An IPv4 or IPv6 literal. */
static int parse_ip(const char *opt, const char *s, struct ippm_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, s, out->ip) == 1) {
        out->family = IPPM_AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, s, out->ip) == 1) {
        out->family = IPPM_AF_INET6;
        return 0;
    }
    ippm_cli_error("%s: '%s' is not an IPv4 or IPv6 address", opt, s);
    return -1;
}

/* "A:B" into two numbers; B optional when b_optional. */
static int parse_pair(const char *opt, const char *s, uint64_t amin,
                      uint64_t amax, uint64_t bmax, bool b_optional,
                      const char *what, uint64_t *a, uint64_t *b)
{
    char buf[64];
    const char *colon = strchr(s, ':');
    *b = 0;
    if (!colon && b_optional)
        return ippm_cli_uint(opt, s, amin, amax, what, a);
    if (!colon || (size_t)(colon - s) >= sizeof buf) {
        ippm_cli_error("%s: '%s' is not %s", opt, s, what);
        return -1;
    }
    memcpy(buf, s, (size_t)(colon - s));
    buf[colon - s] = '\0';
    uint64_t x, y;
    char *end;
    errno = 0;
    x = strtoull(buf, &end, 10);
    bool ok = buf[0] >= '0' && buf[0] <= '9' && *end == '\0' && !errno &&
              x >= amin && x <= amax;
    errno = 0;
    y = strtoull(colon + 1, &end, 10);
    ok = ok && colon[1] >= '0' && colon[1] <= '9' && *end == '\0' && !errno &&
         y <= bmax;
    if (!ok) {
        ippm_cli_error("%s: '%s' is not %s", opt, s, what);
        return -1;
    }
    *a = x;
    *b = y;
    return 0;
}

/* One MPLS label of --return-path mpls:L,L,...: TC 0, TTL 255. */
static int add_label(const char *opt, char *item, void *arg)
{
    struct stamp_tlv_opts *o = arg;
    uint64_t v;
    if (o->n_lse == STAMP_TLV_OPTS_MAX_LSE) {
        ippm_cli_error("%s: more than %d MPLS labels", opt,
                       STAMP_TLV_OPTS_MAX_LSE);
        return -1;
    }
    if (ippm_cli_uint(opt, item, 0, 1048575, "an MPLS label", &v) != 0)
        return -1;
    o->lse[o->n_lse++] = (uint32_t)v << 12 | 255;
    return 0;
}

/* One SID of --return-path srv6:SID,SID,... */
static int add_sid(const char *opt, char *item, void *arg)
{
    struct stamp_tlv_opts *o = arg;
    if (o->n_sid == STAMP_TLV_OPTS_MAX_SID) {
        ippm_cli_error("%s: more than %d SRv6 SIDs", opt,
                       STAMP_TLV_OPTS_MAX_SID);
        return -1;
    }
    if (inet_pton(AF_INET6, item, o->sid + 16 * o->n_sid) != 1) {
        ippm_cli_error("%s: '%s' is not an IPv6 SID", opt, item);
        return -1;
    }
    o->n_sid++;
    return 0;
}

/* RFC 9503 §4.1: SR-MPLS label stack as label values, S on the last;
 * one stack only. */
static int parse_mpls(struct stamp_tlv_opts *o, const char *s)
{
    if (o->n_lse) {
        ippm_cli_error("--return-path: 'mpls:%s': one label stack only", s);
        return -1;
    }
    if (ippm_cli_each("--return-path", s, "mpls:LABELS", add_label, o) != 0)
        return -1;
    if (!o->n_lse) {
        ippm_cli_error("--return-path: 'mpls:' needs labels");
        return -1;
    }
    o->lse[o->n_lse - 1] |= 0x100; /* bottom of stack */
    return 0;
}

/* RFC 9503 §4.1: an SRv6 segment list; one list only. */
static int parse_srv6(struct stamp_tlv_opts *o, const char *s)
{
    if (o->n_sid) {
        ippm_cli_error("--return-path: 'srv6:%s': one segment list only", s);
        return -1;
    }
    if (ippm_cli_each("--return-path", s, "srv6:SIDS", add_sid, o) != 0)
        return -1;
    if (!o->n_sid) {
        ippm_cli_error("--return-path: 'srv6:' needs SIDs");
        return -1;
    }
    return 0;
}

/* RFC 9503 §4.1: a Control Code, or a return address and/or a segment
 * list, never both kinds (proto refuses that too). */
static int parse_return_path(struct stamp_tlv_opts *o, const char *s)
{
    const char *opt = "--return-path";
    int rc;
    if (strcmp(s, "same-link") == 0 || strcmp(s, "no-reply") == 0) {
        if (o->rp_control) {
            ippm_cli_error("%s: one control code only", opt);
            return -1;
        }
        o->rp_control = true;
        /* §4.1.1: Reply Request flag, bit 31: 1 same link, 0 no reply */
        o->rp_control_code = s[0] == 's' ? STAMP_RP_REPLY_SAME_LINK : 0;
        rc = 0;
    } else if (strncmp(s, "addr:", 5) == 0) {
        if (o->rp_addr.family != IPPM_AF_NONE) {
            ippm_cli_error("%s: one return address only", opt);
            return -1;
        }
        rc = parse_ip(opt, s + 5, &o->rp_addr);
    } else if (strncmp(s, "mpls:", 5) == 0) {
        rc = parse_mpls(o, s + 5);
    } else if (strncmp(s, "srv6:", 5) == 0) {
        rc = parse_srv6(o, s + 5);
    } else {
        ippm_cli_error("%s: '%s' is not same-link, no-reply, addr:ADDR, "
                       "mpls:LABELS or srv6:SIDS",
                       opt, s);
        return -1;
    }
    if (rc != 0)
        return rc;
    if (o->rp_control &&
        (o->rp_addr.family != IPPM_AF_NONE || o->n_lse || o->n_sid)) {
        ippm_cli_error("%s: a control code cannot go with an address or a "
                       "segment list (RFC 9503 §4.1)",
                       opt);
        return -1;
    }
    if (o->n_lse && o->n_sid) {
        ippm_cli_error("%s: an MPLS label stack or an SRv6 segment list, "
                       "not both",
                       opt);
        return -1;
    }
    o->rp = true;
    return 0;
}

static int parse_ctrl(struct stamp_tlv_opts *o, const char *s)
{
    const char *opt = "--reply-control";
    char buf[128];
    if (strlen(s) >= sizeof buf) {
        ippm_cli_error("%s: '%s' is not LEN[,COUNT[,INTERVAL]]", opt, s);
        return -1;
    }
    strcpy(buf, s);
    char *count = strchr(buf, ','), *interval = NULL;
    if (count) {
        *count++ = '\0';
        interval = strchr(count, ',');
        if (interval)
            *interval++ = '\0';
    }
    if (ippm_cli_u16(opt, buf, STAMP_BASE_LEN, 65535, "a reply length",
                     &o->ctrl_len) != 0)
        return -1;
    o->ctrl_count = 1;
    if (count &&
        ippm_cli_u16(opt, count, 0, 65535, "a packet count", &o->ctrl_count) !=
            0)
        return -1;
    if (interval) {
        uint64_t ns;
        if (ippm_cli_seconds(opt, interval, 0, 4.294967295, &ns) != 0)
            return -1;
        o->ctrl_interval_ns = (uint32_t)ns;
    }
    o->ctrl = true;
    return 0;
}

static int parse_hex(struct stamp_tlv_opts *o, const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n % 2 || n / 2 > sizeof o->ber_pattern) {
        ippm_cli_error("--ber-pattern: '%s' is not 1-255 octets of hex", s);
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        unsigned x;
        char two[3] = {s[2 * i], s[2 * i + 1], '\0'};
        char *end;
        x = (unsigned)strtoul(two, &end, 16);
        if (*end != '\0' || two[0] == '+' || two[0] == '-' || two[0] == ' ') {
            ippm_cli_error("--ber-pattern: '%s' is not 1-255 octets of hex", s);
            return -1;
        }
        o->ber_pattern[i] = (uint8_t)x;
    }
    o->ber_pattern_len = n / 2;
    o->ber = true;
    return 0;
}

/* see stamp_tlv_opts.h */
int stamp_tlv_opts_parse(struct stamp_tlv_opts *o, int id, const char *arg)
{
    uint64_t a, b;
    int rc = 0;
    switch (id) {
    case TO_PADDING:
        rc = ippm_cli_uint("--tlv-padding", arg, 0, 65000, "a padding length",
                           &a);
        o->padding = true;
        o->padding_len = (size_t)a;
        break;
    case TO_COS: {
        uint8_t d;
        rc = ippm_cli_dscp("--cos", arg, &d);
        o->cos = d;
        break;
    }
    case TO_LOCATION:
        o->location = true;
        break;
    case TO_TSINFO:
        o->tsinfo = true;
        break;
    case TO_DIRECT:
        o->direct = true;
        break;
    case TO_FOLLOWUP:
        o->followup = true;
        break;
    case TO_HMAC:
        o->hmac = true;
        break;
    case TO_HMAC_KEY:
        o->hmac_key_file = arg;
        return 0;
    case TO_ACCESS:
        rc = parse_pair("--access-report", arg, 0, 15, 255, false,
                        "ID:CODE (ID 0-15, CODE 0-255)", &a, &b);
        o->access = true;
        o->access_id = (uint8_t)a;
        o->access_code = (uint8_t)b;
        break;
    case TO_DEST:
        rc = parse_ip("--dest-addr", arg, &o->dest_addr);
        o->dest = true;
        break;
    case TO_RP:
        rc = parse_return_path(o, arg);
        break;
    case TO_MICRO:
        rc = parse_pair("--micro-session", arg, 1, 65535, 65535, true,
                        "SID[:RID] (SID 1-65535, RID 0-65535)", &a, &b);
        o->micro = true;
        o->micro_sid = (uint16_t)a;
        o->micro_rid = (uint16_t)b;
        break;
    case TO_CTRL:
        rc = parse_ctrl(o, arg);
        break;
    case TO_REFLEN:
        rc = ippm_cli_uint("--reflected-len", arg, STAMP_BASE_LEN, 65535,
                           "a reply length", &a);
        o->ctrl = true;
        o->ctrl_len = (uint16_t)a;
        o->ctrl_count = 1;
        o->ctrl_interval_ns = 0;
        break;
    case TO_BER:
        rc = parse_hex(o, arg);
        break;
    default:
        return -1;
    }
    if (rc == 0)
        o->any = true;
    return rc;
}

/* see stamp_tlv_opts.h */
int stamp_tlv_opts_build(const struct stamp_tlv_opts *o, uint8_t *buf,
                         size_t cap, size_t *len)
{
    size_t n = 0;
    enum ippm_err e = IPPM_OK;
    *len = 0;
    /* Asymmetrical packets first: the reflector reads it before it
     * resizes; the HMAC TLV last, Extra Padding only after it (§4.8). */
    if (o->ctrl)
        e = stamp_tlv_put_refl_control(buf, cap, &n, o->ctrl_len, o->ctrl_count,
                                       o->ctrl_interval_ns);
    if (e == IPPM_OK && o->cos >= 0)
        e = stamp_tlv_put_cos(buf, cap, &n, (uint8_t)o->cos);
    if (e == IPPM_OK && o->location)
        e = stamp_tlv_put_location(buf, cap, &n, false, true, true);
    if (e == IPPM_OK && o->tsinfo)
        e = stamp_tlv_put_tsinfo(buf, cap, &n);
    if (e == IPPM_OK && o->direct)
        e = stamp_tlv_put_direct(buf, cap, &n, 0); /* S_TxC: per packet */
    if (e == IPPM_OK && o->access)
        e = stamp_tlv_put_access(buf, cap, &n, o->access_id, o->access_code);
    if (e == IPPM_OK && o->followup)
        e = stamp_tlv_put_followup(buf, cap, &n);
    if (e == IPPM_OK && o->dest)
        e = stamp_tlv_put_dest_addr(buf, cap, &n, &o->dest_addr);
    if (e == IPPM_OK && o->rp) {
        struct stamp_return_path rp = {
            .has_control = o->rp_control,
            .control = o->rp_control_code,
            .addr = o->rp_addr,
            .lse = o->lse,
            .n_lse = o->n_lse,
            .sid = o->sid,
            .n_sid = o->n_sid,
        };
        e = stamp_tlv_put_return_path(buf, cap, &n, &rp);
    }
    if (e == IPPM_OK && o->micro)
        e = stamp_tlv_put_micro_session(buf, cap, &n, o->micro_sid,
                                        o->micro_rid);
    if (e == IPPM_OK && o->ber) {
        e = stamp_tlv_put_ber_pattern(buf, cap, &n, o->ber_pattern,
                                      o->ber_pattern_len);
        if (e == IPPM_OK)
            e = stamp_tlv_put_ber_count(buf, cap, &n);
        if (e == IPPM_OK)
            e = stamp_tlv_put_ber_burst(buf, cap, &n);
        if (e == IPPM_OK)
            e = stamp_tlv_put_ber_padding(
                buf, cap, &n, o->ber_pattern, o->ber_pattern_len,
                o->padding ? o->padding_len : BER_DEFAULT_PADDING);
    } else if (e == IPPM_OK && o->padding) {
        e = stamp_tlv_put_padding(buf, cap, &n, o->padding_len);
    }
    if (e == IPPM_OK && o->hmac)
        e = stamp_tlv_put_hmac(buf, cap, &n);
    if (e != IPPM_OK) {
        ippm_cli_error("stamp sender: the TLVs do not fit a datagram (%s)",
                       ippm_err_str(e));
        return -1;
    }
    *len = n;
    return 0;
}

/* ---- reading a reply ---- */

static const char *tlv_name(uint8_t type)
{
    switch (type) {
    case STAMP_TLV_PADDING:
        return "pad";
    case STAMP_TLV_LOCATION:
        return "loc";
    case STAMP_TLV_TSINFO:
        return "ts-info";
    case STAMP_TLV_COS:
        return "cos";
    case STAMP_TLV_DIRECT:
        return "dm";
    case STAMP_TLV_ACCESS:
        return "access";
    case STAMP_TLV_FOLLOWUP:
        return "fu";
    case STAMP_TLV_HMAC:
        return "hmac";
    case STAMP_TLV_DEST_ADDR:
        return "dest";
    case STAMP_TLV_RETURN_PATH:
        return "rp";
    case STAMP_TLV_MICRO_SESSION:
        return "micro";
    case STAMP_TLV_REFL_CONTROL:
        return "ctrl";
    case STAMP_TLV_BER_PATTERN:
        return "ber-pattern";
    case STAMP_TLV_BER_COUNT:
        return "ber-bits";
    case STAMP_TLV_BER_BURST:
        return "ber-burst";
    default:
        return NULL;
    }
}

static const char *sync_name(uint8_t v)
{
    static const char *const n[] = {"0", "ntp", "ptp", "ssu", "gnss", "free"};
    return v < 6 ? n[v] : "?";
}

static const char *tsm_name(uint8_t v)
{
    static const char *const n[] = {"0", "hw", "sw", "ctl"};
    return v < 4 ? n[v] : "?";
}

static void flags_str(uint8_t f, char out[8])
{
    size_t n = 0;
    if (f & STAMP_TLV_U)
        out[n++] = 'U';
    if (f & STAMP_TLV_M)
        out[n++] = 'M';
    if (f & STAMP_TLV_I)
        out[n++] = 'I';
    if (f & STAMP_TLV_C)
        out[n++] = 'C';
    out[n] = '\0';
}

static void set_str(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, json_string(v));
}

static void set_int(json_t *o, const char *k, uint64_t v)
{
    json_object_set_new(o, k, json_integer((json_int_t)v));
}

static void ip_str(uint8_t family, const uint8_t *ip, uint16_t port, char *out,
                   size_t len)
{
    struct ippm_addr a = {.family = family, .port = port};
    memcpy(a.ip, ip, family == IPPM_AF_INET ? 4 : 16);
    if (port) {
        ippm_addr_fmt(&a, out, len);
        return;
    }
    inet_ntop(family == IPPM_AF_INET ? AF_INET : AF_INET6, ip, out,
              (socklen_t)len);
}

/* RFC 8972 §4.2: src is the sender as the reflector saw it (Source IP and
 * Src Port), dst the reflector's own address and port. */
static void json_location(json_t *o, const struct stamp_tlv *t)
{
    uint16_t dport, sport;
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    char buf[IPPM_ADDR_STRLEN];
    if (stamp_tlv_location_decode(t, &dport, &sport, &it) != IPPM_OK)
        return;
    bool src = false, dst = false;
    while (stamp_tlv_next(&it, &s) == IPPM_OK) {
        uint8_t fam = 0;
        bool is_src = false;
        if (s.type == STAMP_LOC_SRC_IPV4 || s.type == STAMP_LOC_DST_IPV4)
            fam = IPPM_AF_INET;
        else if (s.type == STAMP_LOC_SRC_IPV6 || s.type == STAMP_LOC_DST_IPV6)
            fam = IPPM_AF_INET6;
        is_src = s.type == STAMP_LOC_SRC_IPV4 || s.type == STAMP_LOC_SRC_IPV6;
        if (!fam || s.len < (fam == IPPM_AF_INET ? 4 : 16))
            continue;
        ip_str(fam, s.value, is_src ? sport : dport, buf, sizeof buf);
        set_str(o, is_src ? "src" : "dst", buf);
        if (is_src)
            src = true;
        else
            dst = true;
    }
    if (!src)
        set_int(o, "src_port", sport);
    if (!dst)
        set_int(o, "dst_port", dport);
}

static void json_return_path(json_t *o, const struct stamp_tlv *t)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    char buf[IPPM_ADDR_STRLEN];
    stamp_tlv_iter_init(&it, t->value, t->len);
    while (stamp_tlv_next(&it, &s) == IPPM_OK) {
        if (s.type == STAMP_RP_CONTROL && s.len == 4) {
            uint32_t c = (uint32_t)s.value[0] << 24 | s.value[1] << 16 |
                         s.value[2] << 8 | s.value[3];
            set_str(o, "control",
                    c & STAMP_RP_REPLY_SAME_LINK ? "same-link" : "no-reply");
        } else if (s.type == STAMP_RP_ADDR && (s.len == 4 || s.len == 16)) {
            ip_str(s.len == 4 ? IPPM_AF_INET : IPPM_AF_INET6, s.value, 0, buf,
                   sizeof buf);
            set_str(o, "addr", buf);
        } else if (s.type == STAMP_RP_MPLS) {
            set_int(o, "labels", s.len / 4u);
        } else if (s.type == STAMP_RP_SRV6) {
            set_int(o, "sids", s.len / 16u);
        }
    }
}

/* What one TLV says, into o. fmt: the reflector's timestamp format. */
static void json_value(json_t *o, const struct stamp_tlv *t,
                       enum ippm_tsfmt fmt)
{
    struct stamp_tlv_cos cos;
    struct stamp_tlv_direct dm;
    struct stamp_tlv_followup fu;
    struct stamp_tlv_tsinfo ti;
    struct stamp_tlv_access ac;
    struct stamp_tlv_refl_control rc;
    struct ippm_addr a;
    uint16_t x, y;
    char buf[IPPM_ADDR_STRLEN];
    switch (t->type) {
    case STAMP_TLV_PADDING:
        set_int(o, "len", t->len);
        break;
    case STAMP_TLV_LOCATION:
        json_location(o, t);
        break;
    case STAMP_TLV_TSINFO:
        if (stamp_tlv_tsinfo_decode(t, &ti) != IPPM_OK)
            break;
        set_str(o, "sync", sync_name(ti.sync_in));
        set_str(o, "in", tsm_name(ti.ts_in));
        if (ti.sync_out != ti.sync_in)
            set_str(o, "sync_out", sync_name(ti.sync_out));
        set_str(o, "out", tsm_name(ti.ts_out));
        break;
    case STAMP_TLV_COS:
        if (stamp_tlv_cos_decode(t, &cos) != IPPM_OK)
            break;
        set_int(o, "dscp1", cos.dscp1);
        set_int(o, "dscp2", cos.dscp2);
        set_int(o, "ecn", cos.ecn);
        set_int(o, "rp", cos.rp);
        break;
    case STAMP_TLV_DIRECT:
        if (stamp_tlv_direct_decode(t, &dm) != IPPM_OK)
            break;
        set_int(o, "s_tx", dm.s_txc);
        set_int(o, "r_rx", dm.r_rxc);
        set_int(o, "r_tx", dm.r_txc);
        break;
    case STAMP_TLV_ACCESS:
        if (stamp_tlv_access_decode(t, &ac) != IPPM_OK)
            break;
        set_int(o, "id", ac.id);
        set_int(o, "code", ac.code);
        break;
    case STAMP_TLV_FOLLOWUP: {
        bool ok;
        if (stamp_tlv_followup_decode(t, &fu) != IPPM_OK)
            break;
        set_int(o, "seq", fu.seq);
        /* Zero: a stateless reflector, or no reply before this one. */
        uint64_t ns = fu.ts ? ippm_ns_from_ts(fu.ts, fmt, &ok) : 0;
        snprintf(buf, sizeof buf, "%llu.%09llu",
                 (unsigned long long)(ns / IPPM_NS_PER_SEC),
                 (unsigned long long)(ns % IPPM_NS_PER_SEC));
        set_str(o, "ts", fu.ts ? buf : "0");
        set_str(o, "mode", fu.mode ? tsm_name(fu.mode) : "0");
        break;
    }
    case STAMP_TLV_DEST_ADDR:
        if (stamp_tlv_dest_addr_decode(t, &a) != IPPM_OK)
            break;
        ip_str(a.family, a.ip, 0, buf, sizeof buf);
        set_str(o, "addr", buf);
        break;
    case STAMP_TLV_RETURN_PATH:
        json_return_path(o, t);
        break;
    case STAMP_TLV_MICRO_SESSION:
        if (stamp_tlv_micro_decode(t, &x, &y) != IPPM_OK)
            break;
        set_int(o, "sid", x);
        set_int(o, "rid", y);
        break;
    case STAMP_TLV_REFL_CONTROL:
        if (stamp_tlv_refl_control_decode(t, &rc) != IPPM_OK)
            break;
        set_int(o, "len", rc.reply_len);
        set_int(o, "count", rc.count);
        set_int(o, "interval_ns", rc.interval_ns);
        break;
    case STAMP_TLV_BER_COUNT:
    case STAMP_TLV_BER_BURST:
        if (t->len == 4)
            set_int(o, "n",
                    (uint32_t)t->value[0] << 24 | t->value[1] << 16 |
                        t->value[2] << 8 | t->value[3]);
        break;
    case STAMP_TLV_BER_PATTERN:
        set_int(o, "len", t->len);
        break;
    case STAMP_TLV_HMAC:
        break; /* checked by proto: tlv_status */
    default:
        set_int(o, "len", t->len);
        break;
    }
}

/* see stamp_tlv_opts.h */
json_t *stamp_tlv_opts_json(const uint8_t *tlv, size_t len, enum ippm_tsfmt fmt)
{
    json_t *arr = json_array();
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    char fl[8];
    stamp_tlv_iter_init(&it, tlv, len);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        json_t *o = json_object();
        const char *name = tlv_name(t.type);
        if (name)
            set_str(o, "type", name);
        else
            set_int(o, "type", t.type);
        flags_str(t.flags, fl);
        set_str(o, "flags", fl);
        /* U, M, I: the reflector did not answer; the value is the
         * sender's own (or garbage). */
        if (!(t.flags & (STAMP_TLV_U | STAMP_TLV_M | STAMP_TLV_I)))
            json_value(o, &t, fmt);
        json_array_append_new(arr, o);
        if (t.flags & (STAMP_TLV_M | STAMP_TLV_I))
            break;
    }
    if (e != IPPM_OK && e != IPPM_ERR_DONE)
        json_array_append_new(
            arr, json_pack("{s:s, s:s}", "type", "malformed", "flags", ""));
    return arr;
}

/* see stamp_tlv_opts.h */
void stamp_tlv_opts_print(FILE *f, const json_t *tlvs)
{
    size_t i;
    json_t *o;
    json_array_foreach(tlvs, i, o)
    {
        const json_t *type = json_object_get(o, "type");
        const char *fl = json_string_value(json_object_get(o, "flags"));
        if (json_is_string(type))
            fprintf(f, " %s=", json_string_value(type));
        else
            fprintf(f, " tlv%lld=", (long long)json_integer_value(type));
        /* U, M, I alone: what the reflector said is only that. */
        if (fl && strpbrk(fl, "UMI")) {
            fputs(fl, f);
            continue;
        }
        const char *k, *sep = "";
        json_t *v;
        json_object_foreach((json_t *)o, k, v)
        {
            if (strcmp(k, "type") == 0 || strcmp(k, "flags") == 0)
                continue;
            if (json_is_integer(v))
                fprintf(f, "%s%s:%lld", sep, k,
                        (long long)json_integer_value(v));
            else
                fprintf(f, "%s%s:%s", sep, k, json_string_value(v));
            sep = ",";
        }
        if (fl && *fl)
            fprintf(f, "%s%s", sep, fl);
        else if (!*sep)
            fputs("ok", f);
    }
}

/* ---- every field, for ippm pcap dump ---- */

/* Names of the types the sender's tlv_name leaves as numbers. */
static const char *full_name(uint8_t type)
{
    switch (type) {
    case STAMP_TLV_RESERVED:
        return "reserved";
    case STAMP_TLV_EXT_HDR:
        return "ext-hdr";
    case STAMP_TLV_IP_HDR:
        return "ip-hdr";
    default:
        return tlv_name(type);
    }
}

static void set_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    s[2 * n] = '\0';
    set_str(o, k, s);
    free(s);
}

static void set_u64_str(json_t *o, const char *k, uint64_t v)
{
    /* JSON numbers lose precision past 2^53: 64-bit values as text */
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    set_str(o, k, b);
}

/* The header of a (sub-)TLV: where it starts, code point, name, flags as
 * letters and as the octet (the reserved bits too), Length. */
static json_t *full_head(const struct stamp_tlv *t, const char *name)
{
    char fl[8];
    json_t *o = json_object();
    set_int(o, "off", t->off);
    set_int(o, "type", t->type);
    if (name)
        set_str(o, "name", name);
    flags_str(t->flags, fl);
    set_str(o, "flags", fl);
    set_int(o, "flags_raw", t->flags);
    set_int(o, "length", t->len);
    return o;
}

static const char *loc_sub_name(uint8_t type)
{
    static const char *const n[] = {NULL,       "src-mac",  "src-eui48",
                                    "src-eui64", "dst-ip",   "dst-ipv4",
                                    "dst-ipv6",  "src-ip",   "src-ipv4",
                                    "src-ipv6"};
    return type < 10 ? n[type] : NULL;
}

/* RFC 8972 §4.2.1: each sub-TLV with its value (an address where the type
 * says which family, else hex). */
static void full_location(json_t *o, const struct stamp_tlv *t)
{
    uint16_t dport, sport;
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    char buf[IPPM_ADDR_STRLEN];
    if (stamp_tlv_location_decode(t, &dport, &sport, &it) != IPPM_OK)
        return;
    set_int(o, "dst_port", dport);
    set_int(o, "src_port", sport);
    json_t *subs = json_array();
    enum ippm_err e;
    while ((e = stamp_tlv_next(&it, &s)) == IPPM_OK) {
        json_t *so = full_head(&s, loc_sub_name(s.type));
        size_t want = stamp_loc_sub_len(s.type);
        if (want && s.len != want)
            set_str(so, "error", ippm_err_name(IPPM_ERR_BAD_VALUE));
        bool v4 = s.type == STAMP_LOC_DST_IPV4 || s.type == STAMP_LOC_SRC_IPV4;
        bool v6 = s.type == STAMP_LOC_DST_IPV6 || s.type == STAMP_LOC_SRC_IPV6;
        if ((v4 && s.len >= 4) || (v6 && s.len >= 16)) {
            ip_str(v4 ? IPPM_AF_INET : IPPM_AF_INET6, s.value, 0, buf,
                   sizeof buf);
            set_str(so, "addr", buf);
        }
        set_hex(so, "hex", s.value, s.len);
        json_array_append_new(subs, so);
    }
    if (e != IPPM_ERR_DONE)
        set_str(o, "sub_error", ippm_err_name(e));
    json_object_set_new(o, "sub", subs);
}

static const char *rp_sub_name(uint8_t type)
{
    static const char *const n[] = {NULL, "control", "addr", "mpls", "srv6"};
    return type < 5 ? n[type] : NULL;
}

/* The fields of a Return Path sub-TLV whose Length RFC 9503 §4.1 allows:
 * the Control Code, the address, every label stack entry, every SID. */
static void rp_sub_fields(json_t *so, const struct stamp_tlv *s)
{
    char buf[IPPM_ADDR_STRLEN];
    uint32_t w;
    json_t *l;
    switch (s->type) {
    case STAMP_RP_CONTROL:
        if (stamp_tlv_u32_at(s, 0, &w) == IPPM_OK)
            set_int(so, "control_code", w);
        break;
    case STAMP_RP_ADDR:
        ip_str(s->len == 4 ? IPPM_AF_INET : IPPM_AF_INET6, s->value, 0, buf,
               sizeof buf);
        set_str(so, "addr", buf);
        break;
    case STAMP_RP_MPLS:
        l = json_array();
        for (size_t i = 0; stamp_tlv_u32_at(s, i, &w) == IPPM_OK; i++)
            json_array_append_new(l, json_integer(w));
        json_object_set_new(so, "lse", l);
        break;
    case STAMP_RP_SRV6:
        l = json_array();
        for (size_t i = 0; i < s->len; i += 16) {
            inet_ntop(AF_INET6, s->value + i, buf, sizeof buf);
            json_array_append_new(l, json_string(buf));
        }
        json_object_set_new(so, "sid", l);
        break;
    default:
        break;
    }
}

/* RFC 9503 §4.1: each sub-TLV with its fields, or "error" when its
 * Length is not one the type allows; its octets as hex. */
static void full_return_path(json_t *o, const struct stamp_tlv *t)
{
    struct stamp_tlv_iter it;
    struct stamp_tlv s;
    json_t *subs = json_array();
    enum ippm_err e;
    stamp_tlv_iter_init(&it, t->value, t->len);
    while ((e = stamp_tlv_next(&it, &s)) == IPPM_OK) {
        json_t *so = full_head(&s, rp_sub_name(s.type));
        enum ippm_err ce = stamp_rp_sub_check(&s);
        if (ce == IPPM_OK)
            rp_sub_fields(so, &s);
        else if (ce == IPPM_ERR_BAD_VALUE)
            set_str(so, "error", ippm_err_name(ce));
        set_hex(so, "hex", s.value, s.len);
        json_array_append_new(subs, so);
    }
    if (e != IPPM_ERR_DONE)
        set_str(o, "sub_error", ippm_err_name(e));
    json_object_set_new(o, "sub", subs);
}

/* What a type's decoder says about its Length: a failed decode is kept
 * as a fact next to the octets. */
static enum ippm_err full_check(const struct stamp_tlv *t)
{
    struct stamp_tlv_cos cos;
    struct stamp_tlv_direct dm;
    struct stamp_tlv_followup fu;
    struct stamp_tlv_tsinfo ti;
    struct stamp_tlv_access ac;
    struct stamp_tlv_refl_control rc;
    struct ippm_addr a;
    struct stamp_tlv_iter it;
    uint16_t x, y;
    switch (t->type) {
    case STAMP_TLV_LOCATION:
        return stamp_tlv_location_decode(t, &x, &y, &it);
    case STAMP_TLV_TSINFO:
        return stamp_tlv_tsinfo_decode(t, &ti);
    case STAMP_TLV_COS:
        return stamp_tlv_cos_decode(t, &cos);
    case STAMP_TLV_DIRECT:
        return stamp_tlv_direct_decode(t, &dm);
    case STAMP_TLV_ACCESS:
        return stamp_tlv_access_decode(t, &ac);
    case STAMP_TLV_FOLLOWUP:
        return stamp_tlv_followup_decode(t, &fu);
    case STAMP_TLV_DEST_ADDR:
        return stamp_tlv_dest_addr_decode(t, &a);
    case STAMP_TLV_MICRO_SESSION:
        return stamp_tlv_micro_decode(t, &x, &y);
    case STAMP_TLV_REFL_CONTROL:
        return stamp_tlv_refl_control_decode(t, &rc);
    case STAMP_TLV_HMAC:
        return t->len == STAMP_HMAC_LEN ? IPPM_OK : IPPM_ERR_BAD_VALUE;
    case STAMP_TLV_BER_COUNT:
    case STAMP_TLV_BER_BURST:
        return t->len == 4 ? IPPM_OK : IPPM_ERR_BAD_VALUE;
    default:
        return IPPM_OK;
    }
}

/* The fields the sender's json_value leaves out, into o. */
static void full_value(json_t *o, const struct stamp_tlv *t)
{
    struct stamp_tlv_cos cos;
    struct stamp_tlv_followup fu;
    struct stamp_tlv_tsinfo ti;
    struct stamp_tlv_access ac;
    struct stamp_tlv_refl_control rc;
    switch (t->type) {
    case STAMP_TLV_PADDING:
        json_object_set_new(o, "zero", json_boolean(stamp_tlv_all_zero(
                                           t->value, t->len)));
        break;
    case STAMP_TLV_LOCATION:
        full_location(o, t);
        break;
    case STAMP_TLV_TSINFO:
        if (stamp_tlv_tsinfo_decode(t, &ti) != IPPM_OK)
            break;
        set_int(o, "sync_src_in", ti.sync_in);
        set_int(o, "timestamp_in", ti.ts_in);
        set_int(o, "sync_src_out", ti.sync_out);
        set_int(o, "timestamp_out", ti.ts_out);
        if (t->len > 4) /* RFC 8972 §4.3: optional sub-TLVs */
            set_hex(o, "sub_hex", t->value + 4, t->len - 4u);
        break;
    case STAMP_TLV_COS:
        if (stamp_tlv_cos_decode(t, &cos) == IPPM_OK)
            json_object_set_new(o, "reserved_nonzero",
                                json_boolean(cos.reserved_nonzero));
        break;
    case STAMP_TLV_ACCESS:
        if (stamp_tlv_access_decode(t, &ac) == IPPM_OK)
            json_object_set_new(o, "reserved_nonzero",
                                json_boolean(ac.reserved_nonzero));
        break;
    case STAMP_TLV_FOLLOWUP:
        if (stamp_tlv_followup_decode(t, &fu) != IPPM_OK)
            break;
        set_u64_str(o, "ts_raw", fu.ts);
        set_int(o, "mode_raw", fu.mode);
        json_object_set_new(o, "reserved_nonzero",
                            json_boolean(fu.reserved_nonzero));
        break;
    case STAMP_TLV_HMAC:
        set_hex(o, "hmac", t->value, t->len);
        break;
    case STAMP_TLV_RETURN_PATH:
        full_return_path(o, t);
        break;
    case STAMP_TLV_REFL_CONTROL:
        if (stamp_tlv_refl_control_decode(t, &rc) == IPPM_OK)
            set_hex(o, "sub_hex", rc.sub, rc.sub_len);
        break;
    case STAMP_TLV_BER_PATTERN:
    case STAMP_TLV_EXT_HDR:
    case STAMP_TLV_IP_HDR:
        set_hex(o, "hex", t->value, t->len);
        break;
    default:
        if (!full_name(t->type))
            set_hex(o, "hex", t->value, t->len);
        break;
    }
}

/* see stamp_tlv_opts.h */
json_t *stamp_tlv_opts_json_full(const uint8_t *tlv, size_t len,
                                 enum ippm_tsfmt fmt)
{
    json_t *arr = json_array();
    struct stamp_tlv_iter it;
    struct stamp_tlv t;
    enum ippm_err e;
    stamp_tlv_iter_init(&it, tlv, len);
    while ((e = stamp_tlv_next(&it, &t)) == IPPM_OK) {
        json_t *o = full_head(&t, full_name(t.type));
        enum ippm_err ve = full_check(&t);
        if (ve != IPPM_OK) {
            set_str(o, "error", ippm_err_name(ve));
            set_hex(o, "hex", t.value, t.len);
        } else {
            json_value(o, &t, fmt);
            full_value(o, &t);
        }
        json_array_append_new(arr, o);
    }
    if (e != IPPM_ERR_DONE) {
        /* The octets the walk could not read as a TLV. */
        json_t *o = json_object();
        set_int(o, "off", t.off);
        set_str(o, "error", ippm_err_name(e));
        set_hex(o, "hex", tlv + t.off, len - t.off);
        json_array_append_new(arr, o);
    }
    return arr;
}
