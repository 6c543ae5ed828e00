/* Fuzzes the RMBT UDP ping cases (conformance/rmbt/): the pairing of a
 * capture's datagrams (rmbt_pairing.c) and every check, which read
 * whatever a client or a server sent, in a capture or live; with real
 * HMAC-SHA-256 (impl/core/crypto_openssl.c) and the secret "topsecret",
 * so requests minted from the reference capture reach the key rows.
 *
 * Input: records, each
 *   [0]     bit 0: from the server (else to it); bits 1-2: the client's
 *           port (one of four); bit 3: the server's other port; bit 4:
 *           IPv6; bit 5: a clock tolerance of 1 s (last record's wins)
 *   [1]     length (clamped to what is left)
 *   [2]     milliseconds since the previous record
 *   [3..]   the datagram
 * The clock starts at the reference capture's first second.
 *
 * Postconditions: the pairing keeps every exchange within its arrays and
 * flows, each reply it attaches is one of the input's; every verdict is
 * n/a, pass or fail, with a detail that is a string within
 * IPPM_DETAIL_MAX; n/a and fail say why. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "conformance/ippm_conform.h"
#include "conformance/rmbt/rmbt_obs.h"
#include "conformance/rmbt/rmbt_pairing.h"
#include "impl/core/crypto_openssl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define MAX_DGRAMS 256
#define NS 1000000000ull

static const struct ippm_hmac_key *secret(void)
{
    static struct ippm_crypto c;
    static struct ippm_hmac_key k;
    static int ready;
    if (!ready) {
        FUZZ_CHECK(ippm_crypto_openssl_init(&c) == 0);
        FUZZ_CHECK(ippm_hmac_key_init(&k, &c, IPPM_HASH_SHA256,
                                      (const uint8_t *)"topsecret",
                                      9) == IPPM_OK);
        ready = 1;
    }
    return &k;
}

static struct ippm_addr addr(bool v6, uint8_t host, uint16_t port)
{
    struct ippm_addr a;
    memset(&a, 0, sizeof a);
    a.family = v6 ? IPPM_AF_INET6 : IPPM_AF_INET;
    if (v6)
        a.ip[15] = host;
    else
        a.ip[0] = 127, a.ip[3] = host;
    a.port = port;
    return a;
}

static void grade(const struct ippm_obs *base)
{
    static struct ippm_case_result res[1024];
    struct ippm_obs obs = *base;
    for (int role = 0; role < 2; role++) {
        obs.role = role ? IPPM_ROLE_SENDER : IPPM_ROLE_REFLECTOR;
        size_t n = ippm_catalogue_run(&obs, NULL, res, 1024);
        FUZZ_CHECK(n <= 1024);
        for (size_t i = 0; i < n; i++) {
            FUZZ_CHECK(res[i].verdict == IPPM_NA ||
                       res[i].verdict == IPPM_PASS ||
                       res[i].verdict == IPPM_FAIL);
            FUZZ_CHECK(memchr(res[i].detail, '\0', IPPM_DETAIL_MAX) != NULL);
            FUZZ_CHECK(res[i].verdict == IPPM_PASS || res[i].detail[0]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    static struct stamp_dgram d[MAX_DGRAMS];
    static struct ippm_exchange ex[2 * MAX_DGRAMS];
    static struct stamp_flow_group flows[MAX_DGRAMS];
    static struct ippm_addr servers[MAX_DGRAMS];
    size_t n = 0, off = 0;
    uint64_t t = 1795606923ull * NS, tol = 0;
    while (off + 3 <= len && n < MAX_DGRAMS) {
        uint8_t f = data[off];
        size_t l = data[off + 1];
        t += (uint64_t)data[off + 2] * 1000000ull;
        off += 3;
        if (l > len - off)
            l = len - off;
        bool v6 = (f & 0x10) != 0;
        struct ippm_addr cli = addr(v6, 1, (uint16_t)(40000 + ((f >> 1) & 3)));
        struct ippm_addr srv = addr(v6, 1, f & 8 ? 445 : 444);
        tol = f & 0x20 ? NS : 0;
        memset(&d[n], 0, sizeof d[n]);
        d[n].data = data + off;
        d[n].len = l;
        d[n].ts_ns = t;
        d[n].src = f & 1 ? srv : cli;
        d[n].dst = f & 1 ? cli : srv;
        d[n].ttl = d[n].tos = -1;
        n++;
        off += l;
    }
    struct rmbt_pairing_mem mem = {ex, flows, servers};
    size_t n_ex, n_flows;
    struct stamp_pairing_counts k;
    rmbt_pairing_run(d, n, &mem, &n_ex, &n_flows, &k);
    FUZZ_CHECK(n_ex <= n && n_flows <= n && k.matched <= k.replies);
    size_t sum = 0;
    for (size_t i = 0; i < n_flows; i++) {
        FUZZ_CHECK(flows[i].first == sum && flows[i].first <= n_ex);
        sum += flows[i].n;
    }
    FUZZ_CHECK(sum == n_ex);
    for (size_t i = 0; i < n_ex; i++)
        FUZZ_CHECK(!ex[i].rep ||
                   (ex[i].rep >= data && ex[i].rep + ex[i].rep_len <= data + len));
    struct rmbt_obs x = {{RMBT_OBS_EXT, NULL}, secret(), 1};
    struct ippm_obs obs;
    memset(&obs, 0, sizeof obs);
    obs.protocol = "rmbt";
    obs.clock_tolerance_ns = tol;
    obs.ext = &x.ext;
    /* each flow alone, as ippm pcap check grades them, and all at once */
    for (size_t i = 0; i < n_flows; i++) {
        obs.ex = ex + flows[i].first;
        obs.n_ex = flows[i].n;
        grade(&obs);
    }
    obs.ex = ex;
    obs.n_ex = n_ex;
    grade(&obs);
    return 0;
}
