#include "ippm_err.h"

#include <stddef.h>

#define IPPM_ERR_STR_(name, fatal, text)   [name] = text,
#define IPPM_ERR_NAME_(name, fatal, text)  [name] = #name,
#define IPPM_ERR_FATAL_(name, fatal, text) [name] = fatal,

/* Indexed by value: the protocol range stays NULL / false. */
static const char *const err_text[IPPM_ERR_COUNT_] = {
    IPPM_ERRORS(IPPM_ERR_STR_) IPPM_ERRORS_TAIL(IPPM_ERR_STR_)};
static const char *const err_name[IPPM_ERR_COUNT_] = {
    IPPM_ERRORS(IPPM_ERR_NAME_) IPPM_ERRORS_TAIL(IPPM_ERR_NAME_)};
static const bool err_fatal[IPPM_ERR_COUNT_] = {
    IPPM_ERRORS(IPPM_ERR_FATAL_) IPPM_ERRORS_TAIL(IPPM_ERR_FATAL_)};

static bool err_known(enum ippm_err e)
{
    return (unsigned)e < (unsigned)IPPM_ERR_COUNT_;
}

/* see ippm_err.h */
bool ippm_err_is_proto(enum ippm_err e)
{
    return e >= IPPM_ERR_PROTO_FIRST && e <= IPPM_ERR_PROTO_LAST;
}

/* see ippm_err.h */
const char *ippm_err_str(enum ippm_err e)
{
    if (ippm_err_is_proto(e))
        return "protocol-specific reason";
    return err_known(e) ? err_text[e] : "unknown error";
}

/* see ippm_err.h */
const char *ippm_err_name(enum ippm_err e)
{
    if (ippm_err_is_proto(e))
        return "IPPM_ERR_PROTO";
    return err_known(e) ? err_name[e] : "IPPM_ERR_UNKNOWN";
}

/* see ippm_err.h */
bool ippm_err_is_fatal(enum ippm_err e)
{
    return err_known(e) ? err_fatal[e] : true;
}
