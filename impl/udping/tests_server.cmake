# ippm udping server (U3's part of impl/udping; the client's tests are in
# tests.cmake when it has them).
#   unit: the output formats against the notes' lines and the capture's
#         statsd datagrams
foreach(t udping_out_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()
