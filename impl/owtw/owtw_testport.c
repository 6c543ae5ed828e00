#include "owtw_testport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int try_port(struct ippm_sock *s, const struct ippm_addr *local,
                    uint16_t port, char *err, size_t err_len)
{
    return ippm_net_open_bound(s, local, port, err, err_len);
}

/* see owtw_testport.h */
int owtw_testport_open(struct ippm_sock *s, const struct ippm_addr *local,
                       uint16_t lo, uint16_t hi, uint16_t want, char *err,
                       size_t err_len)
{
    if (want && (!lo || (want >= lo && want <= hi)) &&
        try_port(s, local, want, err, err_len) == 0)
        return 0;
    if (!lo)
        return try_port(s, local, 0, err, err_len);
    uint32_t span = (uint32_t)hi - lo + 1;
    /* A random start spreads sessions over the range, so a port just
     * freed is not handed out again at once. */
    uint32_t start = (uint32_t)random() % span;
    for (uint32_t i = 0; i < span; i++) {
        uint16_t port = (uint16_t)(lo + (start + i) % span);
        if (try_port(s, local, port, err, err_len) == 0)
            return 0;
        if (errno != EADDRINUSE)
            return -1;
    }
    snprintf(err, err_len, "every test port of %u-%u is taken", (unsigned)lo,
             (unsigned)hi);
    return -1;
}
