/* `ippm stamp sender`'s output while it runs, for long and continuous
 * runs (--count 0) and for pipelines: an interim summary line per
 * --report-interval (proto/common/ippm_interval.h), and --jsonl, JSON
 * Lines flushed one by one: a "start" record, a "reply" per first reply,
 * an "interval" per report interval and a "summary" at the end
 * (conformance/schema/ippm-sender-jsonl.schema.json). sender.c calls
 * these few hooks; nothing here reads a STAMP field. Private to
 * impl/stamp; the convention (option names, records, the schema's
 * version) is the one later senders follow. */
#ifndef IPPM_STAMP_SENDER_LIVE_H
#define IPPM_STAMP_SENDER_LIVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/common/ippm_interval.h"

/* The "schema_version" of the sender's --json report and of its --jsonl
 * records (conformance/schema/ippm-sender*.schema.json). Raised when a
 * field changes meaning or goes away; a new optional field keeps it. */
#define IPPM_SENDER_SCHEMA_VERSION 1

/* --count 0: until interrupted, at most the Sequence Number space. */
#define SENDER_CONTINUOUS_COUNT UINT32_MAX

struct sender;
struct stamp_result;

struct sender_live {
    bool intervals; /* --report-interval given */
    struct ippm_ivals iv;
    FILE *jsonl;       /* --jsonl: the file, or for "-" the real
                        * stdout (text then goes to stderr) */
    bool jsonl_failed; /* a write failed: the run's exit says so */
};

/* Opens --jsonl and writes its "start" record. Returns -1 to run, else
 * the exit status. */
int sender_live_open(struct sender *x);

/* The first send is at t0_ns: intervals count from it. */
void sender_live_start(struct sender *x, uint64_t t0_ns);

/* A packet went at sent_ns. */
void sender_live_sent(struct sender *x, uint64_t sent_ns);

/* The first reply to seq; tlvs its TLVs as JSON, NULL none. */
void sender_live_reply(struct sender *x, uint32_t seq,
                       const struct stamp_result *r, const json_t *tlvs);

/* Writes the interval lines due at now_ns. Returns when the next one
 * falls due (UINT64_MAX: no intervals), for the loop to wake up. */
uint64_t sender_live_tick(struct sender *x, uint64_t now_ns);

/* The run is over (x->st summarised): the last intervals, the "summary"
 * record; closes --jsonl. Returns the exit status of the output. */
int sender_live_end(struct sender *x, uint64_t now_ns);

#endif
