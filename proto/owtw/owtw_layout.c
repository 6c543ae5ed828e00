/* The OWAMP/TWAMP control layout table, RFC 4656 §3.1-3.9, RFC 5357 §3,
 * RFC 5938 §3.2-3.5, RFC 6038 §4.2-4.3. Pure data: the one place a
 * control field offset is written for the checks, pcap and relay. */
#include "owtw.h"

#define F(o, l) {(o), (l)}

static const struct owtw_layout layouts[OWTW_MSG_COUNT_] = {
    [OWTW_MSG_GREETING] = {OWTW_MSG_GREETING, "Server-Greeting", 64, 6,
        {"unused", "modes", "challenge", "salt", "count", "mbz"},
        {F(0, 12), F(12, 4), F(16, 16), F(32, 16), F(48, 4), F(52, 12)}},
    [OWTW_MSG_SETUP] = {OWTW_MSG_SETUP, "Set-Up-Response", 164, 4,
        {"mode", "keyid", "token", "client-iv"},
        {F(0, 4), F(4, 80), F(84, 64), F(148, 16)}},
    [OWTW_MSG_SERVER_START] = {OWTW_MSG_SERVER_START, "Server-Start", 48, 5,
        {"mbz", "accept", "server-iv", "start-time", "mbz"},
        {F(0, 15), F(15, 1), F(16, 16), F(32, 8), F(40, 8)}},
    [OWTW_MSG_REQUEST] = {OWTW_MSG_REQUEST, "Request-Session", 112, 17,
        {"cmd", "ipvn", "conf-sender", "conf-receiver", "slots", "packets",
         "sender-port", "receiver-port", "sender-addr", "receiver-addr",
         "sid", "padding-len", "start-time", "timeout", "type-p", "mbz",
         "hmac"},
        {F(0, 1), F(1, 1), F(2, 1), F(3, 1), F(4, 4), F(8, 4), F(12, 2),
         F(14, 2), F(16, 16), F(32, 16), F(48, 16), F(64, 4), F(68, 8),
         F(76, 8), F(84, 4), F(88, 8), F(96, 16)}},
    [OWTW_MSG_REQUEST_TW] = {OWTW_MSG_REQUEST_TW, "Request-TW-Session", 112,
        19,
        {"cmd", "ipvn", "conf-sender", "conf-receiver", "slots", "packets",
         "sender-port", "receiver-port", "sender-addr", "receiver-addr",
         "sid", "padding-len", "start-time", "timeout", "type-p",
         "octets-to-reflect", "pad-to-reflect", "mbz", "hmac"},
        {F(0, 1), F(1, 1), F(2, 1), F(3, 1), F(4, 4), F(8, 4), F(12, 2),
         F(14, 2), F(16, 16), F(32, 16), F(48, 16), F(64, 4), F(68, 8),
         F(76, 8), F(84, 4), F(88, 2), F(90, 2), F(92, 4), F(96, 16)}},
    [OWTW_MSG_ACCEPT_SESSION] = {OWTW_MSG_ACCEPT_SESSION, "Accept-Session",
        48, 8,
        {"accept", "mbz", "port", "sid", "reflected-octets", "server-octets",
         "mbz", "hmac"},
        {F(0, 1), F(1, 1), F(2, 2), F(4, 16), F(20, 2), F(22, 2), F(24, 8),
         F(32, 16)}},
    [OWTW_MSG_START] = {OWTW_MSG_START, "Start-Sessions", 32, 3,
        {"cmd", "mbz", "hmac"}, {F(0, 1), F(1, 15), F(16, 16)}},
    [OWTW_MSG_START_ACK] = {OWTW_MSG_START_ACK, "Start-Ack", 32, 3,
        {"accept", "mbz", "hmac"}, {F(0, 1), F(1, 15), F(16, 16)}},
    [OWTW_MSG_STOP] = {OWTW_MSG_STOP, "Stop-Sessions", 16, 5,
        {"cmd", "accept", "mbz", "sessions", "mbz"},
        {F(0, 1), F(1, 1), F(2, 2), F(4, 4), F(8, 8)}},
    [OWTW_MSG_STOP_TW] = {OWTW_MSG_STOP_TW, "Stop-Sessions (TWAMP)", 32, 6,
        {"cmd", "accept", "mbz", "sessions", "mbz", "hmac"},
        {F(0, 1), F(1, 1), F(2, 2), F(4, 4), F(8, 8), F(16, 16)}},
    [OWTW_MSG_FETCH] = {OWTW_MSG_FETCH, "Fetch-Session", 48, 6,
        {"cmd", "mbz", "begin-seq", "end-seq", "sid", "hmac"},
        {F(0, 1), F(1, 7), F(8, 4), F(12, 4), F(16, 16), F(32, 16)}},
    [OWTW_MSG_FETCH_ACK] = {OWTW_MSG_FETCH_ACK, "Fetch-Ack", 32, 7,
        {"accept", "finished", "mbz", "next-seqno", "skips", "records",
         "hmac"},
        {F(0, 1), F(1, 1), F(2, 2), F(4, 4), F(8, 4), F(12, 4), F(16, 16)}},
    [OWTW_MSG_NSESSIONS] = {OWTW_MSG_NSESSIONS, "Start-N/Stop-N", 16, 4,
        {"cmd", "accept", "mbz", "sessions"},
        {F(0, 1), F(1, 1), F(2, 10), F(12, 4)}},
    [OWTW_MSG_SLOT] = {OWTW_MSG_SLOT, "Schedule Slot", 16, 3,
        {"type", "mbz", "param"}, {F(0, 1), F(1, 7), F(8, 8)}},
    [OWTW_MSG_STOP_RECORD] = {OWTW_MSG_STOP_RECORD,
        "Session Description Record", 24, 3,
        {"sid", "next-seqno", "skips"}, {F(0, 16), F(16, 4), F(20, 4)}},
    [OWTW_MSG_FETCH_SKIPS] = {OWTW_MSG_FETCH_SKIPS, "Fetch Skip Ranges", 0, 0,
        {NULL}, {F(0, 0)}},
    [OWTW_MSG_FETCH_RECORDS] = {OWTW_MSG_FETCH_RECORDS, "Fetch Records", 0,
        0, {NULL}, {F(0, 0)}},
};

/* see owtw.h */
const struct owtw_layout *owtw_layout_get(enum owtw_msg kind)
{
    if ((unsigned)kind >= OWTW_MSG_COUNT_)
        return NULL;
    return &layouts[kind];
}

/* s (n octets, not terminated) equals the literal. Octet by octet: a
 * length loop would become a call to strlen, which proto may not take. */
static bool name_is(const char *s, size_t n, const char *lit)
{
    for (size_t i = 0; i < n; i++)
        if (lit[i] != s[i] || lit[i] == '\0')
            return false;
    return lit[n] == '\0';
}

/* see owtw.h */
enum ippm_err owtw_layout_find(const struct owtw_layout *l, const char *name,
                               size_t n, struct owtw_span *out)
{
    for (size_t i = 0; i < l->n_fields; i++) {
        if (l->name[i] && name_is(name, n, l->name[i])) {
            *out = l->field[i];
            return IPPM_OK;
        }
    }
    return IPPM_ERR_BAD_ARG;
}
