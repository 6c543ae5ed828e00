/* The AgentX sub-agent: one read-only instance registration per exported
 * series (and per table name cell), served from registry snapshots. */
#include "snmp_agentx.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* net-snmp's headers must come in this order. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "impl/core/cli.h"
#include "impl/commands.h"

#define AGENTX_APP_NAME "ippm" /* net-snmp's application type */
#define AGENTX_WAKE_US  100000 /* how fast the thread sees a stop */

struct ippm_agentx {
    const struct ippm_metrics *reg;
    char *socket;
    pthread_t thread;
    atomic_bool stop;
};

/* A registration's cookie: which series, and whether the value or its
 * label string is asked for. */
#define COOKIE_LABEL ((uintptr_t)1 << 31)

static int answer(netsnmp_mib_handler *handler,
                  netsnmp_handler_registration *reginfo,
                  netsnmp_agent_request_info *reqinfo,
                  netsnmp_request_info *requests)
{
    const struct ippm_agentx *a = handler->myvoid;
    uintptr_t cookie = (uintptr_t)reginfo->my_reg_void;
    size_t i = cookie & ~COOKIE_LABEL;
    const struct ippm_metric *m = &a->reg->m[i];
    if (reqinfo->mode != MODE_GET)
        return SNMP_ERR_NOERROR; /* read-only: the helper refuses SETs */
    uint64_t v[IPPM_METRICS_MAX];
    ippm_metrics_snapshot(a->reg, v);
    for (netsnmp_request_info *r = requests; r; r = r->next) {
        if (cookie & COOKIE_LABEL) {
            snmp_set_var_typed_value(r->requestvb, ASN_OCTET_STR,
                                     m->label_value, strlen(m->label_value));
            continue;
        }
        uint64_t u = v[i];
        if (m->snmp == IPPM_SNMP_MICROS32 || m->snmp == IPPM_SNMP_MICROS64) {
            double s = ippm_metric_value(m, v[i]) * 1e6;
            /* NaN (nothing observed yet) and negatives read as 0. */
            u = !(s > 0)                      ? 0
                : s >= 18446744073709549568.0 ? UINT64_MAX
                                              : (uint64_t)(s + 0.5);
        }
        if (m->snmp == IPPM_SNMP_GAUGE32 || m->snmp == IPPM_SNMP_MICROS32) {
            u_long g = u > UINT32_MAX ? UINT32_MAX : (u_long)u;
            snmp_set_var_typed_value(r->requestvb, ASN_GAUGE, &g, sizeof(g));
        } else {
            struct counter64 c = {.high = (u_long)(u >> 32),
                                  .low = (u_long)(u & 0xffffffffu)};
            snmp_set_var_typed_value(r->requestvb, ASN_COUNTER64, &c,
                                     sizeof(c));
        }
    }
    return SNMP_ERR_NOERROR;
}

static void register_one(struct ippm_agentx *a, size_t i, bool label)
{
    static const oid root[] = IPPM_SNMP_ROOT;
    const struct ippm_metric *m = &a->reg->m[i];
    oid full[IPPM_SNMP_ROOT_LEN + IPPM_METRIC_OID_MAX];
    size_t n = label ? m->label_oid_len : m->oid_len;
    const uint32_t *arcs = label ? m->label_oid : m->oid;
    memcpy(full, root, sizeof(root));
    for (size_t k = 0; k < n; k++)
        full[IPPM_SNMP_ROOT_LEN + k] = arcs[k];
    netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
        m->family, answer, full, IPPM_SNMP_ROOT_LEN + n, HANDLER_CAN_RONLY);
    if (!reg)
        return;
    reg->handler->myvoid = a;
    reg->my_reg_void = (void *)(i | (label ? COOKIE_LABEL : 0));
    if (netsnmp_register_read_only_instance(reg) != MIB_REGISTERED_OK)
        snmp_log(LOG_WARNING, "ippm: cannot register %s\n", m->family);
}

static void wake(unsigned int id, void *arg)
{
    (void)id;
    (void)arg; /* only here so agent_check_and_process returns */
}

static void *agentx_thread(void *arg)
{
    struct ippm_agentx *a = arg;
    /* Warnings and errors only: "subagent connected" is not news. */
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_STDERR, LOG_WARNING);
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
                          a->socket);
    netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
                       NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
                       IPPM_AGENTX_PING_S);
    /* No snmp.conf, no MIB files, nothing written under /var/lib/snmp:
     * everything a sub-agent needs comes from the command line. */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                           NETSNMP_DS_LIB_DISABLE_CONFIG_LOAD, 1);
    init_agent(AGENTX_APP_NAME);
    for (size_t i = 0; i < a->reg->n; i++) {
        const struct ippm_metric *m = &a->reg->m[i];
        if (m->snmp == IPPM_SNMP_NONE || m->oid_len == 0)
            continue;
        register_one(a, i, false);
        if (m->label_oid_len)
            register_one(a, i, true);
    }
    init_snmp(AGENTX_APP_NAME);
    snmp_alarm_register_hr((struct timeval){0, AGENTX_WAKE_US}, SA_REPEAT, wake,
                           NULL);
    while (!atomic_load(&a->stop))
        agent_check_and_process(1);
    snmp_shutdown(AGENTX_APP_NAME);
    shutdown_agent();
    return NULL;
}

/* see snmp_agentx.h */
struct ippm_agentx *ippm_agentx_start(const struct ippm_metrics *reg,
                                      const char *opt, const char *socket,
                                      int *exit_rc)
{
    struct ippm_agentx *a = calloc(1, sizeof(*a));
    if (a)
        a->socket = strdup(socket);
    if (!a || !a->socket) {
        ippm_cli_error("%s: out of memory", opt);
        free(a);
        *exit_rc = IPPM_EXIT_RUNTIME;
        return NULL;
    }
    a->reg = reg;
    atomic_init(&a->stop, false);
    /* No MIB files either: the sub-agent serves numeric OIDs. Set on the
     * caller's thread, which is the one that reads the environment. */
    setenv("MIBS", "", 0);
    /* Stop signals belong to the driver's ppoll, not to this thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&a->thread, NULL, agentx_thread, a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        ippm_cli_error("%s: cannot start the sub-agent: %s", opt, strerror(rc));
        free(a->socket);
        free(a);
        *exit_rc = IPPM_EXIT_RUNTIME;
        return NULL;
    }
    return a;
}

/* see snmp_agentx.h */
void ippm_agentx_stop(struct ippm_agentx *a)
{
    if (!a)
        return;
    atomic_store(&a->stop, true);
    pthread_join(a->thread, NULL);
    free(a->socket);
    free(a);
}
