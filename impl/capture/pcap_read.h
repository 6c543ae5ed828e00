/* A capture reader for every protocol: pcap and pcapng files through
 * libpcap, down to UDP datagrams.
 *
 * Link types: Ethernet (802.1Q/802.1ad tags skipped), Linux cooked SLL
 * and SLL2, raw IP (DLT_RAW, DLT_IPV4, DLT_IPV6), BSD loopback
 * (DLT_NULL, DLT_LOOP). Network: IPv4 (IHL honoured) and IPv6 (extension
 * headers walked). Transport: UDP; TCP segments for ippm_pcap_next_seg
 * (impl/capture/tcp_reasm.h puts their streams together).
 *
 * No reassembly: a fragment (first or not) is counted and skipped, since
 * its UDP payload is incomplete. A frame cut short by the snap length is
 * counted as truncated and skipped. Every length is checked before it is
 * read: a malformed frame is counted and skipped, never trusted. */
#ifndef IPPM_PCAP_READ_H
#define IPPM_PCAP_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/common/ippm_addr.h"

/* One UDP datagram. payload is a view into the reader's frame buffer,
 * valid until the next ippm_pcap_next or ippm_pcap_close: a caller that
 * keeps it copies it. */
struct ippm_pcap_dgram {
    uint64_t frame;         /* 1-based frame number in the file */
    uint64_t ts_ns;         /* capture time, Unix ns */
    struct ippm_addr src;
    struct ippm_addr dst;
    int16_t ttl;            /* IPv4 TTL / IPv6 Hop Limit */
    int16_t tos;            /* IPv4 TOS / IPv6 Traffic Class */
    const uint8_t *payload;
    size_t len;             /* UDP payload length */
    /* The link-layer source address when the link type carries a 6-octet
     * one (Ethernet, Linux cooked SLL and SLL2); RFC 8972 §4.2.2. */
    bool src_mac_known;
    uint8_t src_mac[6];
    /* A TCP segment (the parsers report it as IPPM_PCAP_NOT_UDP, which the
     * UDP reader skips; ippm_pcap_next_seg returns it): payload and len are
     * the segment's data, the ports TCP's. */
    bool tcp;
    uint32_t tcp_seq;
    uint32_t tcp_ack;
    uint8_t tcp_flags;      /* FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10 */
    /* How the frame was built, for senders that build their own (UDPing
     * sends hand-made Ethernet frames: ../shared/notes/udping.md §3).
     * ip_id and ip_df are IPv4's (0 otherwise). Checksums as captured: 1
     * right, -1 wrong, 0 not known (IPv6 has no header checksum, a UDP
     * checksum of 0 is none, a datagram cut short cannot be summed). A
     * kernel that offloads checksums shows them wrong on the sending
     * host: read them only for frames built by hand. */
    bool ethernet;          /* captured on an Ethernet link */
    uint16_t ip_id;
    bool ip_df;
    int8_t ip_csum;
    int8_t udp_csum;
};

/* What a frame turned out to be. */
enum ippm_pcap_frame {
    IPPM_PCAP_UDP = 0,      /* a whole UDP datagram: d is filled */
    IPPM_PCAP_NOT_IP,       /* ARP, LLC, other ethertypes */
    IPPM_PCAP_NOT_UDP,      /* TCP, ICMP, ESP, ... */
    IPPM_PCAP_FRAGMENT,     /* IPv4/IPv6 fragment: skipped, no reassembly */
    IPPM_PCAP_TRUNCATED,    /* cut by the snap length before the datagram ended */
    IPPM_PCAP_MALFORMED,    /* a header or length field is impossible */
    IPPM_PCAP_LINK,         /* link type this reader does not know */
    IPPM_PCAP_FRAME_COUNT_
};

/* Frames seen so far, by kind (index enum ippm_pcap_frame). */
struct ippm_pcap_counts {
    uint64_t frames;
    uint64_t by[IPPM_PCAP_FRAME_COUNT_];
};

/* Name of a kind, for reports ("udp", "malformed", ...). */
const char *ippm_pcap_frame_str(enum ippm_pcap_frame k);

/* Parses one captured frame of link type dlt (a DLT_ value as
 * pcap_datalink returns). buf holds caplen octets; wirelen is the
 * frame's length on the wire (caplen when unknown). On IPPM_PCAP_UDP,
 * fills every field of d except frame and ts_ns; d->payload points
 * into buf. Never reads outside buf[0..caplen). Pure: no I/O, no
 * allocation, so unit tests and fuzzers call it directly. */
enum ippm_pcap_frame ippm_pcap_parse_frame(int dlt, const uint8_t *buf,
                                           size_t caplen, size_t wirelen,
                                           struct ippm_pcap_dgram *d);

/* Parses an IP packet (version from its first nibble) the same way. */
enum ippm_pcap_frame ippm_pcap_parse_ip(const uint8_t *buf, size_t caplen,
                                        int truncated,
                                        struct ippm_pcap_dgram *d);

struct ippm_pcap_reader {
    void *pcap;             /* pcap_t */
    int dlt;
    struct ippm_pcap_counts counts;
};

/* Opens a pcap or pcapng file with nanosecond timestamps. Returns 0, or
 * -1 with libpcap's message in err (errcap octets, NUL-terminated). */
int ippm_pcap_open(struct ippm_pcap_reader *r, const char *path, char *err,
                   size_t errcap);

/* Reads frames until the next UDP datagram. Returns 1 with d filled, 0 at
 * the end of the file, -1 on a read error (message in err). Skipped
 * frames are counted in r->counts. */
int ippm_pcap_next(struct ippm_pcap_reader *r, struct ippm_pcap_dgram *d,
                   char *err, size_t errcap);

/* As ippm_pcap_next, but also returns TCP segments (d->tcp set). */
int ippm_pcap_next_seg(struct ippm_pcap_reader *r, struct ippm_pcap_dgram *d,
                       char *err, size_t errcap);

void ippm_pcap_close(struct ippm_pcap_reader *r);

/* Checks a corpus (impl/conform/cmd_pcap.c): every line `file case-id expected
 * [ippm pcap check options]` of the MANIFEST at path, files and key files
 * relative to its folder, '#' starting a comment. Returns IPPM_EXIT_OK
 * when every capture gives the expected verdicts, IPPM_EXIT_FAIL when one
 * does not, IPPM_EXIT_RUNTIME when a capture cannot be read. Mismatches
 * go to stderr, one summary line to stdout. */
int ippm_pcap_check_manifest(const char *path);

#endif
