/* What the front ends of the STAMP drivers share (driver.h): `ippm stamp`
 * and `ippm twamp light-*` take the same option table, less the options
 * one of them has no use for. */
#include <string.h>

#include "impl/stamp/driver.h"

static bool dropped(const struct stamp_front *f, const char *name)
{
    for (const char *const *d = f->drop; d && *d; d++)
        if (strcmp(*d, name) == 0)
            return true;
    return false;
}

/* see driver.h */
void stamp_front_longopts(const struct stamp_front *f,
                          const struct option *all, struct option *out)
{
    size_t n = 0;
    for (; all->name; all++)
        if (!dropped(f, all->name))
            out[n++] = *all;
    out[n] = *all; /* the NULL entry */
}
