/* Internal to proto/owtw: what the server and client machines share
 * (owtw_conn.c). Not part of the public API (owtw.h). */
#ifndef OWTW_CONN_H
#define OWTW_CONN_H

#include "owtw.h"

/* Prepares c over bufs, open-mode channels, nothing received. */
void owtw_conn_init(struct owtw_conn *c, enum owtw_proto proto,
                    const struct ippm_crypto *crypto,
                    const struct owtw_bufs *bufs, uint64_t timeout_ns);

/* Releases both channels' key contexts. */
void owtw_conn_free(struct owtw_conn *c);

/* An action of nothing: NONE, no note, no session. */
void owtw_act_reset(struct owtw_action *act);

/* Closes for good with why: a CLOSE action; returns why. */
enum ippm_err owtw_conn_close(struct owtw_conn *c, int closed_state,
                              enum ippm_err why, struct owtw_action *act);

/* The common front of handle: a closed or closing machine answers CLOSE
 * (returns true); STOP and CLOSED close; BYTES are taken in (or close
 * with IPPM_ERR_TOO_LONG). Returns true when act is final. */
bool owtw_conn_front(struct owtw_conn *c, int closed_state,
                     const struct ippm_event *ev, struct owtw_action *act,
                     enum ippm_err *ret);

/* Octets a BYTES event may carry now. */
size_t owtw_conn_room(const struct owtw_conn *c);

/* Seals tx[off..off+len) as one message of kind (its MACs per
 * owtw_msg_macs) with the send channel. */
enum ippm_err owtw_conn_seal(struct owtw_conn *c, size_t off, size_t len,
                             enum owtw_msg kind);

/* act becomes SEND of len octets of tx. */
void owtw_act_send(struct owtw_action *act, size_t len);

/* Receives the next message: a command of c->proto (kind
 * OWTW_MSG_COUNT_) or of kind (total 0: learned). IPPM_OK when whole in
 * c->msg, IPPM_ERR_AGAIN, or a fatal reason. Begins a new message only
 * when the previous one was taken (owtw_conn_next). */
enum ippm_err owtw_conn_recv(struct owtw_conn *c, enum owtw_msg kind,
                             size_t total);

/* The message in c->msg is handled: the next recv starts a new one, and
 * more is set when octets wait in the stream. */
void owtw_conn_next(struct owtw_conn *c);

/* A session slot to use: FREE or STOPPED; -1 when all are busy. */
int owtw_conn_free_session(const struct owtw_conn *c);

/* The session with this SID, -1 when none. */
int owtw_conn_find_session(const struct owtw_conn *c, const uint8_t *sid);

/* True when any session is STARTED. */
bool owtw_conn_any_started(const struct owtw_conn *c);

/* Every ACCEPTED/STARTED session becomes to. */
void owtw_conn_sessions_set(struct owtw_conn *c, enum owtw_sess_state from1,
                            enum owtw_sess_state from2,
                            enum owtw_sess_state to);

/* RFC 5938: sessions named by the n SIDs at sids go from to to. */
void owtw_conn_sids_set(struct owtw_conn *c, const uint8_t *sids, uint32_t n,
                        enum owtw_sess_state to);

/* The key whose KeyID is keyid (80 octets, zero padded); with ikev2
 * only the first 16 octets, SPIi and SPIr, name it (RFC 7717 §5.3).
 * NULL when none. */
const struct owtw_key *owtw_key_find(const struct owtw_key *keys, size_t n,
                                     const uint8_t keyid[OWTW_KEYID_LEN],
                                     bool ikev2);

/* The session keys of a Token made with k's secret under this Salt,
 * Count and Challenge (RFC 4656 §3.1): as owtw_token_open, after
 * owtw_derive_key's errors. */
enum ippm_err owtw_key_open_token(const struct ippm_crypto *crypto,
                                  const struct owtw_key *k,
                                  const uint8_t salt[OWTW_SALT_LEN],
                                  uint32_t count,
                                  const uint8_t challenge[OWTW_CHALLENGE_LEN],
                                  const uint8_t token[OWTW_TOKEN_LEN],
                                  struct owtw_session_keys *sk);

#endif
