/* Test support: the test sessions of the perfSONAR 5.2.3 loopback
 * captures (../shared/pcaps-reference/{twamp,owamp}-perfsonar-{O,A,E}.pcap)
 * as decoded in ../shared/notes/twamp-owamp-fixtures.md §3: keys, SIDs,
 * the first test packet of each session on the wire, and the RFC 4656 §5
 * send schedule of each OWAMP session. Hex strings, as in the notes, so a
 * line here can be checked against the notes by eye. Test code only. */
#ifndef IPPM_OWTW_FIXTURES_H
#define IPPM_OWTW_FIXTURES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "impl/core/crypto_openssl.h"
#include "proto/owtw/owtw_test.h"

/* One test session of a capture. */
struct owtw_fixture {
    const char *name;
    int mode;        /* 1, 2, 4 (RFC 4656 §3.1 Modes) */
    int twamp;       /* 1: TWAMP (a reflector packet follows) */
    const char *aes_sk, *hmac_sk, *sid; /* NULL in mode 1 */
    const char *t_aes, *t_hmac;
    /* packet 0 of the Session-Sender: its plaintext fields and the wire */
    uint64_t ts;
    const char *sender_wire;
    /* TWAMP: the reflection of packet 0 */
    uint64_t r_ts, r_rx_ts;
    const char *reflector_wire;
    /* OWAMP: Start Time and the first 10 send times (NTP 32.32) */
    uint64_t start;
    uint64_t schedule[10];
};

#define OWTW_TWAMP_A_AES "475ec3be5a136f97a1dd94317ac99369"
#define OWTW_TWAMP_A_HMAC                                                     \
    "6c4c16b311f02382a3bd3d248022a2fc2ffb289c58e84039d393aa032d4cd8ae"
#define OWTW_TWAMP_E_AES "194ffc62714e6e1cffe2dd1235386b67"
#define OWTW_TWAMP_E_HMAC                                                     \
    "f185c6ba6069a0dac9179f43ce47f08ad51ee9d8a4b3d1a640da930190d0b1e9"
#define OWTW_OWAMP_A_AES "cf88baaf7c18a0bccbbfd7a3c92cdf50"
#define OWTW_OWAMP_A_HMAC                                                     \
    "1e469dbea22f4de32fe1b6c0a19bdb547e376cbe996fa605a503476b8d4a6ecb"
#define OWTW_OWAMP_E_AES "7c6a8bec4cc0ed06a2da40dc0c035914"
#define OWTW_OWAMP_E_HMAC                                                     \
    "21aac5b102ef2c36203e8e80d1df9be7313f8da89574ae35f7f875476beeeaf3"

static const struct owtw_fixture owtw_fixtures[] = {
    {"twamp-O", 1, 1, NULL, NULL, "7f000001eeb14c5072baade630610dd7", NULL,
     NULL, 0xeeb14c51851f6017ull, NULL, 0xeeb14c518527d45aull,
     0xeeb14c5185269595ull, NULL, 0, {0}},
    {"twamp-A", 2, 1, OWTW_TWAMP_A_AES, OWTW_TWAMP_A_HMAC,
     "7f000001eeb14c564c71b4783b52e5a4", "26a3bc22e80f2d1368e7b8af935cfd8d",
     "94639316b7919c57503b89a6f5f47df0cf590d6b6f28445f24c2f175d3fe6cd2",
     0xeeb14c57531f57b4ull,
     "7e7cd8546fd861ceba81bc9996a2abc7eeb14c57531f57b40001000000000000ea0f52b2"
     "8a3a477c790dfa124b2587dd27757ca7f5353af1cffbb793fb905854a19c9e7d9ea4db01"
     "3337db",
     0xeeb14c575327cbf6ull, 0xeeb14c5753267c6bull,
     "7e7cd8546fd861ceba81bc9996a2abc7eeb14c575327cbf60001000000000000eeb14c57"
     "53267c6b000000000000000000000000000000000000000000000000eeb14c57531f57b4"
     "0001000000000000ff000000000000000000000000000000ea0f52b28a3a477c790dfa12"
     "4b2587dd",
     0, {0}},
    {"twamp-E", 4, 1, OWTW_TWAMP_E_AES, OWTW_TWAMP_E_HMAC,
     "7f000001eeb14c5bc246cfc82f5256a4", "69433b56da183fb55f500e27985018e9",
     "78cc1b888ab3f83ac37f709c02b995e054381e517434f7de958338dda8ada997",
     0xeeb14c5ce949a565ull,
     "42a8195a56a4e558b45032a716cab3640659a8da728cdcaa8809b02cb4cf21d3ab096088"
     "e720a141c2c2531a5df3aeed0c9e4025f14a2e9881e79c53ee9b6fa837cff5b498cc49aa"
     "02315a",
     0xeeb14c5ce953dea4ull, 0xeeb14c5ce9525cc4ull,
     "42a8195a56a4e558b45032a716cab36428f86e4da693fa4697e0fb903accd43f6e3abed3"
     "af4747a683becb00fff4e0a074ab581f55542e0b9dc15e7318e18bca8ad492dd0a28fb8e"
     "55afae475ff43209d2142469397b8b18a38cf09300380d3097bc1078dbc43e85a0863c21"
     "a5455a9b",
     0, {0}},
    {"owamp-O-1", 1, 0, NULL, NULL, "7f000001eeb14c6b63b60285aa9d7bb7", NULL,
     NULL, 0xeeb14c6c5986a8fcull, NULL, 0, 0, NULL, 0xeeb14c6c58177640ull,
     {0xeeb14c6c59810d8eull, 0xeeb14c6c5a5a28c7ull, 0xeeb14c6c8c3b94a4ull,
      0xeeb14c6c8e555c60ull, 0xeeb14c6ca0d94753ull, 0xeeb14c6cb0180516ull,
      0xeeb14c6cb98cfc66ull, 0xeeb14c6cbfed2a39ull, 0xeeb14c6cc1d470edull,
      0xeeb14c6ce0c1b439ull}},
    {"owamp-O-2", 1, 0, NULL, NULL, "7f000001eeb14c6b63fc115d9c9d0a6c", NULL,
     NULL, 0xeeb14c6c592ff4baull, NULL, 0, 0, NULL, 0xeeb14c6c58177640ull,
     {0xeeb14c6c5927f212ull, 0xeeb14c6c6104979bull, 0xeeb14c6c6173551dull,
      0xeeb14c6c6e789410ull, 0xeeb14c6c74ed84e3ull, 0xeeb14c6c768b611full,
      0xeeb14c6c7f3e3e97ull, 0xeeb14c6c857e6693ull, 0xeeb14c6c9046c8adull,
      0xeeb14c6ca03ff24full}},
    {"owamp-A-1", 2, 0, OWTW_OWAMP_A_AES, OWTW_OWAMP_A_HMAC,
     "7f000001eeb14c71ca23f24de2e081bb", "d76ff541f61b282d45d7492567195c52",
     "1a72f0b760a10f95e91af25590632879150766a920431246357f9e0eda80c24e",
     0xeeb14c72d487442cull,
     "ec3fbac2f286a4247ad8b43a7b7d72fbeeb14c72d487442c0001000000000000ea577848"
     "3ac0fd7073d8f8bca2a0a776",
     0, 0, NULL, 0xeeb14c72bfeae5bcull, {0}},
    {"owamp-A-2", 2, 0, OWTW_OWAMP_A_AES, OWTW_OWAMP_A_HMAC,
     "7f000001eeb14c71ca54c55475b1aaf6", "00a964437cb49343b02983abf69932d9",
     "0e4a8043b01c677aa9b58d71884c8125b07f39ea2c0b319022b128c48ef5a4d1",
     0xeeb14c72cc63e07aull,
     "0d826e138bbf38857ab0bc58eafa92d8eeb14c72cc63e07a00010000000000003688e0d5"
     "980feabbb7d8d255ad24e1cc",
     0, 0, NULL, 0xeeb14c72bfeae5bcull, {0}},
    {"owamp-E-1", 4, 0, OWTW_OWAMP_E_AES, OWTW_OWAMP_E_HMAC,
     "7f000001eeb14c7832940357f9dafb18", "d93d5391d3e32c09467bab16878ae0be",
     "6fb4e152b55407503df5850ebc71bf5068cd88eb5f1415043ce273c3c5851e19",
     0xeeb14c79324e5929ull,
     "f3716d9315f190b82b90e0b7be868548ccb70a51368ee700cdbf0aa51fedfdfe623d7132"
     "83eb443347a8b7dd50b897e1",
     0, 0, NULL, 0xeeb14c7928725c3dull, {0}},
    {"owamp-E-2", 4, 0, OWTW_OWAMP_E_AES, OWTW_OWAMP_E_HMAC,
     "7f000001eeb14c7832caff6d02bda251", "78f5d5d8ab275aabf4bd032a61f65361",
     "e278545125782bee2c4764e6a5d2c26b32035b2e591b0dd7dcb9a94f9acc8030",
     0xeeb14c7928f7fcfcull,
     "b4e2b38730f34d87c8fd6a3e2646528579402507b42a07441100c4ad833cf0e85ac7463a"
     "c7f7cd33eebe3fbd34bb09ab",
     0, 0, NULL, 0xeeb14c7928725c3dull, {0}},
};

/* owamp-perfsonar-O.pcap: the 10 packet records (and 6 pad octets) the
 * server's Fetch-Session reply carries for session 1, the last 272 - 16
 * octets of its S->C stream (RFC 4656 §3.9). */
#define OWTW_OWAMP_O_RECORDS                                                  \
    "0000000000010001eeb14c6c5986a8fceeb14c6c598ba40dff0000000100010001eeb14c" \
    "6c5a60a201eeb14c6c5a6277c4ff0000000200010001eeb14c6c8c45ed4aeeb14c6c8c4b" \
    "2b77ff0000000300010001eeb14c6c8e60c38feeb14c6c8e66559fff0000000400010001" \
    "eeb14c6ca0e2089eeeb14c6ca0e3ffefff0000000500010001eeb14c6cb023e9eaeeb14c" \
    "6cb029e0a4ff0000000600010001eeb14c6cb997f62beeb14c6cb99d7774ff0000000700" \
    "010001eeb14c6cbff7dfa0eeb14c6cbffd71b0ff0000000800010001eeb14c6cc1dc6195" \
    "eeb14c6cc1df00abff0000000900010001eeb14c6ce0cd3176eeb14c6ce0d26fa3ff0000" \
    "00000000"

#define OWTW_N_FIXTURES (sizeof owtw_fixtures / sizeof owtw_fixtures[0])

/* Decodes hex into out (at most cap octets); returns the octets written,
 * or aborts on a malformed string (a fixture typo, not a test result). */
static inline size_t owtw_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        abort();
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + (size_t)j];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= (unsigned)(c - 'a' + 10);
            else
                abort();
        }
        out[i] = (uint8_t)v;
    }
    return n / 2;
}

/* The OpenSSL crypto table of a test group: owtw_ossl_setup and
 * owtw_ossl_teardown are its cmocka group setup and teardown. */
static struct ippm_crypto owtw_ossl;

static inline int owtw_ossl_setup(void **state)
{
    (void)state;
    return ippm_crypto_openssl_init(&owtw_ossl);
}

static inline int owtw_ossl_teardown(void **state)
{
    (void)state;
    ippm_crypto_openssl_free(&owtw_ossl);
    return 0;
}

/* The test-session keys of f's session on owtw_ossl (mode 1: none). */
static inline enum ippm_err owtw_fixture_keys(const struct owtw_fixture *f,
                                              struct owtw_test_keys *k)
{
    uint8_t aes[16], hmac[32], sid[16];
    if (f->mode == OWTW_TEST_OPEN)
        return owtw_test_keys_init(k, NULL, OWTW_TEST_OPEN, NULL, NULL, NULL);
    owtw_unhex(f->aes_sk, aes, sizeof aes);
    owtw_unhex(f->hmac_sk, hmac, sizeof hmac);
    owtw_unhex(f->sid, sid, sizeof sid);
    return owtw_test_keys_init(k, &owtw_ossl, (enum owtw_test_mode)f->mode,
                               sid, aes, hmac);
}

#endif
