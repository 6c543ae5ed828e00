/* Worker threads for a UDP server (`ippm stamp reflector --threads N`;
 * every later server the same way): the caller runs worker 0 on its own
 * thread and these run 1..N-1, each with its own SO_REUSEPORT socket
 * (ippm_net_open_shared) and its own state, so the packet path takes no
 * lock. The kernel hashes a datagram's 4-tuple to pick a socket, so one
 * flow (a sender's session) always reaches the same worker and stateful
 * state stays consistent without being shared.
 *
 * Signals: start the pool after ippm_net_stop_signals, so every worker
 * inherits SIGINT and SIGTERM blocked and only the caller's thread (in
 * ippm_net_wait) takes them; it then sets the stop flag the workers poll. */
#ifndef IPPM_WORKERS_H
#define IPPM_WORKERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define IPPM_WORKERS_MAX 64
#define IPPM_CPUS_MAX 1024

/* --cpus 0-1,4: the CPUs worker i is pinned to, cpu[i % n]. */
struct ippm_cpu_list {
    uint16_t cpu[IPPM_CPUS_MAX];
    size_t n;
};

/* "0-3,6" into out. Returns 0, or -1 after one line naming opt. */
int ippm_cli_cpus(const char *opt, const char *s, struct ippm_cpu_list *out);

/* Pins the calling thread to cpus->cpu[idx % n] (nothing when n is 0).
 * Returns 0, or -1 after one line naming prog. */
int ippm_workers_pin(const struct ippm_cpu_list *cpus, unsigned idx,
                     const char *prog);

struct ippm_workers {
    pthread_t tid[IPPM_WORKERS_MAX];
    size_t n;           /* threads started */
    atomic_bool stop;   /* set by ippm_workers_stop; fn polls it */
};

/* Starts fn(args[i]) for i in 1..n-1 (worker 0 is the caller's; fn pins
 * itself with ippm_workers_pin and polls w->stop). Returns 0, or -1 after one line (the threads already
 * started are stopped and joined). */
int ippm_workers_start(struct ippm_workers *w, unsigned n,
                       void *(*fn)(void *), void **args);

/* Asks every worker to stop and waits for them. */
void ippm_workers_stop(struct ippm_workers *w);

#endif
