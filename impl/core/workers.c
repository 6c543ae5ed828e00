/* Worker threads and CPU pinning for the servers (workers.h). */
#include "impl/core/workers.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "impl/core/cli.h"

/* One item of --cpus: "3" or "0-1". */
static int add_cpus(const char *opt, char *t, void *arg)
{
    struct ippm_cpu_list *l = arg;
    uint64_t lo, hi;
    if (ippm_cli_range(opt, t, 0, IPPM_CPUS_MAX - 1, "a CPU number", &lo,
                       &hi) != 0)
        return -1;
    for (uint64_t c = lo; c <= hi; c++) {
        if (l->n >= IPPM_CPUS_MAX) {
            ippm_cli_error("%s: more than %d CPUs", opt, IPPM_CPUS_MAX);
            return -1;
        }
        l->cpu[l->n++] = (uint16_t)c;
    }
    return 0;
}

/* see workers.h */
int ippm_cli_cpus(const char *opt, const char *s, struct ippm_cpu_list *out)
{
    out->n = 0;
    return ippm_cli_each(opt, s, "a CPU list (0-1,4)", add_cpus, out);
}

/* see workers.h */
int ippm_workers_pin(const struct ippm_cpu_list *cpus, unsigned idx,
                     const char *prog)
{
    if (!cpus->n)
        return 0;
    unsigned c = cpus->cpu[idx % cpus->n];
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(c, &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (rc != 0) {
        ippm_cli_error("%s: cannot pin worker %u to CPU %u: %s", prog, idx, c,
                       strerror(rc));
        return -1;
    }
    return 0;
}

/* see workers.h */
int ippm_workers_start(struct ippm_workers *w, unsigned n,
                       void *(*fn)(void *), void **args)
{
    atomic_store(&w->stop, false);
    w->n = 0;
    for (unsigned i = 1; i < n && i < IPPM_WORKERS_MAX; i++) {
        int rc = pthread_create(&w->tid[w->n], NULL, fn, args[i]);
        if (rc != 0) {
            ippm_cli_error("cannot start worker thread %u: %s", i,
                           strerror(rc));
            ippm_workers_stop(w);
            return -1;
        }
        w->n++;
    }
    return 0;
}

/* see workers.h */
void ippm_workers_stop(struct ippm_workers *w)
{
    atomic_store(&w->stop, true);
    for (size_t i = 0; i < w->n; i++)
        pthread_join(w->tid[i], NULL);
    w->n = 0;
}
