/* config.c: --config FILE expands into options ahead of the command line;
 * every refusal names the file and the line. Also keyfile.c's second key
 * source, IPPM_AUTH_KEY. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "impl/commands.h"
#include "config.h"
#include "keyfile.h"

static char path[] = "/tmp/ippm-config-test-XXXXXX";
static char errpath[] = "/tmp/ippm-config-test-err-XXXXXX";
static char err[1024]; /* what the last expand() printed on stderr */

enum { O_PORT = 256, O_STATEFUL, O_KEYFILE, O_JSON, O_COUNT, O_COLOR, O_HELP };

static const struct option opts[] = {
    {"port", required_argument, NULL, O_PORT},
    {"stateful", no_argument, NULL, O_STATEFUL},
    {"auth-key-file", required_argument, NULL, O_KEYFILE},
    {"json", required_argument, NULL, O_JSON},
    {"count", required_argument, NULL, O_COUNT},
    {"color", optional_argument, NULL, O_COLOR},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

static void put_bytes(const void *bytes, size_t len)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

static void put(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Runs ippm_config_expand on the NULL-terminated arguments, as section
 * "stamp-reflector", with stderr captured in err. */
static int expand(int *argc, char ***argv, ...)
{
    static char *v[32];
    va_list ap;
    va_start(ap, argv);
    int n = 0;
    v[n++] = "reflector";
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        v[n++] = a;
    va_end(ap);
    v[n] = NULL;
    *argc = n;
    *argv = v;
    fflush(stderr);
    int saved = dup(2);
    FILE *f = fopen(errpath, "w+");
    assert_non_null(f);
    dup2(fileno(f), 2);
    int rc = ippm_config_expand(argc, argv, opts, "stamp-reflector",
                                "stamp reflector");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(f);
    size_t got = fread(err, 1, sizeof(err) - 1, f);
    err[got] = '\0';
    fclose(f);
    return rc;
}

/* The expanded vector as one string, "a b c", to compare. */
static const char *joined(int argc, char **argv)
{
    static char buf[1024];
    buf[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, argv[i]);
    }
    assert_null(argv[argc]);
    return buf;
}

/* "PATH:LINE: rest" as config.c prints it. */
static void assert_err(int line, const char *rest)
{
    char want[512];
    snprintf(want, sizeof(want), "ippm: %s:%d: %s\n", path, line, rest);
    assert_string_equal(err, want);
}

static int setup(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    fd = mkstemp(errpath);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    unlink(errpath);
    return 0;
}

static void
test_ippm_config_expand_leaves_argv_alone_without_config(void **state)
{
    (void)state;
    int argc;
    char **argv;
    assert_int_equal(expand(&argc, &argv, "--port", "9", NULL), -1);
    assert_string_equal(joined(argc, argv), "reflector --port 9");
    /* After "--" it is an operand, and as --json's value it is a file. */
    assert_int_equal(expand(&argc, &argv, "--", "--config", "x", NULL), -1);
    assert_int_equal(expand(&argc, &argv, "--json", "--config", NULL), -1);
    assert_string_equal(err, "");
}

static void test_ippm_config_expand_puts_file_before_command_line(void **state)
{
    (void)state;
    put("port = 862\nauth-key-file = /etc/ippm/key\n");
    int argc;
    char **argv;
    assert_int_equal(
        expand(&argc, &argv, "--port", "9", "--config", path, "x", NULL), -1);
    /* getopt_long sees --port 9 last, so the command line wins. */
    assert_string_equal(joined(argc, argv),
                        "reflector --port=862 --auth-key-file=/etc/ippm/key "
                        "--port 9 x");
    char arg[256];
    snprintf(arg, sizeof(arg), "--config=%s", path);
    assert_int_equal(expand(&argc, &argv, arg, NULL), -1);
    assert_string_equal(joined(argc, argv),
                        "reflector --port=862 --auth-key-file=/etc/ippm/key");
}

static void test_ippm_config_expand_takes_own_section_over_global(void **state)
{
    (void)state;
    put("# global\n"
        "port = 1\n"
        "count = 5\n"
        "[stamp-sender]\n"
        "port = 2\n"
        "unknown-to-reflector = 3\n"
        "[stamp-reflector]\n"
        "  port = 3 ; indented, with a comment\n"
        "  stateful = yes\n");
    int argc;
    char **argv;
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL), -1);
    assert_string_equal(joined(argc, argv),
                        "reflector --count=5 --port=3 --stateful");
}

static void test_ippm_config_expand_reads_booleans(void **state)
{
    (void)state;
    const char *on[] = {"true", "yes", "on", "1", "TRUE", "Yes"};
    const char *off[] = {"false", "no", "off", "0", "False"};
    char text[64];
    int argc;
    char **argv;
    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
        snprintf(text, sizeof(text), "stateful = %s\n", on[i]);
        put(text);
        assert_int_equal(expand(&argc, &argv, "--config", path, NULL), -1);
        assert_string_equal(joined(argc, argv), "reflector --stateful");
    }
    for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
        snprintf(text, sizeof(text), "stateful = %s\n", off[i]);
        put(text);
        assert_int_equal(expand(&argc, &argv, "--config", path, NULL), -1);
        assert_string_equal(joined(argc, argv), "reflector");
    }
    /* An optional value: given, or left out. */
    put("color = always\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL), -1);
    assert_string_equal(joined(argc, argv), "reflector --color=always");
    put("color =\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL), -1);
    assert_string_equal(joined(argc, argv), "reflector --color");
    /* A section's false turns a global true off. */
    put("stateful = true\n[stamp-reflector]\nstateful = false\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL), -1);
    assert_string_equal(joined(argc, argv), "reflector");
    put("\n\nstateful = maybe\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(3, "'stateful' is a flag: true or false, not 'maybe'");
}

static void test_ippm_config_expand_rejects_unknown_key_with_line(void **state)
{
    (void)state;
    put("; ippm\n\n[stamp-reflector]\nport = 862\n\n# next\nprot = 862\n");
    int argc;
    char **argv;
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(7, "unknown key 'prot'");
    put("interval = 1\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(1, "unknown key 'interval' (stamp reflector has no "
                  "--interval; put it in the section of the subcommand "
                  "that has)");
}

static void test_ippm_config_expand_refuses_secrets_in_any_section(void **state)
{
    (void)state;
    const char *keys[] = {"auth-key", "key",      "hmac-key",
                          "secret",   "password", "ldap-password"};
    char text[128];
    int argc;
    char **argv;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        snprintf(text, sizeof(text), "port = 1\n[stamp-sender]\n%s = s3cr3t\n",
                 keys[i]);
        put(text);
        assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                         IPPM_EXIT_USAGE);
        char want[256];
        snprintf(want, sizeof(want),
                 "'%s' would put a secret in a config file; give the key "
                 "with auth-key-file or the IPPM_AUTH_KEY environment "
                 "variable",
                 keys[i]);
        assert_err(3, want);
        assert_null(strstr(err, "s3cr3t"));
    }
}

static void test_ippm_config_expand_rejects_bad_files(void **state)
{
    (void)state;
    int argc;
    char **argv;
    put("port = 1\n[stamp-reflecter]\nport = 2\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(3, "unknown section [stamp-reflecter]");
    put("port = 1\n\nport = 2\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(3, "'port' is already set on line 1");
    put("port = 1\nstateful\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(2, "expected 'key = value' or '[section]'");
    put("[stamp-reflector\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(1, "expected 'key = value' or '[section]'");
    put("port =\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(1, "'port' needs a value");
    put("config = /etc/other.conf\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(1, "'config' cannot be set in a config file");
    put("help = yes\n");
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(1, "'help' cannot be set in a config file");
    char line[400];
    memset(line, 'x', sizeof(line));
    memcpy(line, "json = ", 7);
    line[sizeof(line) - 2] = '\n';
    line[sizeof(line) - 1] = '\0';
    char text[512];
    snprintf(text, sizeof(text), "port = 1\n%s", line);
    put(text);
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(2, "line longer than 197 characters");
}

/* Issue 10 item 7: a NUL byte hid the tail of an over-long line, which
 * was then applied as a line of its own ("port = 7" here). */
static void test_ippm_config_expand_refuses_nul_bytes(void **state)
{
    (void)state;
    int argc;
    char **argv;
    char text[400];
    memset(text, 'x', sizeof(text));
    memcpy(text, "stateful = yes\njson = a", 24);
    text[24] = '\0';
    static const char tail[] = "port = 7\n";
    memcpy(text + sizeof(text) - sizeof(tail) + 1, tail, sizeof(tail) - 1);
    put_bytes(text, sizeof(text));
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(2, "a NUL byte: not a text file");
    put_bytes("port = 1\n\0", 10); /* even the last octet */
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    assert_err(2, "a NUL byte: not a text file");
}

/* --config /dev/zero spun forever, a FIFO blocked, and a file of any
 * size was read. */
static void
test_ippm_config_expand_refuses_what_is_not_a_small_file(void **state)
{
    (void)state;
    int argc;
    char **argv;
    assert_int_equal(expand(&argc, &argv, "--config", "/dev/zero", NULL),
                     IPPM_EXIT_USAGE);
    assert_string_equal(err, "ippm: --config: cannot read '/dev/zero': not "
                             "a regular file\n");
    char fifo[] = "/tmp/ippm-config-fifo-XXXXXX";
    assert_non_null(mkdtemp(fifo));
    char fifo_path[64];
    snprintf(fifo_path, sizeof(fifo_path), "%s/fifo", fifo);
    assert_int_equal(mkfifo(fifo_path, 0600), 0);
    assert_int_equal(expand(&argc, &argv, "--config", fifo_path, NULL),
                     IPPM_EXIT_USAGE);
    assert_non_null(strstr(err, "not a regular file"));
    unlink(fifo_path);
    rmdir(fifo);
    /* One octet over 1 MiB of comments. */
    size_t big = 1024 * 1024 + 1;
    char *text = malloc(big);
    assert_non_null(text);
    for (size_t i = 0; i < big; i++)
        text[i] = i % 64 == 63 ? '\n' : i % 64 == 0 ? ';' : 'x';
    put_bytes(text, big);
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL),
                     IPPM_EXIT_USAGE);
    char want[256];
    snprintf(want, sizeof(want),
             "ippm: --config: '%s' is larger than 1048576 octets\n", path);
    assert_string_equal(err, want);
    put_bytes(text, big - 1); /* 1 MiB itself is read */
    assert_int_equal(expand(&argc, &argv, "--config", path, NULL), -1);
    free(text);
}

static void test_ippm_config_expand_rejects_bad_command_lines(void **state)
{
    (void)state;
    int argc;
    char **argv;
    put("port = 1\n");
    assert_int_equal(
        expand(&argc, &argv, "--config", path, "--config", path, NULL),
        IPPM_EXIT_USAGE);
    assert_string_equal(err, "ippm: stamp reflector: --config given twice\n");
    assert_int_equal(expand(&argc, &argv, "--config", NULL), IPPM_EXIT_USAGE);
    assert_string_equal(
        err, "ippm: stamp reflector: option '--config' needs a value\n");
    assert_int_equal(
        expand(&argc, &argv, "--config", "/nonexistent/ippm.conf", NULL),
        IPPM_EXIT_USAGE);
    assert_string_equal(err, "ippm: --config: cannot read "
                             "'/nonexistent/ippm.conf': No such file or "
                             "directory\n");
    assert_int_equal(expand(&argc, &argv, "--config", "/tmp", NULL),
                     IPPM_EXIT_USAGE);
    assert_string_equal(err,
                        "ippm: --config: cannot read '/tmp': Is a directory\n");
}

static void test_ippm_key_load_takes_file_or_environment(void **state)
{
    (void)state;
    uint8_t key[IPPM_KEY_MAX];
    size_t len = 99;
    unsetenv(IPPM_AUTH_KEY_ENV);
    assert_false(ippm_key_given(NULL));
    assert_int_equal(ippm_key_load("--k", NULL, key, &len), 0);
    assert_int_equal(len, 0);
    setenv(IPPM_AUTH_KEY_ENV, "", 1); /* empty counts as unset */
    assert_false(ippm_key_given(NULL));
    assert_int_equal(ippm_key_load("--k", NULL, key, &len), 0);
    setenv(IPPM_AUTH_KEY_ENV, "from-env", 1);
    assert_true(ippm_key_given(NULL));
    assert_int_equal(ippm_key_load("--k", NULL, key, &len), 1);
    assert_int_equal(len, 8);
    assert_memory_equal(key, "from-env", 8);
    put("from-file\n");
    /* Both: refused, whichever would have won. */
    assert_int_equal(ippm_key_load("--k", path, key, &len), -1);
    unsetenv(IPPM_AUTH_KEY_ENV);
    assert_true(ippm_key_given(path));
    assert_int_equal(ippm_key_load("--k", path, key, &len), 1);
    assert_int_equal(len, 9);
    assert_memory_equal(key, "from-file", 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_ippm_config_expand_leaves_argv_alone_without_config),
        cmocka_unit_test(test_ippm_config_expand_puts_file_before_command_line),
        cmocka_unit_test(test_ippm_config_expand_takes_own_section_over_global),
        cmocka_unit_test(test_ippm_config_expand_reads_booleans),
        cmocka_unit_test(test_ippm_config_expand_rejects_unknown_key_with_line),
        cmocka_unit_test(
            test_ippm_config_expand_refuses_secrets_in_any_section),
        cmocka_unit_test(test_ippm_config_expand_rejects_bad_files),
        cmocka_unit_test(test_ippm_config_expand_refuses_nul_bytes),
        cmocka_unit_test(
            test_ippm_config_expand_refuses_what_is_not_a_small_file),
        cmocka_unit_test(test_ippm_config_expand_rejects_bad_command_lines),
        cmocka_unit_test(test_ippm_key_load_takes_file_or_environment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
