/* Fuzzes the UDPing receiver in the 2017 format with control packets
 * (notes §8): the same runs as fuzz_udping_server_take, each datagram
 * read as a 64-octet legacy header; layout and postconditions in
 * fuzz_udping_server.h. */
#include "fuzz_udping_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    return fuzz_udping_run(data, len, true);
}
