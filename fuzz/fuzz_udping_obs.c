/* Fuzzes the UDPing cases (conformance/udping/): the checks read
 * whatever a sender sent, and the statsd parser whatever a receiver
 * sent, in a capture or live.
 *
 * Input: records, each
 *   [0]     bit 0: a statsd datagram (else a UDPing one); bits 1-2: its
 *           source (one of four ports); bit 3: a raw frame, bits 4-5 its
 *           IP and UDP checksums bad
 *   [1..2]  length (big-endian, clamped to what is left)
 *   [3]     milliseconds since the previous record
 *   [4..]   the datagram
 * The sender and receiver cases of the catalogue run on what they make.
 *
 * Postconditions: every verdict is n/a, pass or fail, with a detail
 * that is a string within IPPM_DETAIL_MAX; n/a and fail say why. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/ippm_conform.h"
#include "conformance/udping/udping_obs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define MAX_DGRAMS 512
#define NS 1000000000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    static struct ippm_exchange ex[MAX_DGRAMS];
    static struct udping_obs_frame frame[MAX_DGRAMS];
    static struct udping_obs_report rep[MAX_DGRAMS];
    static struct ippm_case_result res[1024];
    size_t n_ex = 0, n_rep = 0, off = 0;
    uint64_t t = 1795607126ull * NS;
    while (off + 4 <= len && n_ex < MAX_DGRAMS) {
        uint8_t flags = data[off];
        size_t l = (size_t)data[off + 1] << 8 | data[off + 2];
        t += (uint64_t)data[off + 3] * 1000000ull;
        off += 4;
        if (l > len - off)
            l = len - off;
        const uint8_t *p = data + off;
        off += l;
        if (flags & 1) {
            (void)udping_obs_add_statsd(rep, &n_rep, MAX_DGRAMS, p, l, t);
            continue;
        }
        struct ippm_exchange *e = &ex[n_ex];
        memset(e, 0, sizeof *e);
        e->req = p;
        e->req_len = l;
        e->req_ns = t;
        e->req_ttl = (int16_t)(flags & 0x40 ? 64 : 255);
        e->req_src.family = e->req_dst.family = IPPM_AF_INET;
        e->req_src.ip[0] = e->req_dst.ip[0] = 127;
        e->req_src.ip[3] = e->req_dst.ip[3] = 1;
        e->req_src.port = (uint16_t)(5000 + ((flags >> 1) & 3));
        e->req_dst.port = 6000;
        frame[n_ex] = (struct udping_obs_frame){
            (flags & 8) != 0, (int8_t)(flags & 0x10 ? -1 : 1),
            (int8_t)(flags & 0x20 ? -1 : 1)};
        n_ex++;
    }
    struct udping_obs_ext x = {
        .base = {UDPING_OBS_EXT, NULL},
        .frame = frame,
        .rep = rep,
        .n_rep = n_rep,
        .reports_seen = n_rep > 0,
        .end_ns = t + 10 * NS,
    };
    struct ippm_obs obs = {
        .protocol = "udping",
        .ex = ex,
        .n_ex = n_ex,
        .clock_tolerance_ns = NS,
        .ext = &x.base,
    };
    for (int role = 0; role < 2; role++) {
        obs.role = role ? IPPM_ROLE_SENDER : IPPM_ROLE_REFLECTOR;
        size_t n = ippm_catalogue_run(&obs, NULL, res, 1024);
        if (n > 1024)
            abort();
        for (size_t i = 0; i < n; i++) {
            if (res[i].verdict != IPPM_NA && res[i].verdict != IPPM_PASS &&
                res[i].verdict != IPPM_FAIL)
                abort();
            if (!memchr(res[i].detail, '\0', IPPM_DETAIL_MAX))
                abort();
            if (res[i].verdict != IPPM_PASS && !res[i].detail[0])
                abort();
        }
    }
    return 0;
}
