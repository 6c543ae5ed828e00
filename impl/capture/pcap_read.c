/* Capture reader: libpcap for the file, our own bounds-checked parser for
 * the headers (see pcap_read.h). */
#include "pcap_read.h"

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Link types by value, so the parser does not depend on which DLT_
 * macros a libpcap version defines (pcap/dlt.h). */
enum {
    LINK_NULL = 0,        /* DLT_NULL: 4-octet family, host order */
    LINK_EN10MB = 1,      /* DLT_EN10MB */
    LINK_RAW_BSD = 14,    /* DLT_RAW on OpenBSD */
    LINK_RAW = 12,        /* DLT_RAW elsewhere */
    LINK_RAW_LT = 101,    /* LINKTYPE_RAW, should libpcap not map it */
    LINK_LOOP = 108,      /* DLT_LOOP: 4-octet family, network order */
    LINK_SLL = 113,       /* DLT_LINUX_SLL */
    LINK_IPV4 = 228,      /* DLT_IPV4 */
    LINK_IPV6 = 229,      /* DLT_IPV6 */
    LINK_SLL2 = 276       /* DLT_LINUX_SLL2 */
};

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define MAX_VLAN_TAGS 4
#define MAX_IPV6_EXT 16
#define IPPROTO_UDP_ 17
#define IPPROTO_TCP_ 6

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* see pcap_read.h */
const char *ippm_pcap_frame_str(enum ippm_pcap_frame k)
{
    switch (k) {
    case IPPM_PCAP_UDP: return "udp";
    case IPPM_PCAP_NOT_IP: return "not-ip";
    case IPPM_PCAP_NOT_UDP: return "not-udp";
    case IPPM_PCAP_FRAGMENT: return "fragment";
    case IPPM_PCAP_TRUNCATED: return "truncated";
    case IPPM_PCAP_MALFORMED: return "malformed";
    case IPPM_PCAP_LINK: return "unknown-link";
    case IPPM_PCAP_FRAME_COUNT_: break;
    }
    return "?";
}

/* The 16-bit one's complement sum of p[0..n) added to sum (RFC 1071). */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static bool csum_ok(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

/* The UDP checksum of u (ulen octets, all captured) over d's addresses'
 * pseudo-header: 1 right, -1 wrong, 0 none sent (RFC 768). */
static int8_t udp_csum(const struct ippm_pcap_dgram *d, const uint8_t *u,
                       size_t ulen)
{
    if (rd16(u + 6) == 0)
        return 0;
    size_t alen = d->src.family == IPPM_AF_INET ? 4 : 16;
    uint8_t tail[8] = {0, 0, (uint8_t)(ulen >> 24), (uint8_t)(ulen >> 16),
                       (uint8_t)(ulen >> 8), (uint8_t)ulen, 0, IPPROTO_UDP_};
    uint32_t sum = csum_add(0, d->src.ip, alen);
    sum = csum_add(sum, d->dst.ip, alen);
    sum = csum_add(sum, tail, sizeof tail);
    return csum_ok(csum_add(sum, u, ulen)) ? 1 : -1;
}

/* The UDP header at buf[off..end), end being where the IP layer says the
 * datagram ends (already checked to be within the capture). */
static enum ippm_pcap_frame parse_udp(const uint8_t *buf, size_t off,
                                      size_t end, enum ippm_pcap_frame cut,
                                      int jumbo, struct ippm_pcap_dgram *d)
{
    if (end < off || end - off < 8)
        return cut;
    const uint8_t *u = buf + off;
    size_t ulen = rd16(u + 4);
    size_t room = end - off;
    if (ulen == 0 && jumbo) /* RFC 2675 §4: the IP layer gives the length */
        ulen = room;
    if (ulen < 8)
        return IPPM_PCAP_MALFORMED;
    if (ulen > room)
        return cut;
    d->src.port = rd16(u);
    d->dst.port = rd16(u + 2);
    d->payload = u + 8;
    d->len = ulen - 8;
    d->udp_csum = udp_csum(d, u, ulen);
    return IPPM_PCAP_UDP;
}

/* A TCP segment at buf[off..end): its ports, sequence numbers, flags and
 * payload into d (d->tcp set). It stays IPPM_PCAP_NOT_UDP for the UDP
 * reader and its counts; ippm_pcap_next_seg returns it. */
static enum ippm_pcap_frame parse_tcp(const uint8_t *buf, size_t off,
                                      size_t end, enum ippm_pcap_frame cut,
                                      struct ippm_pcap_dgram *d)
{
    if (cut == IPPM_PCAP_TRUNCATED)
        return cut; /* a segment cut short would put a hole in its stream */
    if (end < off || end - off < 20)
        return IPPM_PCAP_NOT_UDP;
    const uint8_t *t = buf + off;
    size_t hl = (size_t)(t[12] >> 4) * 4;
    if (hl < 20 || hl > end - off)
        return IPPM_PCAP_NOT_UDP;
    d->tcp = true;
    d->src.port = rd16(t);
    d->dst.port = rd16(t + 2);
    d->tcp_seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 |
                 (uint32_t)t[6] << 8 | t[7];
    d->tcp_ack = (uint32_t)t[8] << 24 | (uint32_t)t[9] << 16 |
                 (uint32_t)t[10] << 8 | t[11];
    d->tcp_flags = t[13];
    d->payload = t + hl;
    d->len = end - off - hl;
    return IPPM_PCAP_NOT_UDP;
}

/* Where the IP layer's data ends: the declared length, when the capture
 * holds it all. *cut says what a read past the capture means: the snap
 * length stopped it (TRUNCATED) or the header lies (MALFORMED). */
static int ip_end(size_t declared, size_t caplen, int truncated, size_t *end,
                  enum ippm_pcap_frame *cut)
{
    *cut = truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
    if (declared > caplen) {
        if (!truncated)
            return -1;
        /* read what there is; a read past it reports TRUNCATED */
        *end = caplen;
        return 0;
    }
    /* declared < caplen: Ethernet padding or a trailer, not ours */
    *end = declared;
    *cut = IPPM_PCAP_MALFORMED;
    return 0;
}

static enum ippm_pcap_frame parse_ipv4(const uint8_t *buf, size_t caplen,
                                       int truncated,
                                       struct ippm_pcap_dgram *d)
{
    if (caplen < 20)
        return truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
    size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
    size_t tot = rd16(buf + 2);
    if (ihl < 20)
        return IPPM_PCAP_MALFORMED;
    if (tot == 0) /* TCP/UDP segmentation offload: length left to the NIC */
        tot = caplen;
    if (tot < ihl)
        return IPPM_PCAP_MALFORMED;
    size_t end;
    enum ippm_pcap_frame cut;
    if (ip_end(tot, caplen, truncated, &end, &cut) != 0)
        return IPPM_PCAP_MALFORMED;
    if (ihl > end)
        return cut;
    uint16_t frag = rd16(buf + 6);
    if ((frag & 0x1fff) != 0 || (frag & 0x2000) != 0)
        return IPPM_PCAP_FRAGMENT;
    if (buf[9] != IPPROTO_UDP_ && buf[9] != IPPROTO_TCP_)
        return IPPM_PCAP_NOT_UDP;
    d->src.family = IPPM_AF_INET;
    d->dst.family = IPPM_AF_INET;
    memset(d->src.ip, 0, sizeof d->src.ip);
    memset(d->dst.ip, 0, sizeof d->dst.ip);
    memcpy(d->src.ip, buf + 12, 4);
    memcpy(d->dst.ip, buf + 16, 4);
    d->ttl = buf[8];
    d->tos = buf[1];
    d->ip_id = rd16(buf + 4);
    d->ip_df = (frag & 0x4000) != 0;
    d->ip_csum = csum_ok(csum_add(0, buf, ihl)) ? 1 : -1;
    if (buf[9] == IPPROTO_TCP_)
        return parse_tcp(buf, ihl, end, cut, d);
    return parse_udp(buf, ihl, end, cut, 0, d);
}

static enum ippm_pcap_frame parse_ipv6(const uint8_t *buf, size_t caplen,
                                       int truncated,
                                       struct ippm_pcap_dgram *d)
{
    if (caplen < 40)
        return truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
    size_t plen = rd16(buf + 4);
    int jumbo = plen == 0;
    size_t end;
    enum ippm_pcap_frame cut;
    if (jumbo) {
        /* RFC 2675: the length is in a Hop-by-Hop option; take the frame */
        end = caplen;
        cut = truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
    } else if (ip_end(40 + plen, caplen, truncated, &end, &cut) != 0) {
        return IPPM_PCAP_MALFORMED;
    }
    unsigned nh = buf[6];
    size_t off = 40;
    for (int i = 0; i < MAX_IPV6_EXT; i++) {
        size_t hlen;
        switch (nh) {
        case IPPROTO_UDP_:
        case IPPROTO_TCP_:
            d->src.family = IPPM_AF_INET6;
            d->dst.family = IPPM_AF_INET6;
            memcpy(d->src.ip, buf + 8, 16);
            memcpy(d->dst.ip, buf + 24, 16);
            d->ttl = buf[7];
            d->tos = (int16_t)(((buf[0] & 0x0f) << 4) | (buf[1] >> 4));
            if (nh == IPPROTO_TCP_)
                return parse_tcp(buf, off, end, cut, d);
            return parse_udp(buf, off, end, cut, jumbo, d);
        case 0:   /* Hop-by-Hop Options */
        case 43:  /* Routing */
        case 60:  /* Destination Options */
        case 135: /* Mobility */
        case 139: /* HIP */
        case 140: /* Shim6 */
            if (end - off < 8)
                return cut;
            hlen = ((size_t)buf[off + 1] + 1) * 8;
            break;
        case 51: /* AH, RFC 4302 §2.2: length in 4-octet units, minus 2 */
            if (end - off < 8)
                return cut;
            hlen = ((size_t)buf[off + 1] + 2) * 4;
            break;
        case 44: { /* Fragment, RFC 8200 §4.5 */
            if (end - off < 8)
                return cut;
            uint16_t fo = rd16(buf + off + 2);
            if ((fo & 0xfff8) != 0 || (fo & 1) != 0)
                return IPPM_PCAP_FRAGMENT;
            hlen = 8; /* atomic fragment: the whole datagram follows */
            break;
        }
        default: /* 59 No Next Header, ESP (unreadable), TCP, ICMPv6 ... */
            return IPPM_PCAP_NOT_UDP;
        }
        if (hlen > end - off)
            return cut;
        nh = buf[off];
        off += hlen;
    }
    return IPPM_PCAP_MALFORMED; /* an extension header chain this long is abuse */
}

/* see pcap_read.h */
enum ippm_pcap_frame ippm_pcap_parse_ip(const uint8_t *buf, size_t caplen,
                                        int truncated,
                                        struct ippm_pcap_dgram *d)
{
    d->ethernet = d->ip_df = false;
    d->ip_id = 0;
    d->ip_csum = d->udp_csum = 0;
    if (caplen < 1)
        return truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
    switch (buf[0] >> 4) {
    case 4: return parse_ipv4(buf, caplen, truncated, d);
    case 6: return parse_ipv6(buf, caplen, truncated, d);
    default: return IPPM_PCAP_NOT_IP;
    }
}

/* An ethertype at buf[off], VLAN tags skipped; returns the offset of the
 * network header, or sets *k and returns 0. */
static size_t skip_ethertype(const uint8_t *buf, size_t caplen, size_t off,
                             int truncated, int *version,
                             enum ippm_pcap_frame *k)
{
    for (int tags = 0;; tags++) {
        if (caplen < off + 2) {
            *k = truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
            return 0;
        }
        uint16_t type = rd16(buf + off);
        off += 2;
        switch (type) {
        case ETHERTYPE_IPV4: *version = 4; return off;
        case ETHERTYPE_IPV6: *version = 6; return off;
        case 0x8100: /* 802.1Q */
        case 0x88a8: /* 802.1ad */
        case 0x9100: /* old QinQ */
            if (tags == MAX_VLAN_TAGS) {
                *k = IPPM_PCAP_MALFORMED;
                return 0;
            }
            off += 2; /* TCI; the next ethertype follows */
            break;
        default:
            *k = IPPM_PCAP_NOT_IP;
            return 0;
        }
    }
}

/* The frame's 6-octet link-layer source into d, when its link type has
 * one: Ethernet (octets 6-11), SLL (address length at 4, address at 6),
 * SLL2 (length at 11, address at 12). */
static void link_src_mac(int dlt, const uint8_t *buf, size_t caplen,
                         struct ippm_pcap_dgram *d)
{
    size_t at = 0;
    if (dlt == LINK_EN10MB && caplen >= 12)
        at = 6;
    else if (dlt == LINK_SLL && caplen >= 12 && rd16(buf + 4) == 6)
        at = 6;
    else if (dlt == LINK_SLL2 && caplen >= 18 && buf[11] == 6)
        at = 12;
    d->src_mac_known = at != 0;
    if (at)
        memcpy(d->src_mac, buf + at, 6);
}

/* see pcap_read.h */
enum ippm_pcap_frame ippm_pcap_parse_frame(int dlt, const uint8_t *buf,
                                           size_t caplen, size_t wirelen,
                                           struct ippm_pcap_dgram *d)
{
    int truncated = wirelen > caplen;
    enum ippm_pcap_frame k = IPPM_PCAP_MALFORMED;
    size_t off;
    int version = 0;
    switch (dlt) {
    case LINK_EN10MB:
        off = skip_ethertype(buf, caplen, 12, truncated, &version, &k);
        break;
    case LINK_SLL: /* 16-octet header, protocol last */
        off = skip_ethertype(buf, caplen, 14, truncated, &version, &k);
        break;
    case LINK_SLL2: /* 20-octet header, protocol first */
        if (caplen < 20)
            return truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
        off = skip_ethertype(buf, caplen, 0, truncated, &version, &k);
        if (off != 0)
            off = 20;
        break;
    case LINK_NULL:
    case LINK_LOOP:
        /* the family's numbers differ between BSDs; the IP version nibble
         * says the same without guessing the byte order */
        if (caplen < 4)
            return truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
        off = 4;
        break;
    case LINK_RAW:
    case LINK_RAW_BSD:
    case LINK_RAW_LT:
    case LINK_IPV4:
    case LINK_IPV6:
        off = 0;
        break;
    default:
        return IPPM_PCAP_LINK;
    }
    if (off == 0 && dlt != LINK_RAW && dlt != LINK_RAW_BSD &&
        dlt != LINK_RAW_LT && dlt != LINK_IPV4 && dlt != LINK_IPV6)
        return k;
    if (off > caplen)
        return truncated ? IPPM_PCAP_TRUNCATED : IPPM_PCAP_MALFORMED;
    const uint8_t *ip = buf + off;
    size_t iplen = caplen - off;
    if (version != 0 && iplen >= 1 && (ip[0] >> 4) != version)
        return IPPM_PCAP_MALFORMED; /* ethertype and IP version disagree */
    k = ippm_pcap_parse_ip(ip, iplen, truncated, d);
    link_src_mac(dlt, buf, caplen, d);
    d->ethernet = dlt == LINK_EN10MB;
    return k;
}

/* see pcap_read.h */
int ippm_pcap_open(struct ippm_pcap_reader *r, const char *path, char *err,
                   size_t errcap)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    memset(r, 0, sizeof *r);
    pcap_t *p = pcap_open_offline_with_tstamp_precision(
        path, PCAP_TSTAMP_PRECISION_NANO, eb);
    if (p == NULL) {
        snprintf(err, errcap, "%s", eb[0] ? eb : "cannot open capture");
        return -1;
    }
    r->pcap = p;
    r->dlt = pcap_datalink(p);
    return 0;
}

/* The next frame the caller wants: a UDP datagram, or with tcp a TCP
 * segment too. 1, 0 at the end, -1 on a read error. */
static int next_frame(struct ippm_pcap_reader *r, struct ippm_pcap_dgram *d,
                      bool tcp, char *err, size_t errcap)
{
    pcap_t *p = r->pcap;
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(p, &h, &data);
        if (rc == PCAP_ERROR_BREAK)
            return 0;
        if (rc != 1) {
            snprintf(err, errcap, "%s", pcap_geterr(p));
            return -1;
        }
        r->counts.frames++;
        memset(d, 0, sizeof *d);
        enum ippm_pcap_frame k =
            ippm_pcap_parse_frame(r->dlt, data, h->caplen, h->len, d);
        r->counts.by[k]++;
        if (k != IPPM_PCAP_UDP && !(tcp && k == IPPM_PCAP_NOT_UDP && d->tcp))
            continue;
        d->frame = r->counts.frames;
        /* opened with nanosecond precision: tv_usec holds ns */
        d->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull +
                   (uint64_t)h->ts.tv_usec;
        return 1;
    }
}

/* see pcap_read.h */
int ippm_pcap_next(struct ippm_pcap_reader *r, struct ippm_pcap_dgram *d,
                   char *err, size_t errcap)
{
    return next_frame(r, d, false, err, errcap);
}

/* see pcap_read.h */
int ippm_pcap_next_seg(struct ippm_pcap_reader *r, struct ippm_pcap_dgram *d,
                       char *err, size_t errcap)
{
    return next_frame(r, d, true, err, errcap);
}

/* see pcap_read.h */
void ippm_pcap_close(struct ippm_pcap_reader *r)
{
    if (r->pcap != NULL)
        pcap_close(r->pcap);
    r->pcap = NULL;
}
