/* Starting and stopping a driver's exporters. */
#include "impl/report/export.h"

#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"

/* see export.h */
int ippm_export_check_metrics(const char *arg)
{
    char host[256];
    uint16_t port;
    return ippm_metrics_http_parse("--metrics", arg, host, sizeof(host), &port);
}

/* see export.h */
int ippm_export_start(struct ippm_export *e, const struct ippm_metrics *reg,
                      const struct ippm_export_opts *o)
{
    int rc = -1;
    memset(e, 0, sizeof(*e));
    if (o->metrics) {
        e->http = ippm_metrics_http_start(reg, "--metrics", o->metrics, &rc);
        if (!e->http)
            return rc;
    }
    if (o->agentx) {
        if (!o->agentx[0]) {
            ippm_cli_error("--agentx: the master's socket is empty");
            ippm_metrics_http_stop(e->http);
            e->http = NULL;
            return IPPM_EXIT_USAGE;
        }
        e->ax = ippm_agentx_start(reg, "--agentx", o->agentx, &rc);
        if (!e->ax) {
            ippm_metrics_http_stop(e->http);
            e->http = NULL;
            return rc;
        }
    }
    e->on = e->http || e->ax;
    return -1;
}

/* see export.h */
void ippm_export_stop(struct ippm_export *e)
{
    ippm_agentx_stop(e->ax);
    ippm_metrics_http_stop(e->http);
    e->ax = NULL;
    e->http = NULL;
    e->on = false;
}
