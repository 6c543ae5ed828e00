/* Test support: put a decoder's input flush against a PROT_NONE page, so
 * that reading one octet too many faults even without ASan
 * (picohttpparser test.c). Test code only; never linked into proto. */
#ifndef IPPM_GUARD_H
#define IPPM_GUARD_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct ippm_guard {
    uint8_t *map;
    size_t map_len;
    uint8_t *data; /* len octets ending at the guard page */
};

static inline uint8_t *ippm_guard_copy(struct ippm_guard *g, const void *src,
                                       size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (len + page - 1) / page + 1;
    g->map_len = (pages + 1) * page;
    g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->map == MAP_FAILED)
        abort();
    uint8_t *guard = g->map + pages * page;
    if (mprotect(guard, page, PROT_NONE) != 0)
        abort();
    g->data = guard - len;
    if (len)
        memcpy(g->data, src, len);
    return g->data;
}

static inline void ippm_guard_free(struct ippm_guard *g)
{
    munmap(g->map, g->map_len);
}

#endif
