#include "histogram.h"

#include <inttypes.h>

/* see histogram.h */
void ippm_histogram_print(FILE *f, const char *name,
                          const struct ippm_dist *d)
{
    struct ippm_bin rows[IPPM_HISTOGRAM_ROWS];
    size_t n = ippm_dist_bins(d, rows, IPPM_HISTOGRAM_ROWS);
    if (n == 0)
        return;
    uint64_t most = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].count > most)
            most = rows[i].count;
    fprintf(f, "%s histogram (ms, %" PRIu64 " samples%s):\n", name, d->n,
            d->n > IPPM_DIST_EXACT ? ", bins within 1/128 of a value" : "");
    for (size_t i = 0; i < n; i++) {
        /* A non-empty bin shows at least one mark. */
        size_t bar = (size_t)((rows[i].count * IPPM_HISTOGRAM_BAR +
                               most - 1) / most);
        fprintf(f, "  %9.3f - %9.3f |", (double)rows[i].lo / 1e6,
                (double)rows[i].hi / 1e6);
        for (size_t k = 0; k < IPPM_HISTOGRAM_BAR; k++)
            fputc(k < bar ? '#' : ' ', f);
        fprintf(f, " %" PRIu64 "\n", rows[i].count);
    }
}
