/* Names of STAMP's own drop reasons (the protocol range of ippm_err). */
#include "stamp.h"

#include <stddef.h>

/* X(code, name as reported, text). The names keep the IPPM_ERR_ prefix
 * they had when these lived in proto/common: JSON keys, Prometheus
 * reason labels and SNMP name columns show them. */
#define STAMP_ERRORS(X)                                                        \
    X(STAMP_ERR_NO_REPLY, "IPPM_ERR_NO_REPLY",                                 \
      "the request asked for no reply")                                        \
    X(STAMP_ERR_MEMBER_LINK, "IPPM_ERR_MEMBER_LINK",                           \
      "micro-session ID names another link")                                   \
    X(STAMP_ERR_SELF_SOURCE, "IPPM_ERR_SELF_SOURCE",                           \
      "source is the reflector's own address and port")                        \
    X(STAMP_ERR_OWN_PORT, "IPPM_ERR_OWN_PORT",                                 \
      "source port is the reflector's own (another reflector?)")               \
    X(STAMP_ERR_REFLECTING_PORT, "IPPM_ERR_REFLECTING_PORT",                   \
      "source port of a service that answers any datagram")                    \
    X(STAMP_ERR_SOURCE_DENIED, "IPPM_ERR_SOURCE_DENIED",                       \
      "source address denied by the allow/deny list")                          \
    X(STAMP_ERR_RATE_LIMITED, "IPPM_ERR_RATE_LIMITED",                         \
      "source over its rate limit")                                            \
    X(STAMP_ERR_OWN_REPLY, "IPPM_ERR_OWN_REPLY",                               \
      "the reflector's own reply, come back (a reflection loop)")

struct stamp_err_row {
    enum ippm_err code;
    const char *name, *text;
};

#define STAMP_ERR_ROW_(code, name, text) {code, name, text},
static const struct stamp_err_row stamp_errs[] = {STAMP_ERRORS(STAMP_ERR_ROW_)};
#undef STAMP_ERR_ROW_

static const struct stamp_err_row *stamp_err_row(enum ippm_err e)
{
    for (size_t i = 0; i < sizeof stamp_errs / sizeof stamp_errs[0]; i++)
        if (stamp_errs[i].code == e)
            return &stamp_errs[i];
    return NULL;
}

/* see stamp.h */
const char *stamp_err_str(enum ippm_err e)
{
    const struct stamp_err_row *r = stamp_err_row(e);
    return r ? r->text : ippm_err_str(e);
}

/* see stamp.h */
const char *stamp_err_name(enum ippm_err e)
{
    const struct stamp_err_row *r = stamp_err_row(e);
    return r ? r->name : ippm_err_name(e);
}
