/* A TWAMP or OWAMP client's control connection: proto/owtw's client
 * machine on the connection owtw_client_setup opened, driven by
 * owtw_link, with the machine's notes handed to the program, and one
 * poll step that also waits on the program's test socket. The program
 * sends its commands (request, start, stop, fetch) from its note hook
 * and its own loop. Private to impl/twamp and impl/owamp. */
#ifndef IPPM_OWTW_CLIENT_H
#define IPPM_OWTW_CLIENT_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "impl/owtw/owtw_ctl.h"
#include "impl/owtw/owtw_link.h"
#include "impl/owtw/owtw_prog.h"

struct owtw_cl {
    struct owtw_client_base b;
    struct owtw_client m;
    bool m_init;
    struct owtw_action act;       /* the machine's last answer */
    struct owtw_ctl_bufs bufs;
    struct owtw_link link;
    const char *prog;
    /* The program's hook for each note (act holds the details). */
    void (*on_note)(struct owtw_cl *cl, enum owtw_note note, uint64_t now);
    void *user;
    uint32_t mode;                /* READY: the Mode chosen */
    bool failed;                  /* a command could not be made */
};

/* Starts the machine on b's control connection (b set up with
 * owtw_client_setup) for proto. Returns -1 to go on, else the exit
 * status after one line. */
int owtw_cl_start(struct owtw_cl *cl, enum owtw_proto proto);

/* One wait of at most max_wait_ns (earlier when the machine's deadline
 * or test_deadline comes): the control connection, and test_fd when >= 0
 * (*test_ready set when it is readable). Returns 0, or -1 once the
 * control connection is closed (cl->link.why says why). */
int owtw_cl_step(struct owtw_cl *cl, int test_fd, uint64_t test_deadline,
                 uint64_t max_wait_ns, bool *test_ready);

/* Performs a command's action (owtw_client_request ...) made at now:
 * e is what the call returned. Returns 0, or -1 (cl->failed set) after
 * one line naming what. */
int owtw_cl_send(struct owtw_cl *cl, enum ippm_err e,
                 const struct owtw_action *a, uint64_t now, const char *what);

/* Why the connection ended, as a line's tail: "the server closed the
 * connection", "HMAC does not match", ... */
const char *owtw_cl_why(const struct owtw_cl *cl);

void owtw_cl_free(struct owtw_cl *cl);

#endif
