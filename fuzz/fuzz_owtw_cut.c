/* Fuzzes conformance/owtw/owtw_cut.h, the reader that cuts an OWAMP or
 * TWAMP control connection's two byte streams into messages (pcap check
 * and the live prober feed it whatever a peer sent).
 *
 * Input layout:
 *   [0]     bits 0-1: the protocol (0 OWAMP, 1 TWAMP, else from the first
 *           command); bit 2: one key, KeyID "ippmtest", so modes A and E
 *           decrypt (fuzz_owtw_crypto.h's stand-in AES and HMAC)
 *   [1..2]  length of the client's stream (big-endian, clamped)
 *   [3..]   the client's stream, then the server's
 * Each octet's time is its offset times two plus the direction (the two
 * streams interleave).
 *
 * Postconditions: no more messages than owtw_cut_max_msgs, no more
 * plaintext than owtw_cut_plain_room; each message lies inside its
 * stream, starts where the previous one of its direction ended, has a
 * known type, and a decrypted copy (when any) inside the caller's
 * buffer; the octets left over are those after the last message. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_owtw_crypto.h"
#include "conformance/owtw/owtw_cut.h"
#include "conformance/owtw/owtw_obs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* A stand-in PBKDF2: the passphrase's octets, repeated (not a KDF). */
static enum ippm_err fake_pbkdf2(void *ctx, enum ippm_hash hash,
                                 const uint8_t *pass, size_t pass_len,
                                 const uint8_t *salt, size_t salt_len,
                                 uint32_t count, uint8_t *out, size_t out_len)
{
    (void)ctx, (void)hash, (void)salt, (void)salt_len, (void)count;
    for (size_t i = 0; i < out_len; i++)
        out[i] = pass_len ? pass[i % pass_len] : 0;
    return IPPM_OK;
}

static uint64_t ns_at(const void *ctx, int dir, uint64_t off)
{
    (void)ctx;
    return 2 * off + (uint64_t)dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 3)
        return 0;
    struct ippm_crypto crypto = fuzz_owtw_crypto;
    if (!crypto.pbkdf2)
        crypto.pbkdf2 = fake_pbkdf2;
    static const struct owtw_key key = {(const uint8_t *)"ippmtest", 8,
                                        (const uint8_t *)"testpass", 8};
    size_t c2s = (size_t)data[1] << 8 | data[2];
    if (c2s > len - 3)
        c2s = len - 3;
    struct owtw_cut_in in = {
        .data = {data + 3, data + 3 + c2s},
        .len = {c2s, len - 3 - c2s},
        .ns_at = ns_at,
        .proto = (data[0] & 3) < 2 ? (int)(data[0] & 3) : -1,
        .crypto = &crypto,
        .keys = data[0] & 4 ? &key : NULL,
        .n_keys = data[0] & 4 ? 1 : 0,
    };
    struct owtw_cut_out out;
    memset(&out, 0, sizeof out);
    out.cap_msg = owtw_cut_max_msgs(&in);
    out.cap_plain = owtw_cut_plain_room(&in);
    out.msg = calloc(out.cap_msg, sizeof *out.msg);
    out.plain = malloc(out.cap_plain);
    FUZZ_CHECK(out.msg && out.plain);
    FUZZ_CHECK(owtw_cut(&in, &out) == IPPM_OK);
    FUZZ_CHECK(out.n_msg <= out.cap_msg);
    FUZZ_CHECK(out.used_plain <= out.cap_plain);
    size_t next[2] = {0, 0};
    for (size_t i = 0; i < out.n_msg; i++) {
        const struct ippm_ctrl_msg *m = &out.msg[i];
        int d = (int)m->dir;
        FUZZ_CHECK(d == 0 || d == 1);
        FUZZ_CHECK(m->type > OWTW_OBS_UNKNOWN && m->type < OWTW_OBS_MSG_COUNT);
        FUZZ_CHECK(m->stream_off == next[d]);
        FUZZ_CHECK(m->wire == in.data[d] + m->stream_off);
        FUZZ_CHECK(m->len <= in.len[d] - m->stream_off);
        FUZZ_CHECK(!m->plain || (m->plain >= out.plain &&
                                 m->plain + m->len <= out.plain + out.cap_plain));
        next[d] += m->len;
    }
    for (int d = 0; d < 2; d++)
        FUZZ_CHECK(out.left_over[d] <= in.len[d] - next[d] + out.left_over[d]);
    free(out.msg);
    free(out.plain);
    return 0;
}
