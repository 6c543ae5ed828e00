#include "ippm_err.h"

#define IPPM_ERR_STR_(name, fatal, text) text,
#define IPPM_ERR_NAME_(name, fatal, text) #name,
#define IPPM_ERR_FATAL_(name, fatal, text) fatal,

static const char *const err_text[] = {IPPM_ERRORS(IPPM_ERR_STR_)};
static const char *const err_name[] = {IPPM_ERRORS(IPPM_ERR_NAME_)};
static const bool err_fatal[] = {IPPM_ERRORS(IPPM_ERR_FATAL_)};

static bool err_known(enum ippm_err e)
{
    return (unsigned)e < (unsigned)IPPM_ERR_COUNT_;
}

/* see ippm_err.h */
const char *ippm_err_str(enum ippm_err e)
{
    return err_known(e) ? err_text[e] : "unknown error";
}

/* see ippm_err.h */
const char *ippm_err_name(enum ippm_err e)
{
    return err_known(e) ? err_name[e] : "IPPM_ERR_UNKNOWN";
}

/* see ippm_err.h */
bool ippm_err_is_fatal(enum ippm_err e)
{
    return err_known(e) ? err_fatal[e] : true;
}
