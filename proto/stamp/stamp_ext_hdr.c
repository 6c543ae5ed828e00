/* The Reflected IPv6 Extension Header Data TLV (type 246,
 * draft-ietf-ippm-stamp-ext-hdr-07 §3) filled from what the driver read
 * in the socket's ancillary data (impl/core/net.c). */
#include "stamp.h"

#include <string.h>

/* see stamp.h */
bool stamp_ext_hdr_fill(uint8_t *v, size_t len, const struct ippm_rx_meta *m,
                        size_t nth)
{
    if (!m || nth >= m->n_ext_hdrs || nth >= IPPM_RX_EXT_HDRS)
        return false;
    const struct ippm_rx_ext_hdr *h = &m->ext_hdrs[nth];
    /* A cut header would not parse: the whole of it, or nothing (U). */
    if (!h->p || h->len == 0 || h->len > len)
        return false;
    memcpy(v, h->p, h->len);
    memset(v + h->len, 0, len - h->len);
    return true;
}
