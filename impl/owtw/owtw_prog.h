/* What a TWAMP or OWAMP program sets up before its first message and
 * tears down after its last, whatever the protocol: the keys file, the
 * crypto, the clock, the server's listener or the client's control
 * connection. Private to impl/owtw, impl/twamp and impl/owamp. */
#ifndef IPPM_OWTW_PROG_H
#define IPPM_OWTW_PROG_H

#include <stdbool.h>

#include "impl/core/clock.h"
#include "impl/core/keyfile.h"
#include "impl/core/net.h"
#include "impl/owtw/owtw_cli.h"
#include "impl/owtw/owtw_metrics.h"
#include "impl/owtw/owtw_server.h"
#include "impl/report/export.h"
#include "proto/common/ippm_crypto.h"

struct owtw_server_base {
    struct owtw_server_opts o;
    struct ippm_keys keys;       /* --keys; n 0 without */
    struct ippm_crypto crypto;   /* OpenSSL: PBKDF2, AES, HMAC */
    bool have_crypto;
    struct ippm_clock clk;
    struct ippm_sock listener;   /* fd -1 until open */
    /* When the server started, NTP 32.32: every Server-Start's Start-Time
     * (RFC 4656 §3.1: the time the server started operating). */
    uint64_t start_ntp;
    /* What owtw_server_serve sets up for either server. */
    struct owtw_key *key_views;  /* keys as the machines take them */
    struct owtw_link *links;     /* --max-conns of them */
    struct ippm_rx_batch rx;
    struct ippm_tx_batch tx;
    struct owtw_server_counters cnt;
    struct owtw_server_sample sample;
    struct owtw_server_metrics met;
    struct ippm_export exp;      /* --metrics */
    bool served;                 /* it got as far as serving */
};

struct owtw_client_base {
    struct owtw_client_opts o;
    struct ippm_addr server;     /* resolved, with the control port */
    struct ippm_keys keys;
    const struct ippm_keys_entry *key; /* --key-id's, NULL in open mode */
    struct ippm_crypto crypto;
    bool have_crypto;
    struct ippm_clock clk;
    struct ippm_sock ctl;        /* the control connection, fd -1 until */
};

/* After the command line: the keys file (IPPM_EXIT_USAGE when it is
 * refused), the crypto, the listener on --listen/--port
 * (IPPM_EXIT_RUNTIME when it cannot bind, with what to do), the stop
 * signals. Returns -1 to go on, else the exit status after one line.
 * Free b with owtw_server_base_free either way. */
int owtw_server_setup(struct owtw_server_base *b, const struct owtw_prog *p);
void owtw_server_base_free(struct owtw_server_base *b);

/* The rest of a server's life after owtw_server_setup: the keys as the
 * machines take them, the datagram batches, the links, the metrics
 * (p->twamp: the reflector's series) and their exporter, the startup line,
 * then the connections until a stop signal (owtw_server_run_limited
 * with hooks and user). Returns the exit status; b->served says whether
 * it got as far as serving (then the caller prints its summary). */
int owtw_server_serve(struct owtw_server_base *b, const struct owtw_prog *p,
                      const struct owtw_server_hooks *hooks, void *user);

/* Publishes the counters to the metrics, once per wakeup; nothing when
 * --metrics is off. */
void owtw_server_publish(struct owtw_server_base *b);

/* The startup line on stdout unless --quiet, as the STAMP reflector's:
 *   ippm owamp server listening on [::]:861 (TCP), modes open,auth, ... */
void owtw_server_banner(const struct owtw_server_base *b,
                        const struct owtw_prog *p);

/* After the command line: the keys file and --key-id's entry
 * (IPPM_EXIT_USAGE), the crypto, the server's address (HOST[:PORT] and
 * --port; IPPM_EXIT_RUNTIME when it does not resolve), the stop signals,
 * then the control connection within --connect-timeout
 * (IPPM_EXIT_RUNTIME). Returns -1 to go on, else the exit status after
 * one line. Free b with owtw_client_base_free either way. */
int owtw_client_setup(struct owtw_client_base *b, const struct owtw_prog *p);
void owtw_client_base_free(struct owtw_client_base *b);

#endif
