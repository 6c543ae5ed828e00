# `ippm relay` (relay.c, cmd_relay.c); its pure model is tested in proto/.
#   unit: the CLI's refusals
#   live: STAMP sender -> relay -> stateful reflector, counts checked
#         against the truth file; DSCP carried (the CoS cases pass
#         through the relay) or remarked (they fail); delay accuracy at 10,000 pps (reported,
#         not asserted); a garbage flood with an RSS bound.
ippm_script_test(relay_cli_errors LABEL unit
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/relay_cli.sh $<TARGET_FILE:ippm>)
foreach(mode counts mutate dscp pairing)
  ippm_script_test(relay_live_${mode} LABEL live TIMEOUT 120
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/relay_live.sh
            $<TARGET_FILE:ippm> ${mode})
endforeach()
# Alone: one times the relay's delay, the other floods both cores.
foreach(mode accuracy flood)
  ippm_script_test(relay_live_${mode} LABEL live TIMEOUT 120 SERIAL
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/relay_live.sh
            $<TARGET_FILE:ippm> ${mode})
endforeach()
# The truth file at the relay's edges (issue 10 item 11): a too-big
# datagram's true length, no upstream socket apart from a full table, and
# copies discarded at the stop.
ippm_scenario_tests(relay_edges SCRIPT ${CMAKE_CURRENT_LIST_DIR}/tests/relay_edges.py
  SCENARIOS toobig nosocket stop)
