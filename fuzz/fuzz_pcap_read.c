/* Fuzzes the capture reader of impl/capture/pcap_read.h.
 *
 * Input layout:
 *   [0] bit7 clear: one frame for ippm_pcap_parse_frame
 *         bits0-3 pick the link type (table below; the last is unknown)
 *       [1] wire length: 0 = caplen, else caplen + [1] (a frame cut by the
 *           snap length)
 *       [2..] the captured frame
 *   [0] bit7 set: [1..] is a whole pcap/pcapng file, read to the end
 *       through ippm_pcap_open/next/close (libpcap does the file format).
 *
 * Postconditions: the result is a known kind with a name; on UDP the
 * payload lies inside the frame, the families are IPv4 or IPv6 and alike,
 * and TTL and TOS fit an octet; reading a file, every frame is counted
 * once by kind, and each datagram's frame number is the count so far. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "impl/capture/pcap_read.h"

#define MAX_FRAMES 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static const int links[] = {0,   1,   12,  14,  101, 108,
                            113, 228, 229, 276, 147 /* DLT_USER0: not known */};

static void check_dgram(const struct ippm_pcap_dgram *d, const uint8_t *buf,
                        size_t caplen)
{
    if (buf != NULL) {
        FUZZ_CHECK(d->len <= caplen);
        FUZZ_CHECK(d->len == 0 ||
                   (d->payload >= buf && d->payload + d->len <= buf + caplen));
    }
    FUZZ_CHECK(d->src.family == IPPM_AF_INET || d->src.family == IPPM_AF_INET6);
    FUZZ_CHECK(d->dst.family == d->src.family);
    FUZZ_CHECK(d->ttl >= -1 && d->ttl <= 255);
    FUZZ_CHECK(d->tos >= -1 && d->tos <= 255);
}

static void one_frame(uint8_t sel, uint8_t cut, const uint8_t *frame,
                      size_t caplen)
{
    int dlt = links[(sel & 0x0f) % (sizeof links / sizeof links[0])];
    size_t wirelen = caplen + cut;
    struct ippm_pcap_dgram d;
    enum ippm_pcap_frame k;
    uint8_t *buf = fuzz_dup(frame, caplen);

    memset(&d, 0, sizeof d);
    k = ippm_pcap_parse_frame(dlt, buf, caplen, wirelen, &d);
    FUZZ_CHECK((unsigned)k < IPPM_PCAP_FRAME_COUNT_);
    FUZZ_CHECK(ippm_pcap_frame_str(k) != NULL);
    if (k == IPPM_PCAP_UDP)
        check_dgram(&d, buf, caplen);
    if (dlt == 147)
        FUZZ_CHECK(k == IPPM_PCAP_LINK);
    free(buf);
}

static void one_file(const uint8_t *file, size_t len)
{
    struct ippm_pcap_reader r;
    struct ippm_pcap_dgram d;
    char path[64], err[256];
    uint64_t frames = 0, last = 0, sum = 0;
    int fd, rc;

    fd = memfd_create("fuzz_pcap", 0);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(write(fd, file, len) == (ssize_t)len);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (ippm_pcap_open(&r, path, err, sizeof err) != 0) {
        FUZZ_CHECK(err[0] != '\0');
        close(fd);
        return;
    }
    while (frames < MAX_FRAMES &&
           (rc = ippm_pcap_next(&r, &d, err, sizeof err)) == 1) {
        check_dgram(&d, NULL, 0);
        FUZZ_CHECK(d.frame > last && d.frame == r.counts.frames);
        last = d.frame;
        frames++;
    }
    for (int k = 0; k < IPPM_PCAP_FRAME_COUNT_; k++)
        sum += r.counts.by[k];
    FUZZ_CHECK(sum == r.counts.frames);
    ippm_pcap_close(&r);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 1)
        return 0;
    if (data[0] & 0x80) {
        one_file(data + 1, len - 1);
        return 0;
    }
    if (len < 2)
        return 0;
    one_frame(data[0], data[1], data + 2, len - 2);
    return 0;
}
