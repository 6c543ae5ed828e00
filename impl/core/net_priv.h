/* What net.c shares with the other files of the socket layer (net_tcp.c):
 * the wording of its errors. Not for drivers. */
#ifndef IPPM_NET_PRIV_H
#define IPPM_NET_PRIV_H

#include <stddef.h>

#include "proto/common/ippm_addr.h"

/* "what: strerror(errno)" into err, closes fd (if >= 0), keeps errno;
 * returns -1. */
int ippm_net_fail(char *err, size_t err_len, const char *what, int fd);

/* The same for a bind of a: "bind [::]:862: Permission denied". */
int ippm_net_bind_fail(char *err, size_t err_len, const struct ippm_addr *a,
                       int fd);

#endif
