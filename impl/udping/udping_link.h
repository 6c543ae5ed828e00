/* The link layer under `ippm udping client -a` (notes §3): the interface
 * that holds -l's address, with its MAC, index and MTU; the AF_PACKET
 * socket that sends whole frames on it; dropping root once it is open. */
#ifndef UDPING_LINK_H
#define UDPING_LINK_H

#include <stddef.h>
#include <net/if.h>
#include <stdint.h>

#include "impl/udping/udping_frame.h"
#include "proto/common/ippm_addr.h"

struct udping_link {
    int fd;                          /* AF_PACKET, SOCK_RAW; -1 closed */
    char ifname[IFNAMSIZ];
    unsigned ifindex;
    unsigned mtu;
    uint8_t mac[UDPING_MAC_LEN];
};

/* Finds the interface that has local's address configured (getifaddrs)
 * and reads its MAC, index and MTU. Returns 0, or -1 with one line in
 * err (no interface has it; an interface without a MAC). */
int udping_link_find(struct udping_link *l, const struct ippm_addr *local,
                     char *err, size_t err_len);

/* Opens the AF_PACKET socket on l (root or CAP_NET_RAW). It is opened
 * for sending only (protocol 0: the kernel queues no received frames on
 * it, where the original's ETH_P_ALL copies every frame of the host to
 * a socket nobody reads). Returns 0, or -1 with one line in err. */
int udping_link_open(struct udping_link *l, char *err, size_t err_len);

/* Sends one frame on l. Returns 0, or -1 with errno. */
int udping_link_send(const struct udping_link *l, const uint8_t *frame,
                     size_t len);

/* As root, becomes user nobody (its group, no supplementary groups),
 * as the original does once its socket is open; as anyone else, drops
 * every capability (a file capability gave CAP_NET_RAW) and stays who
 * it is. Returns 0 when it became nobody, 1 when not root, -1 with one
 * line in err when it could not (then the caller must stop). */
int udping_drop_privileges(char *err, size_t err_len);

void udping_link_close(struct udping_link *l);

#endif
