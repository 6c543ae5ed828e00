#include "owtw_client.h"

#include <errno.h>
#include <string.h>

#include "impl/commands.h"
#include "impl/core/cli.h"

static enum ippm_err m_handle(void *mv, const struct ippm_event *ev,
                              struct ippm_action *act)
{
    struct owtw_cl *cl = mv;
    enum ippm_err e = owtw_client_handle(&cl->m, ev, &cl->act);
    *act = cl->act.io;
    return e;
}

static uint64_t m_deadline(const void *mv)
{
    return owtw_client_deadline(&((const struct owtw_cl *)mv)->m);
}

static const uint8_t *m_tx(const void *mv)
{
    return ((const struct owtw_cl *)mv)->bufs.tx;
}

static size_t m_room(const void *mv)
{
    return owtw_client_room(&((const struct owtw_cl *)mv)->m);
}

static void m_on_action(void *user, const struct ippm_action *act)
{
    (void)act;
    struct owtw_cl *cl = user;
    enum owtw_note note = cl->act.note;
    cl->act.note = OWTW_NOTE_NONE; /* each note once */
    if (note == OWTW_NOTE_NONE)
        return;
    if (note == OWTW_NOTE_READY)
        cl->mode = cl->act.mode;
    if (cl->on_note)
        cl->on_note(cl, note, ippm_clock_now(&cl->b.clk));
}

static const struct owtw_link_ops ops = {m_handle, m_deadline, m_tx, m_room,
                                         m_on_action};

/* see owtw_client.h */
int owtw_cl_start(struct owtw_cl *cl, enum owtw_proto proto)
{
    struct owtw_client_random rnd;
    if (ippm_random(&cl->b.crypto, (uint8_t *)&rnd, sizeof(rnd)) != IPPM_OK) {
        ippm_cli_error("%s: no random octets", cl->prog);
        return IPPM_EXIT_RUNTIME;
    }
    const struct ippm_keys_entry *k = cl->b.key;
    struct owtw_client_cfg cfg = {
        .proto = proto, .modes = cl->b.o.modes,
        .keyid = k ? (const uint8_t *)k->id : NULL,
        .keyid_len = k ? k->id_len : 0, .secret = k ? k->secret : NULL,
        .secret_len = k ? k->len : 0, .crypto = &cl->b.crypto};
    struct owtw_bufs bufs = owtw_ctl_bufs(&cl->bufs);
    owtw_client_init(&cl->m, &cfg, &bufs, &rnd);
    explicit_bzero(&rnd, sizeof(rnd));
    cl->m_init = true;
    uint64_t now = ippm_clock_now(&cl->b.clk);
    /* The greeting within --connect-timeout, then the machine's timer. */
    owtw_link_init(&cl->link, &cl->b.ctl, &cl->b.server, cl, &ops, cl,
                   cl->b.o.connect_timeout_ns, now);
    cl->link.first_bytes_pending = true;
    cl->b.ctl.fd = -1; /* the link owns it now */
    return -1;
}

/* see owtw_client.h */
int owtw_cl_step(struct owtw_cl *cl, int test_fd, uint64_t test_deadline,
                 uint64_t max_wait_ns, bool *test_ready)
{
    *test_ready = false;
    uint64_t now = ippm_clock_now(&cl->b.clk);
    uint64_t d = owtw_link_deadline(&cl->link);
    if (test_deadline < d)
        d = test_deadline;
    uint64_t wait = d <= now ? 0 : d - now;
    if (wait > max_wait_ns)
        wait = max_wait_ns;
    struct pollfd p[2] = {{.fd = cl->link.sock.fd, .events = POLLIN},
                          {.fd = test_fd, .events = POLLIN}};
    if (ippm_net_poll(p, test_fd >= 0 ? 2 : 1, wait) < 0)
        return -1;
    now = ippm_clock_now(&cl->b.clk);
    *test_ready = test_fd >= 0 && (p[1].revents & POLLIN);
    if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
        owtw_link_readable(&cl->link, now) != 0)
        return -1;
    return owtw_link_due(&cl->link, now);
}

/* see owtw_client.h */
int owtw_cl_send(struct owtw_cl *cl, enum ippm_err e,
                 const struct owtw_action *a, uint64_t now, const char *what)
{
    if (e != IPPM_OK) {
        ippm_cli_error("%s: %s: %s", cl->prog, what, owtw_err_str(e));
        cl->failed = true;
        return -1;
    }
    return owtw_link_perform(&cl->link, &a->io, now);
}

/* see owtw_client.h */
const char *owtw_cl_why(const struct owtw_cl *cl)
{
    if (cl->link.io_errno && cl->link.why != IPPM_ERR_PEER_CLOSED)
        return strerror(cl->link.io_errno);
    if (cl->link.why == IPPM_ERR_PEER_CLOSED)
        return "the server closed the connection";
    return owtw_err_str(cl->link.why);
}

/* see owtw_client.h */
void owtw_cl_free(struct owtw_cl *cl)
{
    owtw_link_close(&cl->link);
    if (cl->m_init)
        owtw_client_free(&cl->m);
    cl->m_init = false;
    owtw_client_base_free(&cl->b);
}
