/* The progress line: "\r" and the text, padded over what was there. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* see progress.h */
void ippm_progress_start(struct ippm_progress *p, double expected_s,
                         bool disabled)
{
    memset(p, 0, sizeof *p);
    p->on = !disabled && expected_s > IPPM_PROGRESS_MIN_S &&
            isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
}

/* see progress.h */
bool ippm_progress_due(const struct ippm_progress *p)
{
    /* An eighth of slack: a poll timeout of one period may wake a hair
     * early, and missing it would halve the rate. */
    return p->on && (p->last_ns == 0 ||
                     mono_ns() - p->last_ns >=
                         IPPM_PROGRESS_PERIOD_NS - IPPM_PROGRESS_PERIOD_NS / 8);
}

/* see progress.h */
double ippm_progress_left_s(uint64_t to_send, uint64_t interval_ns,
                            uint64_t wait_ns, uint64_t last_send_ns,
                            uint64_t now_ns)
{
    if (to_send > 0)
        return ((double)to_send * (double)interval_ns + (double)wait_ns) / 1e9;
    uint64_t end = last_send_ns + wait_ns;
    return now_ns < end ? (double)(end - now_ns) / 1e9 : 0.0;
}

/* see progress.h */
void ippm_progress_update(struct ippm_progress *p, uint64_t sent,
                          uint64_t received, uint64_t lost, double seconds_left)
{
    if (!ippm_progress_due(p))
        return;
    p->last_ns = mono_ns();
    char line[160];
    int n = snprintf(line, sizeof line,
                     "sent %llu, received %llu, lost %llu (%.1f%%)",
                     (unsigned long long)sent, (unsigned long long)received,
                     (unsigned long long)lost,
                     sent ? 100.0 * (double)lost / (double)sent : 0.0);
    if (seconds_left >= 0 && n > 0 && (size_t)n < sizeof line) {
        unsigned s = (unsigned)(seconds_left + 0.5);
        if (s >= 3600)
            snprintf(line + n, sizeof line - (size_t)n, ", %u:%02u:%02u left",
                     s / 3600, s / 60 % 60, s % 60);
        else if (s >= 60)
            snprintf(line + n, sizeof line - (size_t)n, ", %u:%02u left",
                     s / 60, s % 60);
        else
            snprintf(line + n, sizeof line - (size_t)n, ", %u s left", s);
    }
    int w = (int)strlen(line);
    fprintf(stderr, "\r%s%*s", line, p->drawn > w ? p->drawn - w : 0, "");
    fflush(stderr);
    p->drawn = w;
}

/* see progress.h */
void ippm_progress_end(struct ippm_progress *p)
{
    if (p->on && p->drawn) {
        fprintf(stderr, "\r%*s\r", p->drawn, "");
        fflush(stderr);
    }
    p->drawn = 0;
    p->on = false;
}
