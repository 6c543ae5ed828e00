# What the TWAMP and OWAMP programs share: options, one direction's
# statistics and report, the control connection's driver loop.
#   unit: owtw_way (owping's counts), --modes; owtw_link with a toy machine;
#         the servers' Prometheus series
foreach(t owtw_way_test owtw_link_test owtw_metrics_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()
