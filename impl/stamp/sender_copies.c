/* The sender's asymmetrical-packets figures; see sender_copies.h. */
#include "impl/stamp/sender_copies.h"

#include <stdio.h>

/* see sender_copies.h */
void stamp_copies_print(const struct stamp_stats *st)
{
    if (!st->copies_asked)
        return;
    printf("copies: %u replies asked per request, %llu of %llu extra "
           "arrived\n",
           (unsigned)st->copies_asked, (unsigned long long)st->copies,
           (unsigned long long)st->copies_expected);
}

/* see sender_copies.h */
void stamp_copies_json(json_t *root, const struct stamp_stats *st)
{
    if (!st->copies_asked)
        return;
    json_object_set_new(root, "copies",
                        json_pack("{s:i, s:I, s:I}", "asked_per_request",
                                  (int)st->copies_asked, "expected",
                                  (json_int_t)st->copies_expected, "arrived",
                                  (json_int_t)st->copies));
}
