# ippm twamp server and client.
#   unit: the test plane on loopback (sender against reflecting session,
#         modes open, authenticated, encrypted), exact counts
foreach(t twamp_plane_test)
  ippm_unit_test(impl_${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.c LIBS ippm_impl)
endforeach()
