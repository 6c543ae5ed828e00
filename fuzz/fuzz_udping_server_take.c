/* Fuzzes the UDPing receiver in version 1 (proto/udping/udping_session.c):
 * a run of datagrams from a few peers with flushes; layout and
 * postconditions in fuzz_udping_server.h. */
#include "fuzz_udping_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    return fuzz_udping_run(data, len, false);
}
