/* Config files for every subcommand: `--config FILE` names an INI file
 * (read with libinih) whose keys are the subcommand's long option names
 * without the dashes:
 *
 *   ; global keys apply to every subcommand that reads the file
 *   timestamp = ntp
 *   [stamp-reflector]
 *   port = 862
 *   stateful = yes
 *   auth-key-file = /etc/ippm/auth-key
 *   [stamp-sender]
 *   count = 10
 *
 * A subcommand reads the global keys and its own section (a key in the
 * section overrides the same global key) and skips the other sections.
 * The keys become options placed before the command line's own, so
 * getopt_long sees the command line last and it wins.
 *
 * Refused, each with one line naming FILE and the line:
 *   unknown keys:      ippm: /etc/ippm/ippm.conf:7: unknown key 'prot'
 *   unknown sections, a key set twice in one section, a flag whose value
 *   is not true/false/yes/no/on/off/1/0, an empty value, `config`, `help`,
 *   and secrets (auth-key, key, secret, password, hmac-key, any *-key):
 *   a config file is often world-readable, so the key comes from a key
 *   file (auth-key-file) or the environment (IPPM_AUTH_KEY, keyfile.h).
 *   a NUL byte or a line longer than inih's buffer (with its line), and
 *   a FILE that is not a regular file (/dev/zero, a FIFO) or is larger
 *   than 1 MiB: the file is read whole before it is parsed.
 *
 * A value's own syntax (a port, a number of seconds) is checked by the
 * subcommand's parser as if it had been typed: "--port: 'x' is not a port".
 *
 * A new subcommand needs one call at the top of its parse function and
 * its section name in known_sections (config.c). */
#ifndef IPPM_CONFIG_H
#define IPPM_CONFIG_H

#include <getopt.h>

/* If argv holds `--config FILE` or `--config=FILE` (before any "--"),
 * replaces *argc and *argv by: argv[0], one "--key=value" or "--flag" for
 * each key FILE sets for this subcommand, then the rest of the command
 * line without --config FILE. Without --config, leaves them alone.
 *
 * longopts: the subcommand's option table (keys are checked against it).
 * section: its section name ("stamp-reflector").
 * prog: how messages name it ("stamp reflector").
 *
 * The new vector stays valid until exit (optarg points into it).
 * Returns -1 to go on, or IPPM_EXIT_USAGE after printing one line on
 * stderr (--config twice or without a value, FILE unreadable, any of the
 * refusals above), or IPPM_EXIT_RUNTIME when out of memory. */
int ippm_config_expand(int *argc, char ***argv, const struct option *longopts,
                       const char *section, const char *prog);

#endif
