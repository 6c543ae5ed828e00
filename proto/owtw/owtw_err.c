/* Names of OWAMP/TWAMP's own reasons (the protocol range of ippm_err). */
#include "owtw.h"

#define OWTW_ERRORS(X)                                                        \
    X(OWTW_ERR_MODE, "OWTW_ERR_MODE", "mode not offered or none in common")   \
    X(OWTW_ERR_KEYID, "OWTW_ERR_KEYID", "KeyID names no known key")           \
    X(OWTW_ERR_TOKEN, "OWTW_ERR_TOKEN",                                       \
      "Token does not open to the Challenge")                                 \
    X(OWTW_ERR_COMMAND, "OWTW_ERR_COMMAND",                                   \
      "command number not valid in this state")                               \
    X(OWTW_ERR_SERVWAIT, "OWTW_ERR_SERVWAIT",                                 \
      "control connection idle for SERVWAIT")                                 \
    X(OWTW_ERR_REFWAIT, "OWTW_ERR_REFWAIT", "no test packet for REFWAIT")     \
    X(OWTW_ERR_STOP_COUNT, "OWTW_ERR_STOP_COUNT",                             \
      "Stop-Sessions does not account for the send sessions")                 \
    X(OWTW_ERR_SERVER_START, "OWTW_ERR_SERVER_START",                         \
      "Server-Start refused the connection")                                  \
    X(OWTW_ERR_WEAK_COUNT, "OWTW_ERR_WEAK_COUNT",                             \
      "greeting Count below 1024 or over the bound")                        \
    X(OWTW_ERR_MSG_LEN, "OWTW_ERR_MSG_LEN",                                   \
      "message length beyond the buffer")

struct owtw_err_row {
    enum ippm_err code;
    const char *name, *text;
};

#define OWTW_ERR_ROW_(code, name, text) {code, name, text},
static const struct owtw_err_row owtw_errs[] = {OWTW_ERRORS(OWTW_ERR_ROW_)};
#undef OWTW_ERR_ROW_

static const struct owtw_err_row *owtw_err_row(enum ippm_err e)
{
    for (size_t i = 0; i < sizeof owtw_errs / sizeof owtw_errs[0]; i++)
        if (owtw_errs[i].code == e)
            return &owtw_errs[i];
    return NULL;
}

/* see owtw.h */
const char *owtw_err_str(enum ippm_err e)
{
    const struct owtw_err_row *r = owtw_err_row(e);
    return r ? r->text : ippm_err_str(e);
}

/* see owtw.h */
const char *owtw_err_name(enum ippm_err e)
{
    const struct owtw_err_row *r = owtw_err_row(e);
    return r ? r->name : ippm_err_name(e);
}
