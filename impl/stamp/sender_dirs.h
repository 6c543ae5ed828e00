/* The sender's directional figures: the options that steer them
 * (--reflector, --grace) and how the summary and --json say them, with
 * the source of every split. The rule for every later client (TWAMP,
 * OWAMP, UDPST, UDPing): a split names where it came from, or why there
 * is none. */
#ifndef IMPL_STAMP_SENDER_DIRS_H
#define IMPL_STAMP_SENDER_DIRS_H

#include <getopt.h>
#include <jansson.h>
#include <stdint.h>

#include "proto/stamp/stamp.h"

/* clang-format off */
#define STAMP_DIR_OPTIONS(X)                                                   \
    X("reflector", required_argument, DO_REFLECTOR)                            \
    X("grace", required_argument, DO_GRACE)

/* Option values: above the TLV options (tlv_opts.h). */
enum stamp_dir_opt_id {
    DO_BASE_ = 1100,
#define DO_ENUM_(name, arg, id) id,
    STAMP_DIR_OPTIONS(DO_ENUM_)
#undef DO_ENUM_
    DO_END_
};
/* clang-format on */

#define STAMP_DIR_USAGE                                                        \
    "  --reflector auto|stateful|stateless   the reflector's mode, for the\n"  \
    "                         loss split when its numbers cannot tell\n"      \
    "                         (default auto: stateful when they differ\n"     \
    "                         from ours)\n"                                   \
    "  --grace SECONDS        once every packet has a reply, wait this long\n" \
    "                         after the last send for late copies (default\n" \
    "                         3 x the largest RTT, at least 0.2 s, at most\n" \
    "                         --wait)\n"

struct stamp_dir_opts {
    enum stamp_reflector_kind reflector;
    uint64_t grace_ns; /* 0: from the RTT */
};

/* One option (id from STAMP_DIR_OPTIONS). Returns 0, or -1 after one
 * line on stderr. */
int stamp_dir_opts_parse(struct stamp_dir_opts *o, int id, const char *arg);

/* Into the state machine's configuration. */
void stamp_dir_opts_apply(const struct stamp_dir_opts *o,
                          struct stamp_sender_config *cfg);

/* The summary's directional lines: loss split and its source (or why
 * there is none), duplicates by direction. */
void stamp_dir_print(const struct stamp_stats *st,
                     enum stamp_reflector_kind stated);

/* --json: directional_loss {forward, backward, unknown} or null,
 * directional_loss_source, duplicated_by_direction, into root. */
void stamp_dir_json(json_t *root, const struct stamp_stats *st);

#endif
