#include "ippm_crypto.h"

/* see ippm_crypto.h */
int ippm_ct_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    volatile uint8_t acc = 0;
    for (size_t i = 0; i < len; i++)
        acc |= (uint8_t)(a[i] ^ b[i]);
    return acc == 0;
}
