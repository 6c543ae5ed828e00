# The shared driver layer: cli, config, keyfile, net, crypto_openssl,
# driver_common, atomic_file.
#   unit: one cmocka test per file; the command line's refusals
#   live: --config files read by the real subcommands
foreach(t cli_test keyfile_test crypto_openssl_test net_test config_test clock_test
          net_txts_test net_tcp_test
          driver_common_test atomic_file_test progress_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()

ippm_script_test(impl_cli_errors LABEL unit
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/cli_errors.sh $<TARGET_FILE:ippm>)
ippm_script_test(impl_config_live LABEL live
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/config.sh $<TARGET_FILE:ippm>)
ippm_script_test(impl_cli_addresses LABEL unit
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/cli_addresses.sh $<TARGET_FILE:ippm>)
ippm_script_test(impl_help_all LABEL unit
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/tests/help_all.py
          $<TARGET_FILE:ippm> ${PROJECT_SOURCE_DIR}/packaging/ippm.1)
ippm_script_test(impl_bind_errors LABEL unit
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/bind_errors.sh $<TARGET_FILE:ippm>)
ippm_script_test(impl_zones_netns LABEL live
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/tests/zones_netns.sh $<TARGET_FILE:ippm>)
