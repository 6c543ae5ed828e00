/* Fuzzes the passive control observer (proto/owtw/owtw_tap.c), as
 * `ippm pcap check` feeds it from reassembled TCP: a capture's keys and
 * both directions interleaved.
 *
 * Input layout: [0] capture (index % 6, fuzz_owtw.h; its keys and
 * protocol), then records while input lasts: [0] bit7 from the client,
 * bits0-6 length - 1; then that many octets (cut to what is left).
 *
 * Postconditions: next returns OK, AGAIN or a documented sticky reason,
 * and the same reason again after; each direction's messages tile its
 * stream (offsets add up, nothing twice); a message's plaintext lies in
 * the tap's buffer; feeds within the room are taken. */
#include "fuzz_owtw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 1)
        return 0;
    static uint8_t in[2][512], plain[2][1024];
    static struct owtw_tap t;
    unsigned ci = data[0] % 6;
    struct owtw_tap_bufs b = {in[0], in[1], plain[0], plain[1], 512, 1024};
    owtw_tap_init(&t, fuzz_owtw_caps[ci].proto, fuzz_owtw_crypto(),
                  fuzz_owtw_keys, 1, &b);
    (void)fuzz_owtw_rand(ci); /* the same process state as the others */
    uint64_t seen[2] = {0, 0};
    enum ippm_err sticky = IPPM_OK;
    for (size_t off = 1; off < len;) {
        bool client = (data[off] & 0x80) != 0;
        size_t n = (size_t)(data[off] & 0x7f) + 1;
        off++;
        if (n > len - off)
            n = len - off;
        if (n > owtw_tap_room(&t, client))
            n = owtw_tap_room(&t, client);
        FUZZ_CHECK(owtw_tap_feed(&t, client, data + off, n) == IPPM_OK);
        off += n;
        struct owtw_tap_msg m;
        enum ippm_err e;
        for (int i = 0; i < 64 && (e = owtw_tap_next(&t, &m)) == IPPM_OK;
             i++) {
            int d = m.from_client ? 0 : 1;
            FUZZ_CHECK(m.offset == seen[d]);
            seen[d] += m.len;
            FUZZ_CHECK(m.len > 0 && m.plain == plain[d] && m.len <= 1024);
        }
        if (e == IPPM_OK || e == IPPM_ERR_AGAIN)
            continue;
        FUZZ_CHECK(e == OWTW_ERR_KEYID || e == OWTW_ERR_TOKEN ||
                   e == OWTW_ERR_WEAK_COUNT ||
                   e == OWTW_ERR_COMMAND || e == OWTW_ERR_MSG_LEN ||
                   e == OWTW_ERR_SERVER_START || e == IPPM_ERR_CRYPTO);
        FUZZ_CHECK(sticky == IPPM_OK || sticky == e);
        sticky = e;
        FUZZ_CHECK(owtw_tap_next(&t, &m) == e);
    }
    owtw_tap_free(&t);
    return 0;
}
