# Unit tests of proto/ (cmocka), label "unit". Included by
# proto/CMakeLists.txt, which defines ippm_proto_test(name sources...).
# OpenSSL is linked into the test executables that check HMACs, never into
# ippm_proto itself.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

ippm_proto_test(ippm_time_test common/ippm_time_test.c)
ippm_proto_test(ippm_stats_test common/ippm_stats_test.c)
ippm_proto_test(ippm_cur_test common/ippm_cur_test.c)
ippm_proto_test(ippm_err_test common/ippm_err_test.c)
ippm_proto_test(stamp_wire_test stamp/stamp_wire_test.c)
ippm_proto_test(stamp_session_test stamp/stamp_session_test.c)
ippm_proto_test(stamp_tlv_test stamp/stamp_tlv_test.c)

# fake_crypto.h wraps OpenSSL's HMAC for the tests that check HMACs.
foreach(t stamp_wire_test stamp_session_test stamp_tlv_test)
  target_link_libraries(${t} PRIVATE OpenSSL::Crypto)
endforeach()
