/* The two tests every catalogue table has (conformance/<protocol>/
 * *_cases_test.c): each case passes on a conforming fixture and fails once
 * a mutation breaks its rule (a check that cannot fail is a defect), and
 * no case of the table lacks such a row. Header-only, for cmocka tests:
 * include <cmocka.h> (and its prerequisites) first. */
#ifndef IPPM_TEST_CASE_ROWS_H
#define IPPM_TEST_CASE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "conformance/ippm_conform.h"

/* The id of the row being built, for a fixture that depends on it (the
 * owtw builds tell OWAMP's from TWAMP's by the id's prefix). */
static const char *case_row_id;

/* One case: a conforming fixture, then what breaks its rule. */
struct case_row {
    const char *id;
    void (*build)(void);
    void (*mutate)(void);
};

/* Grades case c on the test's fixture. */
typedef enum ippm_verdict (*case_grade_fn)(const struct ippm_case *c,
                                           char *detail, size_t cap);

/* Every row: PASS as built, FAIL once mutated. */
static inline void case_rows_pass_then_fail(const struct case_row *rows,
                                            size_t n, case_grade_fn grade)
{
    for (size_t i = 0; i < n; i++) {
        const struct ippm_case *c = ippm_case_find(rows[i].id);
        if (!c)
            fail_msg("%s: no such case", rows[i].id);
        char d[IPPM_DETAIL_MAX];
        case_row_id = rows[i].id;
        rows[i].build();
        enum ippm_verdict v = grade(c, d, sizeof d);
        if (v != IPPM_PASS)
            fail_msg("%s on its fixture: %s (%s)", rows[i].id,
                     ippm_verdict_str(v), d);
        rows[i].mutate();
        v = grade(c, d, sizeof d);
        if (v != IPPM_FAIL)
            fail_msg("%s once broken: %s (%s)", rows[i].id,
                     ippm_verdict_str(v), d);
    }
}

/* Every case of table (n_table) has a row. */
static inline void case_rows_cover(const struct case_row *rows, size_t n,
                                   const struct ippm_case *table,
                                   size_t n_table)
{
    for (size_t i = 0; i < n_table; i++) {
        bool found = false;
        for (size_t r = 0; r < n; r++)
            found |= strcmp(rows[r].id, table[i].id) == 0;
        if (!found)
            fail_msg("%s has no fixture row", table[i].id);
    }
}

#endif
