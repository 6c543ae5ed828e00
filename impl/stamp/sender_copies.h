/* The sender's asymmetrical-packets figures: when its Reflected Test
 * Packet Control TLV asked for more than one reply per request, how many
 * of the extra replies came (counted apart from duplicates). The rule for
 * every later client: replies it asked for are expected copies, never
 * duplicates, and the summary says how many arrived of how many. */
#ifndef IMPL_STAMP_SENDER_COPIES_H
#define IMPL_STAMP_SENDER_COPIES_H

#include <jansson.h>

#include "proto/stamp/stamp.h"

/* "copies: 3 replies asked per request, 6 of 6 extra arrived" when asked. */
void stamp_copies_print(const struct stamp_stats *st);

/* "copies": {"asked_per_request", "expected", "arrived", "refused"}
 * when asked; refused: requests answered once with C = 1. */
void stamp_copies_json(json_t *root, const struct stamp_stats *st);

#endif
