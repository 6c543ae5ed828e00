/* `--metrics ADDR:PORT`: a metrics registry served in the Prometheus text
 * format by libmicrohttpd, on its own thread. GET (or HEAD) /metrics gives
 * the registry; any other path is 404, any other method 405. */
#ifndef IPPM_METRICS_HTTP_H
#define IPPM_METRICS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

struct ippm_metrics_http;

/* Splits "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every address) into
 * host (a NUL-terminated copy, "" for every address) and port (1-65535).
 * Prints one line naming opt and returns -1 when s is not of that form. */
int ippm_metrics_http_parse(const char *opt, const char *s, char *host,
                            size_t host_cap, uint16_t *port);

/* Binds ADDR:PORT (as ippm_metrics_http_parse reads it) and starts
 * serving reg, which must outlive the server. Returns the server, or NULL
 * after printing one line naming opt; *exit_rc is then IPPM_EXIT_USAGE
 * (bad value, unknown host) or IPPM_EXIT_RUNTIME (port in use, no
 * permission, libmicrohttpd failed). Stop signals stay with the caller's
 * thread: the server's threads block them. */
struct ippm_metrics_http *
ippm_metrics_http_start(const struct ippm_metrics *reg, const char *opt,
                        const char *addr, int *exit_rc);

/* Stops the server and frees it. NULL is fine. */
void ippm_metrics_http_stop(struct ippm_metrics_http *h);

#endif
