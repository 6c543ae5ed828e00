/* TCP stream reassembly for capture replay: each connection's two byte
 * streams in sequence order, whatever the segmentation (a message split
 * over segments, several messages in one), retransmissions and overlaps
 * taken once, segments that arrive early held until the hole before them
 * fills. Memory is bounded: IPPM_TCP_STREAM_MAX octets per direction,
 * IPPM_TCP_HELD_MAX early segments per direction, IPPM_TCP_CONN_MAX
 * connections; what goes past a bound is counted, never kept.
 *
 * Each direction keeps marks (how many octets were in order, when), so a
 * reader can tell when the last octet of a message was seen. */
#ifndef IPPM_TCP_REASM_H
#define IPPM_TCP_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "impl/capture/pcap_read.h"

#define IPPM_TCP_STREAM_MAX (4u << 20)
#define IPPM_TCP_HELD_MAX 64
#define IPPM_TCP_CONN_MAX 4096

/* By the end_off-th octet of a direction, the stream was whole at ns. */
struct ippm_tcp_mark {
    uint64_t end_off;
    uint64_t ns;
};

/* A segment that came before the octets ahead of it. */
struct ippm_tcp_held {
    uint32_t seq;
    uint8_t *p;
    size_t len;
    uint64_t ns;
};

/* One direction of a connection. */
struct ippm_tcp_dir {
    bool started;        /* next_seq is known */
    uint32_t next_seq;   /* sequence number of the next in-order octet */
    uint8_t *data;       /* the in-order octets */
    size_t len, cap;
    struct ippm_tcp_mark *mark;
    size_t n_mark, mark_cap;
    struct ippm_tcp_held held[IPPM_TCP_HELD_MAX];
    size_t n_held;
    uint64_t first_ns;   /* first segment of this direction, 0: none */
    bool fin, rst;
    uint64_t dropped;    /* octets not kept: over a bound, or a hole */
    uint64_t retrans;    /* octets seen again (retransmissions, overlaps) */
};

/* Direction index: 0 the client's (who sent the SYN), 1 the server's. */
#define IPPM_TCP_C2S 0
#define IPPM_TCP_S2C 1

struct ippm_tcp_conn {
    struct ippm_addr client, server;
    bool syn_seen;       /* false: the capture began mid-connection */
    uint64_t open_ns;    /* first segment */
    uint64_t close_ns;   /* first FIN or RST, 0: none */
    int closed_by;       /* IPPM_TCP_C2S / S2C, -1: open */
    struct ippm_tcp_dir dir[2];
};

struct ippm_tcp_reasm {
    struct ippm_tcp_conn *conn;
    size_t n, cap;
    uint64_t conns_dropped; /* connections past IPPM_TCP_CONN_MAX */
};

void ippm_tcp_reasm_init(struct ippm_tcp_reasm *r);
void ippm_tcp_reasm_free(struct ippm_tcp_reasm *r);

/* Takes one TCP segment (d->tcp set, as ippm_pcap_next_seg returns it).
 * Returns 0, or -1 when out of memory. */
int ippm_tcp_reasm_add(struct ippm_tcp_reasm *r,
                       const struct ippm_pcap_dgram *d);

/* Appends n in-order octets had at ns (a live reader records its own
 * connection so, to cut it as a capture's). 0, or -1 out of memory;
 * past IPPM_TCP_STREAM_MAX the rest is counted in dropped. */
int ippm_tcp_dir_append(struct ippm_tcp_dir *d, const uint8_t *p, size_t n,
                        uint64_t ns);

/* Frees what a direction holds and clears it. */
void ippm_tcp_dir_free(struct ippm_tcp_dir *d);

/* When octet off (0-based) of the direction was first in order; the
 * last mark's time when off is past the end, 0 when nothing arrived. */
uint64_t ippm_tcp_dir_ns_at(const struct ippm_tcp_dir *d, uint64_t off);

#endif
