/* OWAMP/TWAMP control message codecs on plaintext, RFC 4656 §3 and
 * RFC 5357 §3, with RFC 5938 §3 (Start-N/Stop-N) and RFC 6038 §4. */
#include "owtw.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* Octets needed to pad n up to a whole block. */
static uint64_t round_block(uint64_t n)
{
    return (n + OWTW_BLOCK - 1) / OWTW_BLOCK * OWTW_BLOCK;
}

/* A writer over buf when len octets fit in cap; otherwise NOSPACE. */
static enum ippm_err wr_begin(struct ippm_wcur *w, uint8_t *buf, size_t cap,
                              uint64_t len)
{
    if (len > cap)
        return IPPM_ERR_NOSPACE;
    *w = ippm_wcur_make(buf, (size_t)len);
    return IPPM_OK;
}

/* Ends an encoding that must have filled exactly its length. */
static enum ippm_err wr_end(const struct ippm_wcur *w, size_t *written)
{
    if (w->overrun || w->off != w->cap)
        return IPPM_ERR_NOSPACE; /* unreachable: lengths are computed */
    *written = w->off;
    return IPPM_OK;
}

static void wr_hmac_slot(struct ippm_wcur *w)
{
    ippm_wr_zero(w, OWTW_HMAC_LEN);
}

static void rd_copy(struct ippm_rcur *c, uint8_t *dst, size_t n)
{
    const uint8_t *p;
    if (ippm_rcur_take(c, n, &p))
        memcpy(dst, p, n);
}

static void rd_hmac_slot(struct ippm_rcur *c)
{
    const uint8_t *p;
    ippm_rcur_take(c, OWTW_HMAC_LEN, &p);
}

/* see owtw.h */
const char *owtw_accept_name(uint8_t accept)
{
    switch (accept) {
    case OWTW_ACCEPT_OK: return "OK";
    case OWTW_ACCEPT_FAILURE: return "failure";
    case OWTW_ACCEPT_INTERNAL: return "internal error";
    case OWTW_ACCEPT_NOT_SUPPORTED: return "not supported";
    case OWTW_ACCEPT_PERMANENT: return "permanent resource limitation";
    case OWTW_ACCEPT_TEMPORARY: return "temporary resource limitation";
    case OWTW_ACCEPT_NO_IKEV2_SA: return "no IKEv2 SA";
    default: return "reserved";
    }
}

/* ---- connection setup, RFC 4656 §3.1 ---- */

/* see owtw.h */
enum ippm_err owtw_greeting_encode(uint8_t *buf, size_t cap, size_t *written,
                                   const struct owtw_greeting *m)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, OWTW_GREETING_LEN) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_zero(&w, 12);
    ippm_wr_u32(&w, m->modes);
    ippm_wr_bytes(&w, m->challenge, OWTW_CHALLENGE_LEN);
    ippm_wr_bytes(&w, m->salt, OWTW_SALT_LEN);
    ippm_wr_u32(&w, m->count);
    ippm_wr_zero(&w, 12);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_greeting_decode(struct owtw_greeting *out,
                                   const uint8_t *buf, size_t len)
{
    if (len < OWTW_GREETING_LEN)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_GREETING_LEN);
    struct owtw_greeting m;
    m.unused_nonzero = ippm_rd_skip_nonzero(&c, 12);
    m.modes = ippm_rd_u32(&c);
    rd_copy(&c, m.challenge, OWTW_CHALLENGE_LEN);
    rd_copy(&c, m.salt, OWTW_SALT_LEN);
    m.count = ippm_rd_u32(&c);
    m.mbz_nonzero = ippm_rd_skip_nonzero(&c, 12);
    *out = m;
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_setup_encode(uint8_t *buf, size_t cap, size_t *written,
                                const struct owtw_setup *m)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, OWTW_SETUP_LEN) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u32(&w, m->mode);
    ippm_wr_bytes(&w, m->keyid, OWTW_KEYID_LEN);
    ippm_wr_bytes(&w, m->token, OWTW_TOKEN_LEN);
    ippm_wr_bytes(&w, m->client_iv, OWTW_IV_LEN);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_setup_decode(struct owtw_setup *out, const uint8_t *buf,
                                size_t len)
{
    if (len < OWTW_SETUP_LEN)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_SETUP_LEN);
    out->mode = ippm_rd_u32(&c);
    rd_copy(&c, out->keyid, OWTW_KEYID_LEN);
    rd_copy(&c, out->token, OWTW_TOKEN_LEN);
    rd_copy(&c, out->client_iv, OWTW_IV_LEN);
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_server_start_encode(uint8_t *buf, size_t cap,
                                       size_t *written,
                                       const struct owtw_server_start *m)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, OWTW_SERVER_START_LEN) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_zero(&w, 15);
    ippm_wr_u8(&w, m->accept);
    ippm_wr_bytes(&w, m->server_iv, OWTW_IV_LEN);
    ippm_wr_u64(&w, m->start_time);
    ippm_wr_zero(&w, 8);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_server_start_decode(struct owtw_server_start *out,
                                       const uint8_t *buf, size_t len)
{
    if (len < OWTW_SERVER_START_LEN)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_SERVER_START_LEN);
    bool mbz = ippm_rd_skip_nonzero(&c, 15);
    out->accept = ippm_rd_u8(&c);
    rd_copy(&c, out->server_iv, OWTW_IV_LEN);
    out->start_time = ippm_rd_u64(&c);
    mbz |= ippm_rd_skip_nonzero(&c, 8);
    out->mbz_nonzero = mbz;
    return IPPM_OK;
}

/* ---- Request-Session and its kin, RFC 4656 §3.5, RFC 5357 §3.5 ---- */

/* see owtw.h */
size_t owtw_request_len(uint32_t n_slots)
{
    if (n_slots == 0)
        return OWTW_REQUEST_LEN;
    return OWTW_REQUEST_LEN + (size_t)n_slots * OWTW_SLOT_LEN + OWTW_HMAC_LEN;
}

/* One address field: 16 octets; with IPVN 4, 4 octets then 12 MBZ. */
static bool rd_addr(struct ippm_rcur *c, uint8_t ipvn, uint8_t addr[16])
{
    rd_copy(c, addr, 16);
    if (ipvn != 4 || c->overrun)
        return false;
    for (size_t i = 4; i < 16; i++)
        if (addr[i])
            return true;
    return false;
}

/* see owtw.h */
enum ippm_err owtw_request_encode(uint8_t *buf, size_t cap, size_t *written,
                                  enum owtw_proto proto,
                                  const struct owtw_request *req,
                                  const struct owtw_slot *slots)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, owtw_request_len(req->n_slots)) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u8(&w, req->cmd);
    ippm_wr_u8(&w, req->ipvn & 0x0f);
    ippm_wr_u8(&w, req->conf_sender);
    ippm_wr_u8(&w, req->conf_receiver);
    ippm_wr_u32(&w, req->n_slots);
    ippm_wr_u32(&w, req->n_packets);
    ippm_wr_u16(&w, req->sender_port);
    ippm_wr_u16(&w, req->receiver_port);
    ippm_wr_bytes(&w, req->sender_addr, 16);
    ippm_wr_bytes(&w, req->receiver_addr, 16);
    ippm_wr_bytes(&w, req->sid, OWTW_SID_LEN);
    ippm_wr_u32(&w, req->padding_len);
    ippm_wr_u64(&w, req->start_time);
    ippm_wr_u64(&w, req->timeout);
    ippm_wr_u32(&w, req->type_p);
    if (proto == OWTW_TWAMP) { /* RFC 6038 §4.2 */
        ippm_wr_u16(&w, req->octets_to_reflect);
        ippm_wr_u16(&w, req->pad_to_reflect);
        ippm_wr_zero(&w, 4);
    } else {
        ippm_wr_zero(&w, 8);
    }
    wr_hmac_slot(&w);
    for (uint32_t i = 0; i < req->n_slots; i++) {
        ippm_wr_u8(&w, (uint8_t)slots[i].type);
        ippm_wr_zero(&w, 7);
        ippm_wr_u64(&w, slots[i].param);
    }
    if (req->n_slots)
        wr_hmac_slot(&w);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_request_decode(struct owtw_request *out,
                                  const uint8_t *buf, size_t len)
{
    if (len < OWTW_REQUEST_LEN)
        return IPPM_ERR_SHORT;
    uint32_t n_slots = ippm_load_u32(buf + 4);
    if (len < owtw_request_len(n_slots))
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_REQUEST_LEN);
    struct owtw_request m;
    m.cmd = ippm_rd_u8(&c);
    uint8_t v = ippm_rd_u8(&c);
    m.ipvn = v & 0x0f;
    bool mbz = (v & 0xf0) != 0;
    m.conf_sender = ippm_rd_u8(&c);
    m.conf_receiver = ippm_rd_u8(&c);
    m.n_slots = ippm_rd_u32(&c);
    m.n_packets = ippm_rd_u32(&c);
    m.sender_port = ippm_rd_u16(&c);
    m.receiver_port = ippm_rd_u16(&c);
    bool amb = rd_addr(&c, m.ipvn, m.sender_addr);
    amb |= rd_addr(&c, m.ipvn, m.receiver_addr);
    rd_copy(&c, m.sid, OWTW_SID_LEN);
    m.padding_len = ippm_rd_u32(&c);
    m.start_time = ippm_rd_u64(&c);
    m.timeout = ippm_rd_u64(&c);
    m.type_p = ippm_rd_u32(&c);
    m.octets_to_reflect = ippm_rd_u16(&c);
    m.pad_to_reflect = ippm_rd_u16(&c);
    /* OWAMP's MBZ(8) covers the RFC 6038 octets too; TWAMP's is the last
     * four. Both readings are reported: the caller knows the protocol. */
    mbz |= ippm_rd_skip_nonzero(&c, 4);
    mbz |= m.cmd != OWTW_CMD_REQUEST_TW_SESSION &&
           m.cmd != OWTW_CMD_REQUEST_TW_MICRO &&
           (m.octets_to_reflect | m.pad_to_reflect) != 0;
    rd_hmac_slot(&c);
    m.mbz_nonzero = mbz;
    m.addr_mbz_nonzero = amb;
    m.slots = n_slots ? buf + OWTW_REQUEST_LEN : NULL;
    *out = m;
    return IPPM_OK;
}

/* see owtw.h */
bool owtw_slot_decode(struct owtw_slot *out, const uint8_t *slots,
                      uint32_t i)
{
    const uint8_t *s = slots + (size_t)i * OWTW_SLOT_LEN;
    out->type = s[0];
    bool mbz = false;
    for (size_t k = 1; k < 8; k++)
        mbz |= s[k] != 0;
    out->param = ippm_load_u64(s + 8);
    return mbz;
}

/* see owtw.h */
uint32_t owtw_type_p_from_dscp(uint8_t dscp)
{
    return (uint32_t)(dscp & 0x3f) << 24;
}

/* see owtw.h */
int owtw_type_p_dscp(uint32_t type_p)
{
    return type_p >> 30 == 0 ? (int)(type_p >> 24 & 0x3f) : -1;
}

/* see owtw.h */
void owtw_sid_make(uint8_t sid[OWTW_SID_LEN], const uint8_t ipv4[4],
                   uint64_t ntp_ts, const uint8_t rnd[4])
{
    memcpy(sid, ipv4, 4);
    ippm_store_u64(sid + 4, ntp_ts);
    memcpy(sid + 12, rnd, 4);
}

/* see owtw.h */
enum ippm_err owtw_accept_session_encode(uint8_t *buf, size_t cap,
                                         size_t *written,
                                         const struct owtw_accept_session *m)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, OWTW_ACCEPT_SESSION_LEN) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u8(&w, m->accept);
    ippm_wr_u8(&w, 0);
    ippm_wr_u16(&w, m->port);
    ippm_wr_bytes(&w, m->sid, OWTW_SID_LEN);
    ippm_wr_u16(&w, m->reflected_octets);
    ippm_wr_u16(&w, m->server_octets);
    ippm_wr_zero(&w, 8);
    wr_hmac_slot(&w);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_accept_session_decode(struct owtw_accept_session *out,
                                         const uint8_t *buf, size_t len)
{
    if (len < OWTW_ACCEPT_SESSION_LEN)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_ACCEPT_SESSION_LEN);
    out->accept = ippm_rd_u8(&c);
    bool mbz = ippm_rd_u8(&c) != 0;
    out->port = ippm_rd_u16(&c);
    rd_copy(&c, out->sid, OWTW_SID_LEN);
    out->reflected_octets = ippm_rd_u16(&c);
    out->server_octets = ippm_rd_u16(&c);
    mbz |= ippm_rd_skip_nonzero(&c, 8);
    out->mbz_nonzero = mbz;
    return IPPM_OK;
}

/* ---- Start, Stop, Fetch, RFC 4656 §3.7-3.9 ---- */

/* see owtw.h */
enum ippm_err owtw_start_encode(uint8_t *buf, size_t cap, size_t *written)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, OWTW_START_LEN) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u8(&w, OWTW_CMD_START_SESSIONS);
    ippm_wr_zero(&w, 15);
    wr_hmac_slot(&w);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_start_decode(struct owtw_start *out, const uint8_t *buf,
                                size_t len)
{
    if (len < OWTW_START_LEN)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_START_LEN);
    out->cmd = ippm_rd_u8(&c);
    out->mbz_nonzero = ippm_rd_skip_nonzero(&c, 15);
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_start_ack_encode(uint8_t *buf, size_t cap, size_t *written,
                                    const struct owtw_start_ack *m)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, OWTW_START_ACK_LEN) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u8(&w, m->accept);
    ippm_wr_zero(&w, 15);
    wr_hmac_slot(&w);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_start_ack_decode(struct owtw_start_ack *out,
                                    const uint8_t *buf, size_t len)
{
    if (len < OWTW_START_ACK_LEN)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_START_ACK_LEN);
    out->accept = ippm_rd_u8(&c);
    out->mbz_nonzero = ippm_rd_skip_nonzero(&c, 15);
    return IPPM_OK;
}

/* see owtw.h */
size_t owtw_stop_record_len(uint32_t n_skips)
{
    return (size_t)round_block(OWTW_STOP_RECORD_HDR_LEN +
                               (uint64_t)n_skips * OWTW_SKIP_RANGE_LEN);
}

/* Octets of an encoded Stop-Sessions, or UINT64_MAX past any buffer. */
static uint64_t stop_len(enum owtw_proto proto, const struct owtw_stop *m,
                         const struct owtw_stop_record *recs)
{
    if (proto == OWTW_TWAMP)
        return OWTW_STOP_TW_LEN;
    uint64_t n = OWTW_STOP_HDR_LEN + OWTW_HMAC_LEN;
    for (uint32_t i = 0; i < m->n_sessions; i++)
        n += round_block(OWTW_STOP_RECORD_HDR_LEN +
                         (uint64_t)recs[i].n_skips * OWTW_SKIP_RANGE_LEN);
    return n;
}

/* see owtw.h */
enum ippm_err owtw_stop_encode(uint8_t *buf, size_t cap, size_t *written,
                               enum owtw_proto proto,
                               const struct owtw_stop *m,
                               const struct owtw_stop_record *recs)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, stop_len(proto, m, recs)) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u8(&w, OWTW_CMD_STOP_SESSIONS);
    ippm_wr_u8(&w, m->accept);
    ippm_wr_zero(&w, 2);
    ippm_wr_u32(&w, m->n_sessions);
    ippm_wr_zero(&w, 8);
    for (uint32_t i = 0; proto == OWTW_OWAMP && i < m->n_sessions; i++) {
        const struct owtw_stop_record *r = &recs[i];
        size_t skips = (size_t)r->n_skips * OWTW_SKIP_RANGE_LEN;
        ippm_wr_bytes(&w, r->sid, OWTW_SID_LEN);
        ippm_wr_u32(&w, r->next_seqno);
        ippm_wr_u32(&w, r->n_skips);
        ippm_wr_bytes(&w, r->skips, skips);
        ippm_wr_zero(&w, owtw_stop_record_len(r->n_skips) -
                             OWTW_STOP_RECORD_HDR_LEN - skips);
    }
    wr_hmac_slot(&w);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_stop_decode(struct owtw_stop *out, enum owtw_proto proto,
                               const uint8_t *buf, size_t len)
{
    enum owtw_msg kind = proto == OWTW_TWAMP ? OWTW_MSG_STOP_TW : OWTW_MSG_STOP;
    size_t total;
    if (len < OWTW_STOP_HDR_LEN ||
        owtw_msg_len(kind, buf, len, len, &total) != IPPM_OK || len < total)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_STOP_HDR_LEN);
    struct owtw_stop m;
    m.cmd = ippm_rd_u8(&c);
    m.accept = ippm_rd_u8(&c);
    bool mbz = ippm_rd_skip_nonzero(&c, 2);
    m.n_sessions = ippm_rd_u32(&c);
    mbz |= ippm_rd_skip_nonzero(&c, 8);
    m.mbz_nonzero = mbz;
    m.records_len = total - OWTW_STOP_HDR_LEN - OWTW_HMAC_LEN;
    m.records = m.records_len ? buf + OWTW_STOP_HDR_LEN : NULL;
    *out = m;
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_stop_record_next(const struct owtw_stop *m, size_t *off,
                                    struct owtw_stop_record *out)
{
    if (*off > m->records_len ||
        m->records_len - *off < OWTW_STOP_RECORD_HDR_LEN)
        return IPPM_ERR_SHORT;
    const uint8_t *p = m->records + *off;
    uint32_t n_skips = ippm_load_u32(p + 20);
    uint64_t skips = (uint64_t)n_skips * OWTW_SKIP_RANGE_LEN;
    uint64_t rlen = round_block(OWTW_STOP_RECORD_HDR_LEN + skips);
    if (rlen > m->records_len - *off)
        return IPPM_ERR_SHORT;
    memcpy(out->sid, p, OWTW_SID_LEN);
    out->next_seqno = ippm_load_u32(p + 16);
    out->n_skips = n_skips;
    out->skips = n_skips ? p + OWTW_STOP_RECORD_HDR_LEN : NULL;
    bool pad = false;
    for (uint64_t i = OWTW_STOP_RECORD_HDR_LEN + skips; i < rlen; i++)
        pad |= p[i] != 0;
    out->pad_nonzero = pad;
    *off += (size_t)rlen;
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_fetch_encode(uint8_t *buf, size_t cap, size_t *written,
                                const struct owtw_fetch *m)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, OWTW_FETCH_LEN) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u8(&w, OWTW_CMD_FETCH_SESSION);
    ippm_wr_zero(&w, 7);
    ippm_wr_u32(&w, m->begin_seq);
    ippm_wr_u32(&w, m->end_seq);
    ippm_wr_bytes(&w, m->sid, OWTW_SID_LEN);
    wr_hmac_slot(&w);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_fetch_decode(struct owtw_fetch *out, const uint8_t *buf,
                                size_t len)
{
    if (len < OWTW_FETCH_LEN)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_FETCH_LEN);
    out->cmd = ippm_rd_u8(&c);
    out->mbz_nonzero = ippm_rd_skip_nonzero(&c, 7);
    out->begin_seq = ippm_rd_u32(&c);
    out->end_seq = ippm_rd_u32(&c);
    rd_copy(&c, out->sid, OWTW_SID_LEN);
    return IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_fetch_ack_encode(uint8_t *buf, size_t cap, size_t *written,
                                    const struct owtw_fetch_ack *m)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, OWTW_FETCH_ACK_LEN) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u8(&w, m->accept);
    ippm_wr_u8(&w, m->finished);
    ippm_wr_zero(&w, 2);
    ippm_wr_u32(&w, m->next_seqno);
    ippm_wr_u32(&w, m->n_skips);
    ippm_wr_u32(&w, m->n_records);
    wr_hmac_slot(&w);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_fetch_ack_decode(struct owtw_fetch_ack *out,
                                    const uint8_t *buf, size_t len)
{
    if (len < OWTW_FETCH_ACK_LEN)
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_FETCH_ACK_LEN);
    out->accept = ippm_rd_u8(&c);
    out->finished = ippm_rd_u8(&c);
    out->mbz_nonzero = ippm_rd_skip_nonzero(&c, 2);
    out->next_seqno = ippm_rd_u32(&c);
    out->n_skips = ippm_rd_u32(&c);
    out->n_records = ippm_rd_u32(&c);
    return IPPM_OK;
}

/* see owtw.h */
uint64_t owtw_fetch_skips_len(uint32_t n_skips)
{
    return round_block((uint64_t)n_skips * OWTW_SKIP_RANGE_LEN) +
           OWTW_HMAC_LEN;
}

/* see owtw.h */
uint64_t owtw_fetch_records_len(uint32_t n_records)
{
    return round_block((uint64_t)n_records * OWTW_FETCH_RECORD_LEN) +
           OWTW_HMAC_LEN;
}

/* ---- Start-N / Stop-N, RFC 5938 §3.2-3.5 ---- */

/* see owtw.h */
size_t owtw_nsessions_len(uint32_t n_sessions)
{
    return OWTW_NSESSIONS_HDR_LEN + (size_t)n_sessions * OWTW_SID_LEN +
           OWTW_HMAC_LEN;
}

static bool is_ack(uint8_t cmd)
{
    return cmd == OWTW_CMD_START_N_ACK || cmd == OWTW_CMD_STOP_N_ACK;
}

/* see owtw.h */
enum ippm_err owtw_nsessions_encode(uint8_t *buf, size_t cap, size_t *written,
                                    const struct owtw_nsessions *m)
{
    struct ippm_wcur w;
    if (wr_begin(&w, buf, cap, owtw_nsessions_len(m->n_sessions)) != IPPM_OK)
        return IPPM_ERR_NOSPACE;
    ippm_wr_u8(&w, m->cmd);
    ippm_wr_u8(&w, is_ack(m->cmd) ? m->accept : 0);
    ippm_wr_zero(&w, 10);
    ippm_wr_u32(&w, m->n_sessions);
    ippm_wr_bytes(&w, m->sids, (size_t)m->n_sessions * OWTW_SID_LEN);
    wr_hmac_slot(&w);
    return wr_end(&w, written);
}

/* see owtw.h */
enum ippm_err owtw_nsessions_decode(struct owtw_nsessions *out,
                                    const uint8_t *buf, size_t len)
{
    if (len < OWTW_NSESSIONS_HDR_LEN)
        return IPPM_ERR_SHORT;
    uint32_t n = ippm_load_u32(buf + 12);
    if (len < owtw_nsessions_len(n))
        return IPPM_ERR_SHORT;
    struct ippm_rcur c = ippm_rcur_make(buf, OWTW_NSESSIONS_HDR_LEN);
    struct owtw_nsessions m;
    m.cmd = ippm_rd_u8(&c);
    m.accept = ippm_rd_u8(&c);
    bool mbz = ippm_rd_skip_nonzero(&c, 10);
    if (!is_ack(m.cmd))
        mbz |= m.accept != 0;
    m.n_sessions = ippm_rd_u32(&c);
    m.mbz_nonzero = mbz;
    m.sids = n ? buf + OWTW_NSESSIONS_HDR_LEN : NULL;
    *out = m;
    return IPPM_OK;
}

/* ---- lengths ---- */

/* The OWAMP Stop-Sessions walk: records one by one as far as have goes. */
static enum ippm_err stop_walk(const uint8_t *buf, size_t have, size_t max,
                               size_t *total)
{
    uint32_t n = ippm_load_u32(buf + 4);
    uint64_t off = OWTW_STOP_HDR_LEN;
    for (uint32_t i = 0; i < n; i++) {
        /* The record header's Number of Skip Ranges ends at octet 24:
         * two blocks to decrypt before it can be read. */
        uint64_t need = round_block(off + OWTW_STOP_RECORD_HDR_LEN);
        if (need > max) {
            *total = need > SIZE_MAX ? SIZE_MAX : (size_t)need;
            return OWTW_ERR_MSG_LEN;
        }
        if (have < need) {
            *total = (size_t)need;
            return IPPM_ERR_AGAIN;
        }
        uint32_t skips = ippm_load_u32(buf + off + 20);
        off += round_block(OWTW_STOP_RECORD_HDR_LEN +
                           (uint64_t)skips * OWTW_SKIP_RANGE_LEN);
    }
    off += OWTW_HMAC_LEN;
    *total = off > SIZE_MAX ? SIZE_MAX : (size_t)off;
    return off > max ? OWTW_ERR_MSG_LEN : IPPM_OK;
}

static enum ippm_err answer(uint64_t len, size_t max, size_t *total)
{
    *total = len > SIZE_MAX ? SIZE_MAX : (size_t)len;
    return len > max ? OWTW_ERR_MSG_LEN : IPPM_OK;
}

/* see owtw.h */
enum ippm_err owtw_msg_len(enum owtw_msg kind, const uint8_t *buf,
                           size_t have, size_t max, size_t *total)
{
    static const uint16_t fixed[OWTW_MSG_COUNT_] = {
        [OWTW_MSG_GREETING] = OWTW_GREETING_LEN,
        [OWTW_MSG_SETUP] = OWTW_SETUP_LEN,
        [OWTW_MSG_SERVER_START] = OWTW_SERVER_START_LEN,
        [OWTW_MSG_ACCEPT_SESSION] = OWTW_ACCEPT_SESSION_LEN,
        [OWTW_MSG_START] = OWTW_START_LEN,
        [OWTW_MSG_START_ACK] = OWTW_START_ACK_LEN,
        [OWTW_MSG_STOP_TW] = OWTW_STOP_TW_LEN,
        [OWTW_MSG_FETCH] = OWTW_FETCH_LEN,
        [OWTW_MSG_FETCH_ACK] = OWTW_FETCH_ACK_LEN,
        [OWTW_MSG_SLOT] = OWTW_SLOT_LEN,
        [OWTW_MSG_STOP_RECORD] = OWTW_STOP_RECORD_HDR_LEN,
    };
    if ((unsigned)kind >= OWTW_MSG_COUNT_ || kind == OWTW_MSG_FETCH_SKIPS ||
        kind == OWTW_MSG_FETCH_RECORDS)
        return IPPM_ERR_BAD_ARG;
    bool variable = kind == OWTW_MSG_REQUEST || kind == OWTW_MSG_REQUEST_TW ||
                    kind == OWTW_MSG_STOP || kind == OWTW_MSG_NSESSIONS;
    if (!variable)
        return answer(fixed[kind], max, total);
    if (have < OWTW_BLOCK) {
        *total = OWTW_BLOCK;
        return IPPM_ERR_AGAIN;
    }
    switch (kind) {
    case OWTW_MSG_REQUEST:
    case OWTW_MSG_REQUEST_TW: {
        uint32_t n = ippm_load_u32(buf + 4);
        uint64_t len = OWTW_REQUEST_LEN;
        if (n)
            len += (uint64_t)n * OWTW_SLOT_LEN + OWTW_HMAC_LEN;
        return answer(len, max, total);
    }
    case OWTW_MSG_NSESSIONS:
        return answer(OWTW_NSESSIONS_HDR_LEN +
                          (uint64_t)ippm_load_u32(buf + 12) * OWTW_SID_LEN +
                          OWTW_HMAC_LEN,
                      max, total);
    default:
        return stop_walk(buf, have, max, total);
    }
}
