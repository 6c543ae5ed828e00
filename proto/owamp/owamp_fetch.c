/* OWAMP packet records and skip ranges, RFC 4656 §3.8, §3.9, and the
 * sender's log of them. */
#include "owamp.h"

#include <string.h>

#include "../common/ippm_cur.h"

/* see owamp.h */
bool owamp_record_is_lost(const struct owamp_record *r)
{
    return r->recv_ts == 0;
}

/* n entries of size octets, padded to a block; SIZE_MAX on overflow. */
static size_t padded(size_t n, size_t size)
{
    if (n > (SIZE_MAX - OWAMP_BLOCK) / size)
        return SIZE_MAX;
    size_t raw = n * size;
    return (raw + OWAMP_BLOCK - 1) / OWAMP_BLOCK * OWAMP_BLOCK;
}

/* see owamp.h */
size_t owamp_records_len(size_t n)
{
    return padded(n, OWAMP_RECORD_LEN);
}

/* see owamp.h */
size_t owamp_skips_len(size_t n)
{
    return padded(n, OWAMP_SKIP_RANGE_LEN);
}

/* RFC 4656 §3.9, the figure: Seq, Send Error Estimate, Receive Error
 * Estimate, Send Timestamp, Receive Timestamp, TTL (the prose lists
 * them in another order; the figure is the wire, as the captures
 * show). */
static void wr_record(struct ippm_wcur *c, const struct owamp_record *r)
{
    ippm_wr_u32(c, r->seq);
    ippm_wr_u16(c, r->send_errest);
    ippm_wr_u16(c, r->recv_errest);
    ippm_wr_u64(c, r->send_ts);
    ippm_wr_u64(c, r->recv_ts);
    ippm_wr_u8(c, r->ttl);
}

static void rd_record(struct ippm_rcur *c, struct owamp_record *r)
{
    r->seq = ippm_rd_u32(c);
    r->send_errest = ippm_rd_u16(c);
    r->recv_errest = ippm_rd_u16(c);
    r->send_ts = ippm_rd_u64(c);
    r->recv_ts = ippm_rd_u64(c);
    r->ttl = ippm_rd_u8(c);
}

/* Zero padding from the cursor to the block boundary total. */
static void wr_pad(struct ippm_wcur *c, size_t total)
{
    ippm_wr_zero(c, total - c->off);
}

/* see owamp.h */
enum ippm_err owamp_records_encode(uint8_t *buf, size_t cap,
                                   const struct owamp_record *recs, size_t n,
                                   size_t *written)
{
    size_t total = owamp_records_len(n);
    if (total > cap)
        return IPPM_ERR_NOSPACE;
    struct ippm_wcur c = ippm_wcur_make(buf, total);
    for (size_t i = 0; i < n; i++)
        wr_record(&c, &recs[i]);
    wr_pad(&c, total);
    *written = total;
    return IPPM_OK;
}

/* see owamp.h */
enum ippm_err owamp_skips_encode(uint8_t *buf, size_t cap,
                                 const struct owamp_skip *skips, size_t n,
                                 size_t *written)
{
    size_t total = owamp_skips_len(n);
    if (total > cap)
        return IPPM_ERR_NOSPACE;
    struct ippm_wcur c = ippm_wcur_make(buf, total);
    for (size_t i = 0; i < n; i++) {
        ippm_wr_u32(&c, skips[i].first);
        ippm_wr_u32(&c, skips[i].last);
    }
    wr_pad(&c, total);
    *written = total;
    return IPPM_OK;
}

/* The checks both list decoders make before reading: n entries of size
 * octets must be there; the padding after them is read only as far as
 * len goes (a Stop-Sessions record pads its header and skips together,
 * so its view of the skips ends with them). *pad gets the octets of
 * padding to check. */
static enum ippm_err list_args(size_t len, size_t n, size_t max, size_t size,
                               size_t *pad)
{
    size_t total = padded(n, size);
    if (total == SIZE_MAX || len < n * size)
        return IPPM_ERR_SHORT;
    if (n > max)
        return IPPM_ERR_NOSPACE;
    *pad = (len < total ? len : total) - n * size;
    return IPPM_OK;
}

/* see owamp.h */
enum ippm_err owamp_records_decode(struct owamp_record *out, size_t max,
                                   const uint8_t *buf, size_t len, size_t n,
                                   struct owamp_list_facts *facts)
{
    size_t pad;
    enum ippm_err e = list_args(len, n, max, OWAMP_RECORD_LEN, &pad);
    if (e != IPPM_OK)
        return e;
    struct ippm_rcur c = ippm_rcur_make(buf, len);
    for (size_t i = 0; i < n; i++)
        rd_record(&c, &out[i]);
    struct owamp_list_facts f = {0};
    f.pad_nonzero = ippm_rd_skip_nonzero(&c, pad);
    *facts = f;
    return IPPM_OK;
}

/* see owamp.h */
enum ippm_err owamp_skips_decode(struct owamp_skip *out, size_t max,
                                 const uint8_t *buf, size_t len, size_t n,
                                 struct owamp_list_facts *facts)
{
    size_t pad;
    enum ippm_err e = list_args(len, n, max, OWAMP_SKIP_RANGE_LEN, &pad);
    if (e != IPPM_OK)
        return e;
    struct ippm_rcur c = ippm_rcur_make(buf, len);
    struct owamp_list_facts f = {0};
    for (size_t i = 0; i < n; i++) {
        out[i].first = ippm_rd_u32(&c);
        out[i].last = ippm_rd_u32(&c);
        /* RFC 4656 §3.9: "If any Skip Ranges overlap or are out of
         * order, the session data is to be considered invalid". */
        if (out[i].first > out[i].last ||
            (i > 0 && out[i].first <= out[i - 1].last))
            f.disordered = true;
    }
    f.pad_nonzero = ippm_rd_skip_nonzero(&c, pad);
    *facts = f;
    return IPPM_OK;
}

/* ---- the sender's log ---- */

/* see owamp.h */
void owamp_send_log_init(struct owamp_send_log *log, struct owamp_skip *skips,
                         size_t cap)
{
    memset(log, 0, sizeof *log);
    log->skips = skips;
    log->cap = cap;
}

/* see owamp.h */
enum ippm_err owamp_send_log_note(struct owamp_send_log *log, uint32_t seq,
                                  bool sent)
{
    if (seq != log->next_seqno || seq == UINT32_MAX)
        return IPPM_ERR_BAD_ARG;
    log->next_seqno = seq + 1;
    if (sent)
        return IPPM_OK;
    struct owamp_skip *last = log->n ? &log->skips[log->n - 1] : NULL;
    if (last && last->last + 1 == seq) {
        last->last = seq;
        return IPPM_OK;
    }
    if (log->n == log->cap) {
        log->overflow = true;
        return IPPM_ERR_NOSPACE;
    }
    log->skips[log->n].first = seq;
    log->skips[log->n].last = seq;
    log->n++;
    return IPPM_OK;
}
