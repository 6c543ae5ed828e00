/* Test vectors of UDPing shared by the tests of ippm_cur.h (little-endian
 * reads) and of proto/udping: the first frame of the real program's
 * capture (shared/pcaps-reference/udping-loopback.pcap, notes §1), a
 * 270-octet payload of this header followed by 198 zero octets. */
#ifndef UDPING_VECTORS_H
#define UDPING_VECTORS_H

#include <stdint.h>

#define UDPING_FRAME1_LEN 270

static const uint8_t UDPING_FRAME1_HDR[72] = {
    0x01, 0, 0, 0, 0, 0, 0, 0,                      /* version, pad */
    0xe0, 0xc9, 0x06, 0x6b, 0, 0, 0, 0,             /* clientStartTime */
    '7', '1', 'e', '6', '7', '3', '3', '6', '0', '0', /* guid */
    '3', '7', 'e', '6', '5', 'a', 'c', '0', 'e', '1',
    0, 0, 0, 0,                                     /* NUL, pad */
    0, 0, 0, 0, 0, 0, 0, 0,                         /* seqNum, pad */
    0xe0, 0xc9, 0x06, 0x6b, 0, 0, 0, 0,             /* sent.tv_sec */
    0xfb, 0xd4, 0x0e, 0x2f, 0, 0, 0, 0,             /* sent.tv_nsec */
    0x0e, 0x01, 0, 0, 0, 0, 0, 0,                   /* size, pad */
};

#endif
