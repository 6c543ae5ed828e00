/* owtw_way.c and owtw_cli.c: one direction's counts as owping gives them
 * (loss, duplicates, reordering, hops, delays), and --modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "impl/commands.h"
#include "impl/owtw/owtw_cli.h"
#include "impl/owtw/owtw_way.h"

#define MS 1000000ull

static void test_way_counts_loss_duplicates_reordering_hops(void **state)
{
    (void)state;
    struct owtw_way *w = owtw_way_new("to server");
    assert_non_null(w);
    w->sent = 10;
    uint64_t t0 = 1000 * MS;
    /* 0 1 3 2 (reordered) 3 (duplicate) 5 6; 4 7 8 9 lost */
    static const uint32_t seqs[] = {0, 1, 3, 2, 3, 5, 6};
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
        uint64_t send = t0 + seqs[i] * 100 * MS;
        int ttl = seqs[i] == 6 ? 252 : 254;
        owtw_way_add(w, seqs[i], send, send + (1 + seqs[i]) * MS, ttl, 0x8001,
                     0x8001);
    }
    assert_int_equal(w->received, 6);
    assert_int_equal(w->duplicates, 1);
    assert_int_equal(owtw_way_lost(w), 4);
    assert_int_equal(w->reorder.reordered, 1);
    assert_int_equal(w->ttl_min, 252);
    assert_int_equal(w->ttl_max, 254);
    assert_int_equal(w->delay.min, 1 * MS);
    assert_int_equal(w->delay.max, 7 * MS);
    /* IPDV of the consecutive pairs fed in order: 0-1, 5-6. */
    assert_int_equal(w->ipdv.n, 2);
    char buf[4096];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    owtw_way_print(f, w, "one-way delay", false);
    fclose(f);
    assert_non_null(strstr(buf, "10 sent, 4 lost (40.000%), 1 duplicates\n"));
    assert_non_null(strstr(buf, "one-way delay min/median/max = 1.000/"));
    assert_non_null(strstr(buf, "min hops = 1, max hops = 3"));
    assert_non_null(strstr(buf, "1 reordered"));
    json_t *j = owtw_way_json(w);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "lost")), 4);
    json_decref(j);
    owtw_way_free(w);
}

static void test_way_without_arrivals(void **state)
{
    (void)state;
    struct owtw_way *w = owtw_way_new("from server");
    w->sent = 3;
    char buf[1024];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    owtw_way_print(f, w, "one-way delay", true);
    fclose(f);
    assert_non_null(strstr(buf, "3 sent, 3 lost (100.000%)"));
    assert_non_null(strstr(buf, "no packet arrived"));
    json_t *j = owtw_way_json(w);
    assert_true(json_is_null(json_object_get(j, "jitter_ms")));
    json_decref(j);
    owtw_way_free(w);
}

static void test_modes_names_and_numbers(void **state)
{
    (void)state;
    uint32_t m = 0;
    assert_int_equal(owtw_cli_modes("--modes", "open,auth", &m), 0);
    assert_int_equal(m, OWTW_CLI_OPEN | OWTW_CLI_AUTH);
    assert_int_equal(owtw_cli_modes("--modes", "4,mixed", &m), 0);
    assert_int_equal(m, OWTW_CLI_ENCRYPTED | OWTW_CLI_MIXED);
    assert_int_equal(owtw_cli_modes("--modes", "all", &m), 0);
    assert_int_equal(m, 15);
    assert_int_equal(owtw_cli_modes("--modes", "open,bogus", &m), -1);
    assert_int_equal(m, 15); /* untouched on failure */
    assert_string_equal(owtw_cli_mode_name(OWTW_CLI_OPEN | OWTW_CLI_AUTH),
                        "auth");
}

/* RFC 5618 mixed mode (bit 3) is TWAMP's: OWAMP programs refuse it by
 * name or number, and "all" is 1|2|4 for them (interop B3: `ippm owamp
 * server --modes all` greeted with Modes 0xf). */
static void test_owamp_modes_have_no_mixed(void **state)
{
    (void)state;
    const struct owtw_prog ow = {"owamp server", "owamp-server", 861, false,
                                 "", ""};
    const struct owtw_prog owc = {"owamp client", "owamp-client", 861, false,
                                  "", ""};
    const struct owtw_prog tw = {"twamp server", "twamp-server", 862, true,
                                 "", ""};
    struct owtw_server_opts so;
    struct owtw_client_opts co;
    char *all[] = {"server", "--modes", "all", "--keys", "/dev/null", NULL};
    assert_int_equal(owtw_server_parse(&so, 5, all, &ow), -1);
    assert_int_equal(so.modes, OWTW_CLI_OPEN | OWTW_CLI_AUTH |
                                   OWTW_CLI_ENCRYPTED);
    char *all_tw[] = {"server", "--modes", "all", "--keys", "/dev/null", NULL};
    assert_int_equal(owtw_server_parse(&so, 5, all_tw, &tw), -1);
    assert_int_equal(so.modes, 15);
    char *mixed[] = {"server", "--modes", "open,mixed", "--keys", "/dev/null",
                     NULL};
    assert_int_equal(owtw_server_parse(&so, 5, mixed, &ow), IPPM_EXIT_USAGE);
    char *eight[] = {"client", "--modes", "8", "--keys", "/dev/null",
                     "--key-id", "k", "h", NULL};
    assert_int_equal(owtw_client_parse(&co, 8, eight, &owc), IPPM_EXIT_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_way_counts_loss_duplicates_reordering_hops),
        cmocka_unit_test(test_way_without_arrivals),
        cmocka_unit_test(test_modes_names_and_numbers),
        cmocka_unit_test(test_owamp_modes_have_no_mixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
