#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "impl/commands.h"
#include "keyfile.h"

/* One section per subcommand that takes --config. A file shared by
 * several subcommands holds all their sections, so each skips the
 * others'; a name not listed here is a typo and refused. */
static const char *const known_sections[] = {
    "stamp-reflector",
    "stamp-sender",
    "twamp-light-reflector",
    "twamp-light-sender",
    "twamp-server",
    "twamp-client",
    "owamp-server",
    "owamp-client",
    "rmbt-server",
    "udping-server",
};

#define N_KNOWN_SECTIONS (sizeof(known_sections) / sizeof(known_sections[0]))

/* More keys than any subcommand has options. */
#define MAX_KEYS 128

/* Far more than any config file needs: the file is read whole before it
 * is parsed, so a larger one (or /dev/zero) is refused, not read. */
#define MAX_FILE_BYTES (1024 * 1024)

struct cfg_key {
    const struct option *opt;
    char *value; /* an option's value; NULL for a flag */
    bool on;     /* a flag: true/yes/on/1 */
    bool global; /* before any [section] */
    int line;
};

struct cfg_read {
    char *text; /* the whole file, NUL-free, '\0' after it */
    size_t len, pos;
    const char *path;
    const struct option *longopts;
    const char *section;
    const char *prog;
    int line;      /* of the line the reader returned last */
    int max_line;  /* inih's line buffer, '\0' included */
    bool too_long; /* that line did not fit inih's buffer */
    bool failed;   /* one line was printed; stop */
    struct cfg_key keys[MAX_KEYS];
    size_t n;
};

/* Every vector handed back, newest first: a later one may point into an
 * earlier one, so all live until exit. */
struct vec_block {
    struct vec_block *prev;
    char *argv[];
};

static struct vec_block *expanded;

static void free_expanded(void)
{
    while (expanded) {
        struct vec_block *b = expanded;
        expanded = b->prev;
        free(b);
    }
}

__attribute__((format(printf, 2, 3))) static void
cfg_error(struct cfg_read *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ippm: %s:%d: ", c->path, c->line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    c->failed = true;
}

static const struct option *find_opt(const struct option *longopts,
                                     const char *name)
{
    for (const struct option *o = longopts; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Keys that would put a secret in the file: the HMAC keys of STAMP,
 * TWAMP and OWAMP today, whatever a later subcommand calls its own. */
static bool is_secret(const char *name)
{
    static const char *const words[] = {"key", "secret", "password",
                                        "passphrase", "token"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        char dashed[32];
        snprintf(dashed, sizeof(dashed), "-%s", words[i]);
        if (strcmp(name, words[i]) == 0 || ends_with(name, dashed))
            return true;
    }
    return false;
}

static bool known_section(const char *s)
{
    for (size_t i = 0; i < N_KNOWN_SECTIONS; i++)
        if (strcmp(s, known_sections[i]) == 0)
            return true;
    return false;
}

/* true/false and their synonyms. Returns 0, or -1 for anything else. */
static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* One name = value pair. Returns 0, or -1 after printing why. */
static int cfg_pair(struct cfg_read *c, const char *section, const char *name,
                    const char *value)
{
    /* Refused in every section: whoever reads the file, the secret is in
     * it, and config files are world-readable more often than not. */
    if (is_secret(name)) {
        cfg_error(c,
                  "'%s' would put a secret in a config file; give the key "
                  "with auth-key-file or the %s environment variable",
                  name, IPPM_AUTH_KEY_ENV);
        return -1;
    }
    bool global = section[0] == '\0';
    if (!global && strcmp(section, c->section) != 0) {
        if (known_section(section))
            return 0; /* another subcommand's: it checks its own keys */
        cfg_error(c, "unknown section [%s]", section);
        return -1;
    }
    if (strcmp(name, "config") == 0 || strcmp(name, "help") == 0) {
        cfg_error(c, "'%s' cannot be set in a config file", name);
        return -1;
    }
    const struct option *opt = find_opt(c->longopts, name);
    if (!opt) {
        if (global)
            cfg_error(c,
                      "unknown key '%s' (%s has no --%s; put it in the "
                      "section of the subcommand that has)",
                      name, c->prog, name);
        else
            cfg_error(c, "unknown key '%s'", name);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (c->keys[i].opt == opt && c->keys[i].global == global) {
            cfg_error(c, "'%s' is already set on line %d", name,
                      c->keys[i].line);
            return -1;
        }
    }
    if (c->n == MAX_KEYS) {
        cfg_error(c, "more than %d keys", MAX_KEYS);
        return -1;
    }
    struct cfg_key k = {.opt = opt, .global = global, .line = c->line};
    if (opt->has_arg == no_argument) {
        if (parse_bool(value, &k.on) != 0) {
            cfg_error(c, "'%s' is a flag: true or false, not '%s'", name,
                      value);
            return -1;
        }
    } else {
        if (value[0] == '\0' && opt->has_arg == required_argument) {
            cfg_error(c, "'%s' needs a value", name);
            return -1;
        }
        if (value[0] == '\0') { /* optional_argument: "--name" alone */
            k.on = true;
            c->keys[c->n++] = k;
            return 0;
        }
        k.value = strdup(value);
        if (!k.value) {
            cfg_error(c, "out of memory");
            return -1;
        }
    }
    c->keys[c->n++] = k;
    return 0;
}

static int cfg_handler(void *user, const char *section, const char *name,
                       const char *value)
{
    struct cfg_read *c = user;
    if (!c->failed)
        cfg_pair(c, section, name, value);
    /* Nonzero even on failure: the reader ends the parse, and a zero
     * would make inih report our refusal as a syntax error. */
    return 1;
}

/* fgets for inih over the file read whole, counting lines so messages
 * can name them (Debian's libinih is built without INI_HANDLER_LINENO). A
 * line that does not fit inih's buffer ends the parse: inih would read
 * its rest as a line of its own. */
static char *cfg_reader(char *str, int num, void *stream)
{
    struct cfg_read *c = stream;
    if (c->failed || c->too_long || c->pos == c->len)
        return NULL;
    c->line++;
    c->max_line = num;
    const char *at = c->text + c->pos;
    const char *nl = memchr(at, '\n', c->len - c->pos);
    size_t len = nl ? (size_t)(nl - at) + 1 : c->len - c->pos;
    if (len > (size_t)num - 1) {
        c->too_long = true;
        return NULL;
    }
    c->pos += len;
    /* Indented keys are fine; inih would take them for the continuation
     * of the previous value (multi-line values), which ippm never needs. */
    size_t skip = strspn(at, " \t");
    skip = skip < len ? skip : len;
    memcpy(str, at + skip, len - skip);
    str[len - skip] = '\0';
    return str;
}

/* The line of the file that the octet at off is on, from 1. */
static int line_of(const char *text, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

/* Reads the file whole into c->text. Refuses what is not a regular file
 * (a FIFO would block, /dev/zero never end), a file over MAX_FILE_BYTES
 * and a NUL byte (the line's tail would hide from a reader that stops at
 * it). Returns 0, or -1 after printing why. */
static int cfg_load(struct cfg_read *c)
{
    /* O_NONBLOCK: opening a FIFO does not wait for a writer. */
    int fd = open(c->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        ippm_cli_error("--config: cannot read '%s': %s", c->path,
                       strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        ippm_cli_error("--config: cannot read '%s': %s", c->path,
                       S_ISDIR(st.st_mode) ? strerror(EISDIR)
                                           : "not a regular file");
        close(fd);
        return -1;
    }
    c->text = malloc(MAX_FILE_BYTES + 1);
    if (!c->text) {
        close(fd);
        ippm_cli_error("--config: out of memory");
        return -1;
    }
    /* Up to one octet past the bound, to see a file grown since fstat. */
    ssize_t got = 0;
    while (c->len <= MAX_FILE_BYTES &&
           (got = read(fd, c->text + c->len, MAX_FILE_BYTES + 1 - c->len)) > 0)
        c->len += (size_t)got;
    int err = got < 0 ? errno : 0;
    close(fd);
    if (err) {
        ippm_cli_error("--config: cannot read '%s': %s", c->path,
                       strerror(err));
        return -1;
    }
    if (c->len > MAX_FILE_BYTES) {
        ippm_cli_error("--config: '%s' is larger than %d octets", c->path,
                       MAX_FILE_BYTES);
        return -1;
    }
    c->text[c->len] = '\0';
    const char *nul = memchr(c->text, '\0', c->len);
    if (nul) {
        c->line = line_of(c->text, (size_t)(nul - c->text));
        cfg_error(c, "a NUL byte: not a text file");
        return -1;
    }
    return 0;
}

/* Finds --config FILE in argv. Sets *at to its index (0: none), *width to
 * 1 (--config=FILE) or 2. Returns 0, or -1 after printing why. */
static int find_config(int argc, char **argv, const struct option *longopts,
                       const char *prog, const char **path, int *at, int *width)
{
    *at = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strncmp(a, "--config", 8) == 0 && (a[8] == '\0' || a[8] == '=')) {
            if (*at) {
                ippm_cli_error("%s: --config given twice", prog);
                return -1;
            }
            if (a[8] == '\0' && i + 1 >= argc) {
                ippm_cli_error("%s: option '--config' needs a value", prog);
                return -1;
            }
            *at = i;
            *width = a[8] == '=' ? 1 : 2;
            *path = a[8] == '=' ? a + 9 : argv[i + 1];
            if (**path == '\0') {
                ippm_cli_error("--config: empty file name");
                return -1;
            }
            i += *width - 1;
            continue;
        }
        /* Skip an option's value, as getopt_long will: in
         * `--json --config` the JSON file is called "--config". */
        if (strncmp(a, "--", 2) == 0 && !strchr(a, '=')) {
            const struct option *o = find_opt(longopts, a + 2);
            if (o && o->has_arg == required_argument)
                i++;
        }
    }
    return 0;
}

/* A key that the section sets again is overridden. */
static bool overridden(const struct cfg_read *c, const struct cfg_key *k)
{
    if (!k->global)
        return false;
    for (size_t i = 0; i < c->n; i++)
        if (!c->keys[i].global && c->keys[i].opt == k->opt)
            return true;
    return false;
}

static bool emitted(const struct cfg_read *c, const struct cfg_key *k)
{
    return !overridden(c, k) && (k->value || k->on);
}

/* argv[0], the keys, the command line without --config FILE: one block
 * holding the pointers and then the strings. */
static struct vec_block *build_vector(const struct cfg_read *c, int argc,
                                      char **argv, int at, int width,
                                      int *new_argc)
{
    size_t n = 1, bytes = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct cfg_key *k = &c->keys[i];
        if (!emitted(c, k))
            continue;
        n++;
        bytes += 2 + strlen(k->opt->name) + 1;
        if (k->value)
            bytes += 1 + strlen(k->value);
    }
    n += (size_t)(argc - 1 - width);
    struct vec_block *b =
        malloc(sizeof(*b) + (n + 1) * sizeof(b->argv[0]) + bytes);
    if (!b)
        return NULL;
    char **v = b->argv;
    char *s = (char *)(v + n + 1);
    size_t j = 0;
    v[j++] = argv[0];
    for (size_t i = 0; i < c->n; i++) {
        const struct cfg_key *k = &c->keys[i];
        if (!emitted(c, k))
            continue;
        v[j++] = s;
        if (k->value)
            s += sprintf(s, "--%s=%s", k->opt->name, k->value) + 1;
        else
            s += sprintf(s, "--%s", k->opt->name) + 1;
    }
    for (int i = 1; i < argc; i++)
        if (i < at || i >= at + width)
            v[j++] = argv[i];
    v[j] = NULL;
    *new_argc = (int)j;
    return b;
}

/* Parses the file into c. Returns 0, or -1 after printing why. */
static int cfg_parse(struct cfg_read *c)
{
    if (cfg_load(c) != 0)
        return -1;
    int rc = ini_parse_stream(cfg_reader, c, cfg_handler, c);
    if (c->failed)
        return -1;
    if (c->too_long) {
        cfg_error(c, "line longer than %d characters", c->max_line - 3);
        return -1;
    }
    if (rc > 0) {
        c->line = rc;
        cfg_error(c, "expected 'key = value' or '[section]'");
        return -1;
    }
    if (rc < 0) {
        ippm_cli_error("--config: cannot parse '%s'", c->path);
        return -1;
    }
    return 0;
}

/* see config.h */
int ippm_config_expand(int *argc, char ***argv, const struct option *longopts,
                       const char *section, const char *prog)
{
    const char *path = NULL;
    int at = 0, width = 0;
    if (find_config(*argc, *argv, longopts, prog, &path, &at, &width) != 0)
        return IPPM_EXIT_USAGE;
    if (!at)
        return -1;
    static bool registered;
    if (!registered) {
        atexit(free_expanded);
        registered = true;
    }
    struct cfg_read *c = calloc(1, sizeof(*c));
    if (!c) {
        ippm_cli_error("%s: out of memory", prog);
        return IPPM_EXIT_RUNTIME;
    }
    c->path = path;
    c->longopts = longopts;
    c->section = section;
    c->prog = prog;
    int rc = -1;
    if (cfg_parse(c) != 0) {
        rc = IPPM_EXIT_USAGE;
    } else {
        int n;
        struct vec_block *b = build_vector(c, *argc, *argv, at, width, &n);
        if (!b) {
            ippm_cli_error("%s: out of memory", prog);
            rc = IPPM_EXIT_RUNTIME;
        } else {
            b->prev = expanded;
            expanded = b;
            *argc = n;
            *argv = b->argv;
        }
    }
    for (size_t i = 0; i < c->n; i++)
        free(c->keys[i].value);
    free(c->text);
    free(c);
    return rc;
}
