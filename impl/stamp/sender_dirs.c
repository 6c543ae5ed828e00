/* The sender's directional figures: options and output (sender_dirs.h). */
#include <stdio.h>
#include <string.h>

#include "impl/core/cli.h"
#include "impl/stamp/sender_dirs.h"

/* see sender_dirs.h */
int stamp_dir_opts_parse(struct stamp_dir_opts *o, int id, const char *arg)
{
    switch (id) {
    case DO_REFLECTOR:
        if (strcmp(arg, "auto") == 0)
            o->reflector = STAMP_REFLECTOR_AUTO;
        else if (strcmp(arg, "stateful") == 0)
            o->reflector = STAMP_REFLECTOR_STATEFUL;
        else if (strcmp(arg, "stateless") == 0)
            o->reflector = STAMP_REFLECTOR_STATELESS;
        else {
            ippm_cli_error("--reflector: '%s' is not auto, stateful or "
                           "stateless", arg);
            return -1;
        }
        return 0;
    case DO_GRACE:
        return ippm_cli_seconds("--grace", arg, 0.001, 3600, &o->grace_ns);
    default:
        return -1;
    }
}

/* see sender_dirs.h */
void stamp_dir_opts_apply(const struct stamp_dir_opts *o,
                          struct stamp_sender_config *cfg)
{
    cfg->reflector = o->reflector;
    cfg->grace_ns = o->grace_ns;
}

static const char *source_text(uint8_t by)
{
    switch (by) {
    case STAMP_DIR_DM:
        return "Direct Measurement counters, RFC 8972 §4.5";
    case STAMP_DIR_STATED:
        return "stateful reflector's numbers, as --reflector states";
    default:
        return "stateful reflector's numbers, RFC 8762 §4.3.1";
    }
}

/* see sender_dirs.h */
void stamp_dir_print(const struct stamp_stats *st,
                     enum stamp_reflector_kind stated)
{
    if (st->directional) {
        printf("directional loss: forward %llu, backward %llu",
               (unsigned long long)st->lost_forward,
               (unsigned long long)st->lost_backward);
        if (st->lost_unknown)
            printf(", unknown %llu (no reply after them to tell)",
                   (unsigned long long)st->lost_unknown);
        printf(" (%s)\n", source_text(st->directional_by));
    } else if (st->lost && stated == STAMP_REFLECTOR_STATELESS) {
        printf("directional loss: not known (a stateless reflector copies "
               "our numbers; --direct-measurement splits it)\n");
    } else if (st->lost) {
        printf("directional loss: not known (the reflector's numbers equal "
               "ours: stateless, or stateful with nothing lost on the way "
               "there; say which with --reflector, or use "
               "--direct-measurement)\n");
    }
    if (st->dup_forward || st->dup_backward)
        printf("duplicated: forward %llu, backward %llu\n",
               (unsigned long long)st->dup_forward,
               (unsigned long long)st->dup_backward);
}

static json_t *source_json(uint8_t by)
{
    switch (by) {
    case STAMP_DIR_DM:
        return json_string("direct-measurement");
    case STAMP_DIR_STATED:
        return json_string("stateful-reflector-stated");
    default:
        return json_string("stateful-reflector");
    }
}

/* see sender_dirs.h */
void stamp_dir_json(json_t *root, const struct stamp_stats *st)
{
    json_object_set_new(
        root, "directional_loss",
        st->directional
            ? json_pack("{s:I, s:I, s:I}", "forward",
                        (json_int_t)st->lost_forward, "backward",
                        (json_int_t)st->lost_backward, "unknown",
                        (json_int_t)st->lost_unknown)
            : json_null());
    json_object_set_new(root, "directional_loss_source",
                        st->directional ? source_json(st->directional_by)
                                        : json_null());
    json_object_set_new(root, "duplicated_by_direction",
                        json_pack("{s:I, s:I}", "forward",
                                  (json_int_t)st->dup_forward, "backward",
                                  (json_int_t)st->dup_backward));
}
