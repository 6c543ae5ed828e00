/* Errors shared by every protocol module.
 *
 * One X-macro gives the enum, its strings and its fatality, so the three
 * can never drift apart (s2n s2n_errno.c). Proto code returns these and
 * never touches errno.
 *
 * The values are an interface: reports, metrics labels and SNMP table
 * indexes count drops by them, so a value is never renumbered. Codes
 * IPPM_ERR_PROTO_FIRST..IPPM_ERR_PROTO_LAST belong to the protocol module
 * that returns them (STAMP's are STAMP_ERR_* in proto/stamp/stamp.h); the
 * protocol names them, and here they read as "protocol-specific". */
#ifndef IPPM_ERR_H
#define IPPM_ERR_H

#include <stdbool.h>

/* X(name, fatal, text). Fatal errors close a control session for good. */
#define IPPM_ERRORS(X)                                                        \
    X(IPPM_OK, false, "ok")                                                   \
    X(IPPM_ERR_SHORT, false, "packet shorter than its format")                \
    X(IPPM_ERR_TOO_LONG, false, "packet longer than the buffer allows")       \
    X(IPPM_ERR_NOSPACE, false, "output buffer too small")                     \
    X(IPPM_ERR_HMAC, false, "HMAC does not match")                            \
    X(IPPM_ERR_NO_KEY, false, "authenticated mode needs a key")               \
    X(IPPM_ERR_CRYPTO, true, "crypto backend failed")                         \
    X(IPPM_ERR_BAD_VALUE, false, "field holds a value the format forbids")    \
    X(IPPM_ERR_BAD_ARG, false, "invalid argument")                            \
    X(IPPM_ERR_UNKNOWN_SESSION, false, "packet matches no provisioned session")\
    X(IPPM_ERR_SESSION_FULL, false, "no room for another session")            \
    X(IPPM_ERR_STATE, true, "event not valid in this state")                  \
    X(IPPM_ERR_DUPLICATE, false, "duplicate packet")                          \
    X(IPPM_ERR_UNEXPECTED, false, "packet does not belong to this session")   \
    X(IPPM_ERR_DONE, false, "session finished")

/* Codes after the protocol range: what byte streams (control
 * connections) need, and every common code added from now on, appended
 * here so no value above moves. IPPM_ERR_AGAIN is not an error of the
 * input: a message is incomplete and more bytes will tell (BearSSL
 * recvrec, nghttp2 mem_recv). */
#define IPPM_ERRORS_TAIL(X)                                                 \
    X(IPPM_ERR_AGAIN, false, "need more bytes")                               \
    X(IPPM_ERR_PEER_CLOSED, true, "peer closed the connection")               \
    X(IPPM_ERR_REFUSED, true, "peer refused the request")                     \
    X(IPPM_ERR_TIMEOUT, true, "timed out")

#define IPPM_ERR_ENUM_(name, fatal, text) name,
enum ippm_err {
    IPPM_ERRORS(IPPM_ERR_ENUM_)
    IPPM_ERR_PROTO_FIRST, /* a protocol module's own reasons, 16 of them */
    IPPM_ERR_PROTO_LAST = IPPM_ERR_PROTO_FIRST + 15,
    IPPM_ERRORS_TAIL(IPPM_ERR_ENUM_)
    IPPM_ERR_COUNT_
};
#undef IPPM_ERR_ENUM_

/* Human-readable text of an error; never NULL. */
const char *ippm_err_str(enum ippm_err e);

/* Name of the enumerator ("IPPM_ERR_SHORT"), for reports and metrics;
 * "IPPM_ERR_PROTO" for a protocol's own code. */
const char *ippm_err_name(enum ippm_err e);

/* True when the error ends a stateful (control) session. */
bool ippm_err_is_fatal(enum ippm_err e);

/* True for a code in the protocol range (named by the protocol). */
bool ippm_err_is_proto(enum ippm_err e);

#endif
