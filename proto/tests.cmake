# Unit tests of proto/ (cmocka), label "unit". OpenSSL is linked into the
# test executables that check HMACs (testsupport/fake_crypto.h), never into
# ippm_proto itself.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

foreach(t ippm_time_test ippm_stats_test ippm_interval_test ippm_cur_test
          ippm_err_test
          ippm_timerq_test ippm_stream_test ippm_table_test
          ippm_srcguard_test ippm_dirs_test ippm_admit_test)
  ippm_unit_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/common/${t}.c)
endforeach()
foreach(t stamp_wire_test stamp_session_test stamp_tlv_test
          stamp_reflector_source_test stamp_repeat_test stamp_twl_test)
  ippm_unit_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/stamp/${t}.c
                 LIBS ippm_proto OpenSSL::Crypto)
endforeach()
# Determinism, loss rates, Gilbert-Elliott bursts, lists, delay
# distributions, token bucket, heap order, pool exhaustion, mutations.
ippm_unit_test(netem_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/netem/netem_test.c)
# OWAMP/TWAMP control core: codecs, crypto, machines, against the
# perfSONAR captures (owtw_captures_test.h, pcaps/owtw/extract_control.py).
foreach(t owtw_wire_test)
  ippm_unit_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/owtw/${t}.c
                 LIBS ippm_proto OpenSSL::Crypto)
endforeach()
foreach(t owtw_crypt_test owtw_control_test owtw_replay_test)
  ippm_unit_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/owtw/${t}.c
                 LIBS ippm_impl ippm_proto)
endforeach()
# OWAMP/TWAMP test packets, schedule, fetch records and sessions, against
# the perfSONAR captures' values with OpenSSL (impl/core/crypto_openssl.c
# compiled in, so the tests wait on nothing else of impl/).
foreach(t owtw_test_wire_test owtw_schedule_test owtw_test_captures_test)
  ippm_unit_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/owtw/${t}.c
                 ${CMAKE_SOURCE_DIR}/impl/core/crypto_openssl.c
                 LIBS ippm_proto OpenSSL::Crypto)
endforeach()
ippm_unit_test(twamp_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/twamp/twamp_test.c
               ${CMAKE_SOURCE_DIR}/impl/core/crypto_openssl.c
               LIBS ippm_proto OpenSSL::Crypto)
# Authenticated and encrypted TWAMP Light on STAMP's machines.
ippm_unit_test(twamp_light_test
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/twamp/twamp_light_test.c
               ${CMAKE_SOURCE_DIR}/impl/core/crypto_openssl.c
               LIBS ippm_proto OpenSSL::Crypto)
ippm_unit_test(owamp_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/owamp/owamp_test.c
               ${CMAKE_SOURCE_DIR}/impl/core/crypto_openssl.c
               LIBS ippm_proto OpenSSL::Crypto)
# RMBT UDP ping: every vector of rmbt-udp-ping notes §7 and the §4 table
# with an injected clock, OpenSSL as the backend.
ippm_unit_test(rmbt_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/rmbt/rmbt_test.c
               ${CMAKE_SOURCE_DIR}/impl/core/crypto_openssl.c
               LIBS ippm_proto OpenSSL::Crypto)
# The RMBT pinger's bookkeeping: sequences, matching, waits, bounded
# window, statistics (no crypto).
ippm_unit_test(rmbt_ping_test
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/rmbt/rmbt_ping_test.c)
# The shared PRNG and Algorithm S (netem, owtw and udping draw from it).
ippm_unit_test(ippm_rand_test
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/common/ippm_rand_test.c)
# UDPing: the capture's first frame, every server check, the expected
# count, successor, flush, a full table, the 2017 format, the sender.
foreach(t udping_wire_test udping_session_test udping_client_test)
  ippm_unit_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/udping/${t}.c)
endforeach()
# ln, exp, sqrt without libm (moved from the relay); the sender's gaps
# against the exponential (Kolmogorov-Smirnov) and its port evenness
# (chi-square), each with a negative control.
ippm_unit_test(ippm_math_test
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/common/ippm_math_test.c)
ippm_unit_test(udping_stats_test
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/udping/udping_stats_test.c)
