/* A one-line progress display on the terminal for runs that last: packets
 * sent, received, lost so far and the time left, redrawn in place on
 * stderr at most four times a second and erased at the end. It is drawn
 * only when both stdout and stderr are terminals (a pipe or a file gets
 * the same output as before) and the run is expected to last more than
 * IPPM_PROGRESS_MIN_S. Nothing here knows a protocol. */
#ifndef IPPM_PROGRESS_H
#define IPPM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#define IPPM_PROGRESS_MIN_S     3.0          /* shorter runs get no line */
#define IPPM_PROGRESS_PERIOD_NS 250000000ull /* redraw at most at 4 Hz */

struct ippm_progress {
    bool on;
    uint64_t last_ns; /* CLOCK_MONOTONIC of the last redraw, 0: none yet */
    int drawn;        /* width of the line on screen, to overwrite it */
};

/* Decides whether to draw: not when disabled (--no-progress), when the
 * run is expected to take IPPM_PROGRESS_MIN_S or less, or when stdout or
 * stderr is not a terminal. */
void ippm_progress_start(struct ippm_progress *p, double expected_s,
                         bool disabled);

/* True when a redraw is due (on, and the last one is a period old), so a
 * caller can skip counting when nothing will be drawn. */
bool ippm_progress_due(const struct ippm_progress *p);

/* The time left in a run that still has to_send packets to send, one
 * every interval_ns, then waits wait_ns for replies; with none left to
 * send, until last_send_ns + wait_ns. Never below 0: once that end has
 * passed (a run with loss waits it out to the last nanosecond) it is 0,
 * not the unsigned difference wrapped round to 351909 hours. */
double ippm_progress_left_s(uint64_t to_send, uint64_t interval_ns,
                            uint64_t wait_ns, uint64_t last_send_ns,
                            uint64_t now_ns);

/* Redraws the line if due; seconds_left < 0 leaves the time out. */
void ippm_progress_update(struct ippm_progress *p, uint64_t sent,
                          uint64_t received, uint64_t lost,
                          double seconds_left);

/* Erases the line, so the summary starts on a clean one. */
void ippm_progress_end(struct ippm_progress *p);

#endif
