/* `ippm rmbt server`: the RMBT UDP ping server (notes rmbt-udp-ping §4,
 * §5), a driver around proto/rmbt's rmbt_server_handle. It takes the
 * options of both generations of the original (v1's -s/--seed, -c/--cpus;
 * v2's --secret, -f/--secret-file with labels, -b/--bind, -t/--threads)
 * and ippm's own (--config [rmbt-server], --metrics, admission).
 *
 * The secrets and the CPU list are parsed here, apart from the socket
 * loop, so that unit tests reach them. */
#ifndef IPPM_RMBT_SERVER_H
#define IPPM_RMBT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "impl/core/workers.h"

#define RMBT_SECRETS_MAX 64   /* secrets tried in order, CLI one first */
#define RMBT_SECRET_MAX 1024  /* octets of one secret */
#define RMBT_LABEL_MAX 64     /* octets of one label, with its NUL */

/* One secret: the HMAC key's octets, as given less surrounding white
 * space, and the name debug lines show for it. */
struct rmbt_secret {
    uint8_t key[RMBT_SECRET_MAX];
    size_t len;
    char label[RMBT_LABEL_MAX];
};

struct rmbt_secrets {
    struct rmbt_secret s[RMBT_SECRETS_MAX];
    size_t n;
};

/* Appends secret (white space around it trimmed) named label, or
 * "secret_N" (N its 1-based position) when label is NULL or empty.
 * Returns 0, or -1 after one line naming opt: an empty secret, one longer
 * than RMBT_SECRET_MAX, more than RMBT_SECRETS_MAX of them. */
int rmbt_secrets_add(struct rmbt_secrets *s, const char *opt,
                     const char *secret, size_t len, const char *label);

/* Appends the secrets of a file of `<secret>[ <label>]` lines; blank
 * lines and lines whose first non-blank is '#' are skipped. Returns 0, or
 * -1 after one line naming opt and the path (unreadable, larger than
 * 1 MiB, a line longer than 4 KiB, no secret in it, or a refusal of
 * rmbt_secrets_add, with its line number). A file group or others may
 * read gets a warning on stderr, unless its first line is
 * IPPM_KEY_FIXTURE_LINE (keyfile.h). */
int rmbt_secrets_load(struct rmbt_secrets *s, const char *opt,
                      const char *path);

/* Wipes every key. */
void rmbt_secrets_wipe(struct rmbt_secrets *s);

/* v1's --cpus: keeps the CPUs of l for which in_set says yes (the
 * driver asks sched_getaffinity: the CPUs this process may run on),
 * sorted and without duplicates. Returns how many are left. */
size_t rmbt_cpus_filter(struct ippm_cpu_list *l,
                        bool (*in_set)(unsigned cpu, void *arg), void *arg);

/* The subcommand: the arguments after "rmbt" (argv[0] "server"). Returns
 * an enum ippm_exit status. */
int rmbt_server_main(int argc, char **argv);

#endif
