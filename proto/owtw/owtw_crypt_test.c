/* Unit tests of owtw_crypt.c against the perfSONAR captures in
 * authenticated and encrypted mode (KeyID ippmtest, passphrase testpass):
 * every value of ../shared/notes/twamp-owamp-fixtures.md §3 (PBKDF2 key,
 * AES-SK, HMAC-SK, Server-Start block 3 on the wire and in plaintext,
 * every control MAC and the octets it covers) is reproduced by replaying
 * the captured control streams through owtw_rx/owtw_chan, and sealing
 * the recovered plaintext again gives the captured octets back. OpenSSL
 * through impl/core/crypto_openssl. */

#include "owtw_machine_test.h"
#include "owtw_captures_test.h"

static unsigned hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    fail_msg("not a lower-case hex digit: '%c'", c);
    return 0;
}

static void unhex(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(hex_digit(hex[2 * i]) << 4 |
                           hex_digit(hex[2 * i + 1]));
    assert_int_equal(hex[2 * n], '\0');
}

static void assert_hex(const uint8_t *got, const char *hex, size_t n)
{
    uint8_t want[64];
    unhex(hex, want, n);
    assert_memory_equal(got, want, n);
}

/* One expected MAC: the octets it covers and its plaintext value. */
struct mac {
    size_t covered;
    const char *hex;
};

struct capture {
    const char *name;
    enum owtw_proto proto;
    const uint8_t *c2s, *s2c;
    size_t c2s_len, s2c_len;
    const char *key, *aes_sk, *hmac_sk, *ss_wire, *ss_plain;
    struct mac c2s_mac[8], s2c_mac[10];
};

#define CAP(n) n##_c2s, n##_s2c, sizeof n##_c2s, sizeof n##_s2c

static const struct capture TWAMP_A = {
    "twamp-A", OWTW_TWAMP, CAP(twamp_A),
    "b33ad7ce796fbe5fe997f3aacb91804c", "475ec3be5a136f97a1dd94317ac99369",
    "6c4c16b311f02382a3bd3d248022a2fc2ffb289c58e84039d393aa032d4cd8ae",
    "f3227f5b416fc6b48c3e0b7975e14bf0", "eeb14c4e7172cd7c0000000000000000",
    {{96, "c59b5d8a057087c5a318ca8b5d381913"},
     {16, "2b07cc1d3f5096b49e6abc6cef663703"},
     {16, "f36968e558cb1b89b13ac18f2ab0c4c1"}},
    {{48, "0be02e19cd341c8e8169a4e27107d604"},
     {16, "b9443ecddbb09ab101fdf5041a39740d"}}};

static const struct capture TWAMP_E = {
    "twamp-E", OWTW_TWAMP, CAP(twamp_E),
    "851ab1fe7a738dfc8d4b55f37cf14da6", "194ffc62714e6e1cffe2dd1235386b67",
    "f185c6ba6069a0dac9179f43ce47f08ad51ee9d8a4b3d1a640da930190d0b1e9",
    "df041984c330e5b757893e771966f9db", "eeb14c4e7172cd7c0000000000000000",
    {{96, "7378eb9fbbb75f3d2e511c7930097702"},
     {16, "1f165293273f4a1132b5a23c53c54c7f"},
     {16, "63a7e4c5ee50b8aae173fde7506710ec"}},
    {{48, "2d6169213de58dd44fa154edc6f5a1b6"},
     {16, "fa69b29099082fd30d8328fdfaad7d94"}}};

static const struct capture OWAMP_A = {
    "owamp-A", OWTW_OWAMP, CAP(owamp_A),
    "b20064bd69808f8c5571f17cbd2a8bd8", "cf88baaf7c18a0bccbbfd7a3c92cdf50",
    "1e469dbea22f4de32fe1b6c0a19bdb547e376cbe996fa605a503476b8d4a6ecb",
    "d474cba24e36cb7c182866106c6f8d94", "eeb14c6956ad0c3d0000000000000000",
    {{96, "80ac98d431276785eada1353cf259988"},
     {16, "692bcfa3522a89e7880fd69c5d760ef1"},
     {96, "f75d2ac38f167096f482cfdf015ae147"},
     {16, "692bcfa3522a89e7880fd69c5d760ef1"},
     {16, "2d71ca3fd758ec04c3b27318c13a10ec"},
     {48, "4ab3c2b9071ccd39a9a8aea18e53ee3e"},
     {32, "6cfd17515aa56d6cd04cb2a48dcf6d40"}},
    {{48, "c67f60f6750007a53149c508d42a2be0"},
     {32, "ba019e819d39ea96d64d15a6d3ff93c2"},
     {16, "9dcc8f3a4886262d6855f3ec4a30a520"},
     {48, "5c6f89a4137f734504025eafe6dd12cc"},
     {16, "13e73f43fe3e450c31cba72687584a32"},
     {96, "414da2cc49be4955178b19ba387fddd5"},
     {16, "692bcfa3522a89e7880fd69c5d760ef1"},
     {0, "a875a8513535ccbf23e4a543bb197d9a"},
     {256, "005acbb22a2acd5c5883b595c18c3de3"}}};

static const struct capture OWAMP_E = {
    "owamp-E", OWTW_OWAMP, CAP(owamp_E),
    "ec343d2dc13da0fb3ea5e45ee944a276", "7c6a8bec4cc0ed06a2da40dc0c035914",
    "21aac5b102ef2c36203e8e80d1df9be7313f8da89574ae35f7f875476beeeaf3",
    "e5fbec7670cf2e80b51ccb175da293ba", "eeb14c6956ad0c3d0000000000000000",
    {{96, "566e017a9927d6f1afb596c3eb14c3e4"},
     {16, "f15bd21e41c4ea664f37e9743407d232"},
     {96, "06bf1ea2ee9fdd152cd36f36328afe2a"},
     {16, "f15bd21e41c4ea664f37e9743407d232"},
     {16, "d093481c400f3b7dc21cd986acd63a20"},
     {48, "2db50635acb93a806c47c1c18b560401"},
     {32, "b168589a15dd0b4a4d4c4e59c9956d03"}},
    {{48, "7a956b701b524307d7871894b2452df0"},
     {32, "c3877507dddd4e0c5c1a41a088eccf24"},
     {16, "0f33b999f8c7b5421e5f40a2101c6397"},
     {48, "a837decc48905433f87dc040178dcb34"},
     {16, "df78a951e9cc88e4dc8d647c516b7468"},
     {96, "b6a50a476a466e040dd01353305fdc13"},
     {16, "f15bd21e41c4ea664f37e9743407d232"},
     {0, "bf05cde821d082ddd78c0d7b33b8c18f"},
     {256, "a4889eebdfeac2eebb78607736a1d5dc"}}};

/* The messages of each direction after connection setup. */
static const enum owtw_msg TW_C2S[] = {OWTW_MSG_REQUEST_TW, OWTW_MSG_START,
                                       OWTW_MSG_STOP_TW};
static const enum owtw_msg TW_S2C[] = {OWTW_MSG_ACCEPT_SESSION,
                                       OWTW_MSG_START_ACK};
static const enum owtw_msg OW_C2S[] = {OWTW_MSG_REQUEST, OWTW_MSG_REQUEST,
                                       OWTW_MSG_START, OWTW_MSG_STOP,
                                       OWTW_MSG_FETCH};
static const enum owtw_msg OW_S2C[] = {
    OWTW_MSG_ACCEPT_SESSION, OWTW_MSG_ACCEPT_SESSION, OWTW_MSG_START_ACK,
    OWTW_MSG_STOP, OWTW_MSG_FETCH_ACK, OWTW_MSG_REQUEST,
    OWTW_MSG_FETCH_SKIPS, OWTW_MSG_FETCH_RECORDS};

/* Session keys from the capture's greeting and Set-Up-Response. */
static void open_token(const struct capture *c, struct owtw_session_keys *sk)
{
    struct owtw_greeting g;
    struct owtw_setup su;
    assert_int_equal(owtw_greeting_decode(&g, c->s2c, 64), IPPM_OK);
    assert_int_equal(owtw_setup_decode(&su, c->c2s, 164), IPPM_OK);
    assert_memory_equal(su.keyid, "ippmtest\0", 9);
    uint8_t key[16];
    assert_int_equal(owtw_derive_key(&crypto, PASS, 8,
                                     g.salt, g.count, key),
                     IPPM_OK);
    assert_hex(key, c->key, 16);
    assert_int_equal(owtw_token_open(&crypto, key, su.token, g.challenge, sk),
                     IPPM_OK);
    assert_hex(sk->aes_sk, c->aes_sk, 16);
    assert_hex(sk->hmac_sk, c->hmac_sk, 32);
    /* The Token made from the same keys is the captured one. */
    uint8_t token[64];
    assert_int_equal(owtw_token_make(&crypto, key, g.challenge, sk, token),
                     IPPM_OK);
    assert_memory_equal(token, su.token, 64);
    /* Another challenge does not open it. */
    struct owtw_session_keys other = {{0}, {0}};
    g.challenge[3] ^= 1;
    assert_int_equal(owtw_token_open(&crypto, key, su.token, g.challenge,
                                     &other),
                     OWTW_ERR_TOKEN);
    assert_int_equal(other.aes_sk[0], 0);
}

/* Replays one direction from wire[off..len): every message opened block
 * by block (fed in 7-octet pieces), every MAC checked against macs[];
 * the plaintext is then sealed again and must equal the wire. */
static void replay(const struct owtw_session_keys *sk, const uint8_t iv[16],
                   const uint8_t *wire, size_t off, size_t len,
                   const enum owtw_msg *kinds, size_t n_kinds,
                   const struct mac *macs, const uint8_t *pre_block)
{
    struct owtw_chan rx_ch, tx_ch;
    assert_int_equal(owtw_chan_init(&rx_ch, &crypto, sk, iv), IPPM_OK);
    assert_int_equal(owtw_chan_init(&tx_ch, &crypto, sk, iv), IPPM_OK);
    uint8_t pre[16];
    if (pre_block) { /* Server-Start's Start-Time block: data, no MAC */
        assert_int_equal(owtw_chan_open_block(&rx_ch, pre_block, pre, false),
                         IPPM_OK);
        assert_int_equal(owtw_chan_seal(&tx_ch, pre, 16, NULL, 0), IPPM_OK);
        assert_memory_equal(pre, pre_block, 16);
    }
    uint8_t sbuf[2048], plain[1024];
    struct ippm_stream s;
    ippm_stream_init(&s, sbuf, sizeof sbuf);
    struct owtw_rx rx;
    owtw_rx_init(&rx, plain, sizeof plain);
    size_t fed = off, m = 0, n_records = 0, n_skips = 0;
    for (size_t k = 0; k < n_kinds; k++) {
        size_t total = 0;
        if (kinds[k] == OWTW_MSG_FETCH_SKIPS)
            total = (size_t)owtw_fetch_skips_len((uint32_t)n_skips);
        if (kinds[k] == OWTW_MSG_FETCH_RECORDS)
            total = (size_t)owtw_fetch_records_len((uint32_t)n_records);
        owtw_rx_expect(&rx, kinds[k], total);
        enum ippm_err e;
        while ((e = owtw_rx_take(&rx, &rx_ch, &s)) == IPPM_ERR_AGAIN) {
            assert_true(fed < len);
            size_t n = len - fed < 7 ? len - fed : 7;
            assert_int_equal(ippm_stream_feed(&s, wire + fed, n), n);
            fed += n;
        }
        assert_int_equal(e, IPPM_OK);
        for (size_t i = 0; i < rx.n_macs; i++, m++) {
            assert_non_null(macs[m].hex);
            assert_hex(plain + rx.mac_off[i], macs[m].hex, 16);
        }
        /* The octets the last MAC covered (rx_ch keeps the count). */
        assert_int_equal(rx_ch.mac_covered, macs[m - 1].covered);
        if (kinds[k] == OWTW_MSG_FETCH_ACK) {
            struct owtw_fetch_ack fa;
            assert_int_equal(owtw_fetch_ack_decode(&fa, plain, rx.total),
                             IPPM_OK);
            n_skips = fa.n_skips;
            n_records = fa.n_records;
        }
        /* Seal the plaintext again, MAC fields zeroed. */
        uint8_t again[1024];
        memcpy(again, plain, rx.total);
        for (size_t i = 0; i < rx.n_macs; i++)
            memset(again + rx.mac_off[i], 0, 16);
        assert_int_equal(owtw_chan_seal(&tx_ch, again, rx.total, rx.mac_off,
                                        rx.n_macs),
                         IPPM_OK);
        size_t at = fed - ippm_stream_buffered(&s) - rx.total;
        assert_memory_equal(again, wire + at, rx.total);
    }
    assert_null(macs[m].hex); /* every documented MAC was seen */
    assert_int_equal(fed, len);
    assert_int_equal(ippm_stream_buffered(&s), 0);
    owtw_chan_free(&rx_ch);
    owtw_chan_free(&tx_ch);
}

static void run_capture(const struct capture *c)
{
    struct owtw_session_keys sk;
    open_token(c, &sk);
    struct owtw_setup su;
    assert_int_equal(owtw_setup_decode(&su, c->c2s, 164), IPPM_OK);
    const uint8_t *ss = c->s2c + 64;
    assert_hex(ss + 32, c->ss_wire, 16);
    /* Server-Start block 3 opens to Start-Time and MBZ. */
    struct owtw_chan ch;
    assert_int_equal(owtw_chan_init(&ch, &crypto, &sk, ss + 16), IPPM_OK);
    uint8_t blk[16];
    assert_int_equal(owtw_chan_open_block(&ch, ss + 32, blk, false), IPPM_OK);
    assert_hex(blk, c->ss_plain, 16);
    owtw_chan_free(&ch);

    bool tw = c->proto == OWTW_TWAMP;
    replay(&sk, su.client_iv, c->c2s, 164, c->c2s_len, tw ? TW_C2S : OW_C2S,
           tw ? 3 : 5, c->c2s_mac, NULL);
    replay(&sk, ss + 16, c->s2c, 112, c->s2c_len, tw ? TW_S2C : OW_S2C,
           tw ? 2 : 8, c->s2c_mac, ss + 32);
}

static void test_owtw_crypt_twamp_A(void **state)
{
    (void)state;
    run_capture(&TWAMP_A);
}

static void test_owtw_crypt_twamp_E(void **state)
{
    (void)state;
    run_capture(&TWAMP_E);
}

static void test_owtw_crypt_owamp_A(void **state)
{
    (void)state;
    run_capture(&OWAMP_A);
}

static void test_owtw_crypt_owamp_E(void **state)
{
    (void)state;
    run_capture(&OWAMP_E);
}

/* A flipped ciphertext octet breaks the next MAC: IPPM_ERR_HMAC. */
static void test_owtw_rx_rejects_a_tampered_block(void **state)
{
    (void)state;
    struct owtw_session_keys sk;
    open_token(&TWAMP_E, &sk);
    struct owtw_setup su;
    assert_int_equal(owtw_setup_decode(&su, twamp_E_c2s, 164), IPPM_OK);
    uint8_t wire[112];
    memcpy(wire, twamp_E_c2s + 164, sizeof wire);
    wire[40] ^= 0x80;
    struct owtw_chan ch;
    assert_int_equal(owtw_chan_init(&ch, &crypto, &sk, su.client_iv), IPPM_OK);
    uint8_t sbuf[256], plain[256];
    struct ippm_stream s;
    ippm_stream_init(&s, sbuf, sizeof sbuf);
    ippm_stream_feed(&s, wire, sizeof wire);
    struct owtw_rx rx;
    owtw_rx_init(&rx, plain, sizeof plain);
    owtw_rx_expect(&rx, OWTW_MSG_REQUEST_TW, 0);
    assert_int_equal(owtw_rx_take(&rx, &ch, &s), IPPM_ERR_HMAC);
    owtw_chan_free(&ch);
}

/* Open mode: the identity, HMAC fields untouched; a request longer than
 * the buffer is OWTW_ERR_MSG_LEN before any octet of it is consumed
 * past its first block. */
static void test_owtw_rx_open_mode_and_oversize(void **state)
{
    (void)state;
    struct owtw_chan ch;
    owtw_chan_init_open(&ch);
    uint8_t msg[112] = {5, 4};
    size_t off[4];
    size_t n = owtw_msg_macs(OWTW_MSG_REQUEST_TW, msg, 112, off);
    assert_int_equal(n, 1);
    assert_int_equal(off[0], 96);
    assert_int_equal(owtw_chan_seal(&ch, msg, 112, off, n), IPPM_OK);
    assert_int_equal(msg[0], 5);
    assert_int_equal(msg[96], 0);
    assert_int_equal(owtw_chan_seal(&ch, msg, 100, off, n), IPPM_ERR_BAD_ARG);
    uint8_t big[16] = {1, 4, 0, 1, 0, 0, 1, 0}; /* 256 slots */
    uint8_t sbuf[64], plain[256];
    struct ippm_stream s;
    ippm_stream_init(&s, sbuf, sizeof sbuf);
    ippm_stream_feed(&s, big, sizeof big);
    struct owtw_rx rx;
    owtw_rx_init(&rx, plain, sizeof plain);
    owtw_rx_expect(&rx, OWTW_MSG_REQUEST, 0);
    assert_int_equal(owtw_rx_take(&rx, &ch, &s), OWTW_ERR_MSG_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owtw_crypt_twamp_A),
        cmocka_unit_test(test_owtw_crypt_twamp_E),
        cmocka_unit_test(test_owtw_crypt_owamp_A),
        cmocka_unit_test(test_owtw_crypt_owamp_E),
        cmocka_unit_test(test_owtw_rx_rejects_a_tampered_block),
        cmocka_unit_test(test_owtw_rx_open_mode_and_oversize),
    };
    return cmocka_run_group_tests(tests, owtw_test_setup, owtw_test_teardown);
}
