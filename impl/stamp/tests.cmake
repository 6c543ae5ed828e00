# `ippm stamp reflector|sender`.
#   unit: the TLV options' refusals; the TLV JSON of pcap dump
#   live: loopback reflector + sender round trips, with and without TLVs;
#         TWAMP-Light peers (tests/twamp_light_peer.py);
#         a stateful reflector under a flood of new source ports; accuracy
#         against the relay's ground truth (impl/stamp/tests/accuracy_stamp.py)
ippm_script_test(stamp_tlv_cli_errors LABEL unit
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/stamp_tlv_cli.sh $<TARGET_FILE:ippm>)
# What `ippm pcap dump` prints of a TLV block (stamp_tlv_opts_json_full).
ippm_unit_test(impl_tlv_opts_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/tlv_opts_test.c LIBS ippm_impl)
# The sender's --metrics series (short replies of TWAMP-Light peers).
ippm_unit_test(impl_stamp_metrics_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/metrics_test.c LIBS ippm_impl)

foreach(mode v4 v6 auth badkey ptp dual lossy dupreorder)
  ippm_script_test(stamp_e2e_${mode} LABEL live
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/e2e_stamp.sh $<TARGET_FILE:ippm> ${mode})
endforeach()

foreach(mode tlvs refl notlv dmloss v6 config)
  ippm_script_test(stamp_tlv_e2e_${mode} LABEL live
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/e2e_stamp_tlv.sh
            $<TARGET_FILE:ippm> ${mode})
endforeach()

# Fixed memory, SESSION_FULL drops past the per-source limit, established
# sessions unharmed.
ippm_script_test(stamp_session_flood LABEL live TIMEOUT 120
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/session_flood.py
          $<TARGET_FILE:ippm>)

# Issue 10 item 3: 4,096 SSIDs from one socket, repeated, and another
# address still gets stateful replies numbered from 0.
ippm_script_test(stamp_session_lock LABEL live TIMEOUT 120
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/session_lock.py
          $<TARGET_FILE:ippm>)

# Issue 11, STAMP loose ends: type-246 TLVs answered with the IPv6
# extension headers received (sticky IPV6_HOPOPTS / IPV6_DSTOPTS on ::1;
# skipped without CAP_NET_RAW).
ippm_script_test(stamp_ext_hdr_live LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/ext_hdr_live.py
          $<TARGET_FILE:ippm>)

# One test per scenario of accuracy_stamp.py (--list); the dirs-* ones run
# every impairment forward, backward and both ways against every reflector
# mode (stateless, stateful, stateless + Direct Measurement). About 35 s
# in all: keep it under a minute (small counts, no sleeps).
ippm_accuracy_tests(accuracy_stamp
  SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/accuracy_stamp.py)

# Issue 11, output: --count 0 until SIGINT with --report-interval lines,
# --jsonl records flushed per line (FILE and -), the --json report and
# every record against conformance/schema/ippm-sender.schema.json.
ippm_script_test(stamp_sender_live_output LABEL live
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/sender_live.py
          $<TARGET_FILE:ippm> ${CMAKE_SOURCE_DIR})

# The sender's peak RSS must not grow with --count (ring + streaming
# statistics): RSS(10 x 100000 packets) < 1.2 x RSS(100000), ci/bench-memory.sh.
ippm_script_test(stamp_bench_memory LABEL live SERIAL TIMEOUT 180
  COMMAND bash ${PROJECT_SOURCE_DIR}/ci/bench-memory.sh --check
          $<TARGET_FILE:ippm> 100000)
# A continuous run (--count 0 --interval 0, intervals and --jsonl) keeps
# its RSS flat: RSS after 20 s < 1.2 x RSS after 3 s; SIGINT exits 0.
ippm_script_test(stamp_bench_memory_continuous LABEL live SERIAL TIMEOUT 120
  COMMAND bash ${PROJECT_SOURCE_DIR}/ci/bench-memory.sh --check --continuous
          $<TARGET_FILE:ippm> 20)

# TWAMP-Light peers (RFC 5357 §4.2.1), a responder in the script: the
# sender measures 41-octet and truncated replies and says once why the
# peer is not STAMP; the reflector reports the first short request at once.
ippm_scenario_tests(stamp_twamp_light
  SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/twamp_light_peer.py
  SCENARIOS reply41 reply30 reply20 refl_log badts onereply)

# SIGTERM under a flood that keeps the socket full: the reflector stops,
# with its summary (issue 10 item 2). SERIAL: two senders load both cores.
ippm_script_test(stamp_reflector_signal_flood LABEL live SERIAL TIMEOUT 90
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/signal_flood.py
          $<TARGET_FILE:ippm>)

# One spoofed request from the reflector itself, or bounced between two
# reflectors on the same port: at most one datagram out (issue 10 item 1).
ippm_scenario_tests(stamp_reflection_loop
  SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/reflection_loop.py
  SCENARIOS self wildcard wildcard2 self6 auth bounce)

# Honest clocks (issue 11): the one-way delay verdict from both ends' Error
# Estimates, --histogram, the HTML report's start time, kernel transmit
# timestamps (Follow-Up TLV, --tx-timestamps).
ippm_scenario_tests(stamp_clocks SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/clocks_live.py
  SCENARIOS synced histogram html followup txts)

# RFC 8762 §6 (issue 11): one source flooding above --rate-limit is held
# to its bucket, another is served in full, a --deny-from address never;
# the summary and Prometheus count each refusal exactly.
ippm_script_test(stamp_reflector_rate_limit LABEL live TIMEOUT 120
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/rate_limit.py
          $<TARGET_FILE:ippm>)

# --threads 2 (issue 11): sessions from 32 source ports keep their
# stateful numbering whichever worker the kernel hands them to, both
# workers answer, and SIGTERM gives one summary that adds up.
ippm_script_test(stamp_reflector_threads LABEL live TIMEOUT 120
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/threads.py
          $<TARGET_FILE:ippm>)

# Asymmetrical packets (issue 11): the copies a Reflected Test Packet
# Control TLV asks for, within --max-reflected-count; the sender counts
# them as copies; open mode needs --reflected-open.
ippm_script_test(stamp_asym_live LABEL live TIMEOUT 120
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/asym_live.py
          $<TARGET_FILE:ippm>)
