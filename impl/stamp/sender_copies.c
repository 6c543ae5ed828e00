/* The sender's asymmetrical-packets figures; see sender_copies.h. */
#include "impl/stamp/sender_copies.h"

#include <stdio.h>

/* see sender_copies.h */
void stamp_copies_print(const struct stamp_stats *st)
{
    if (!st->copies_asked)
        return;
    printf("copies: %u replies asked per request, %llu of %llu extra "
           "arrived",
           (unsigned)st->copies_asked, (unsigned long long)st->copies,
           (unsigned long long)st->copies_expected);
    if (st->copies_refused)
        printf("; %llu requests answered once with C = 1 (beyond the "
               "reflector's limits)",
               (unsigned long long)st->copies_refused);
    putchar('\n');
}

/* see sender_copies.h */
void stamp_copies_json(json_t *root, const struct stamp_stats *st)
{
    if (!st->copies_asked)
        return;
    json_object_set_new(root, "copies",
                        json_pack("{s:i, s:I, s:I, s:I}", "asked_per_request",
                                  (int)st->copies_asked, "expected",
                                  (json_int_t)st->copies_expected, "arrived",
                                  (json_int_t)st->copies, "refused",
                                  (json_int_t)st->copies_refused));
}
