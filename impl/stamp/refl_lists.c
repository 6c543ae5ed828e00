/* The reflector's list options (impl/stamp/refl_lists.h): parsed here so
 * that the reflector driver keeps to its loop. */
#include <stdint.h>
#include <string.h>

#include "impl/core/cli.h"
#include "impl/stamp/refl_lists.h"

/* One item of --dscp-permitted: a DSCP or a range "10-14", into the
 * uint64_t at arg. */
static int add_dscp_range(const char *opt, char *t, void *arg)
{
    uint64_t *out = arg, lo, hi;
    if (ippm_cli_range(opt, t, 0, 63, "a DSCP", &lo, &hi) != 0)
        return -1;
    for (uint64_t d = lo; d <= hi; d++)
        *out |= 1ull << d;
    return 0;
}

/* see refl_lists.h */
int refl_parse_dscp_list(const char *s, uint64_t *out)
{
    *out = 0;
    if (strcmp(s, "all") == 0) {
        *out = UINT64_MAX;
        return 0;
    }
    if (strcmp(s, "none") == 0)
        return 0;
    return ippm_cli_each("--dscp-permitted", s, "all, none or a DSCP list",
                         add_dscp_range, out);
}

/* One item of --allow-src-port into the struct ippm_src_policy at arg. */
static int add_allowed_port(const char *opt, char *t, void *arg)
{
    uint16_t port;
    if (ippm_cli_u16(opt, t, 1, 65535, "a port", &port) != 0)
        return -1;
    if (ippm_src_policy_allow(arg, port) != IPPM_OK) {
        ippm_cli_error("%s: more than %d ports", opt, IPPM_SRC_ALLOW_MAX);
        return -1;
    }
    return 0;
}

/* see refl_lists.h */
int refl_parse_allow_src(const char *s, struct ippm_src_policy *src)
{
    return ippm_cli_each("--allow-src-port", s, "a list of ports",
                         add_allowed_port, src);
}
