# The relay's decision engine (proto/relay), part of ippm_proto.
# proto/CMakeLists.txt: include(relay/sources.cmake) after add_library.
# impl/tests_relay.cmake includes it too until then; the guard makes the
# second include a no-op.
get_property(_ippm_relay_added GLOBAL PROPERTY IPPM_RELAY_SOURCES_ADDED)
if(NOT _ippm_relay_added)
  set_property(GLOBAL PROPERTY IPPM_RELAY_SOURCES_ADDED TRUE)
  target_sources(ippm_proto PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/relay_impair.c
    ${CMAKE_CURRENT_LIST_DIR}/relay_sched.c)
endif()
