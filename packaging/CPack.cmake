# The ippm .deb, from the same build: `cpack -G DEB` in the build directory
# (packaging/test_deb.sh does, and checks it). Included by the top
# CMakeLists.txt after impl/ has defined the ippm target.
#
#   /usr/bin/ippm
#   /usr/share/man/man1/ippm.1.gz
#   /lib/systemd/system/ippm-reflector.service   hardened, not enabled
#   /lib/systemd/system/ippm-twamp-light.service the same, TWAMP Light
#   /lib/systemd/system/ippm-twamp-server.service the same, TWAMP
#   /lib/systemd/system/ippm-owamp-server.service the same, OWAMP
#   /lib/systemd/system/ippm-rmbt-server.service the same, RMBT UDP ping
#   /lib/systemd/system/ippm-udping-server.service the same, UDPing
#   /etc/ippm/ippm.conf                           conffile
#
# Depends: from dpkg-shlibdeps (dpkg-dev), which needs file(1).

include(GNUInstallDirs)

set(IPPM_PKG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(IPPM_PKG_BIN ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${IPPM_PKG_BIN})

install(TARGETS ippm RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Debian policy 12.1: man pages are compressed with gzip -9n.
add_custom_command(OUTPUT ${IPPM_PKG_BIN}/ippm.1.gz
  COMMAND sh -c "gzip -9n -c \"$0\" >\"$1\"" ${IPPM_PKG_DIR}/ippm.1
          ${IPPM_PKG_BIN}/ippm.1.gz
  DEPENDS ${IPPM_PKG_DIR}/ippm.1
  VERBATIM)
add_custom_target(ippm_manpage ALL DEPENDS ${IPPM_PKG_BIN}/ippm.1.gz)
install(FILES ${IPPM_PKG_BIN}/ippm.1.gz
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Absolute: Debian 12 keeps units in /lib/systemd/system and
# configuration in /etc whatever the prefix.
install(FILES ${IPPM_PKG_DIR}/ippm-reflector.service
  DESTINATION /lib/systemd/system)
# The other servers' units: each its own [Unit] section (NAME.service.in)
# and the STAMP unit's hardened [Service] and [Install] sections,
# ExecStart's command aside.
file(READ ${IPPM_PKG_DIR}/ippm-reflector.service IPPM_STAMP_UNIT)
string(FIND "${IPPM_STAMP_UNIT}" "\n[Service]\n" IPPM_AT) # not the comment's
math(EXPR IPPM_AT "${IPPM_AT} + 1")
string(SUBSTRING "${IPPM_STAMP_UNIT}" ${IPPM_AT} -1 IPPM_STAMP_SERVICE)
function(ippm_derived_unit name command)
  string(REPLACE "ExecStart=/usr/bin/ippm stamp reflector "
                 "ExecStart=/usr/bin/ippm ${command} "
                 IPPM_SERVICE_SECTION "${IPPM_STAMP_SERVICE}")
  configure_file(${IPPM_PKG_DIR}/${name}.service.in
                 ${IPPM_PKG_BIN}/${name}.service @ONLY)
  install(FILES ${IPPM_PKG_BIN}/${name}.service
    DESTINATION /lib/systemd/system)
endfunction()
ippm_derived_unit(ippm-twamp-light "twamp light-reflector")
ippm_derived_unit(ippm-twamp-server "twamp server")
ippm_derived_unit(ippm-owamp-server "owamp server")
ippm_derived_unit(ippm-rmbt-server "rmbt server")
ippm_derived_unit(ippm-udping-server "udping server")
install(FILES ${IPPM_PKG_DIR}/ippm.conf DESTINATION /etc/ippm)
# The capture corpus, so an installed `ippm conform` replays it too.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/pcaps/stamp ${CMAKE_SOURCE_DIR}/pcaps/twamp
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ippm/pcaps
        FILES_MATCHING PATTERN "*.pcap" PATTERN "*.pcapng" PATTERN "MANIFEST"
                       PATTERN "test.key")

# An edited /etc/ippm/ippm.conf survives upgrades.
file(WRITE ${IPPM_PKG_BIN}/conffiles "/etc/ippm/ippm.conf\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ippm)
set(CPACK_PACKAGE_VENDOR ippm)
set(CPACK_PACKAGE_CONTACT
  "Seed f4df5ee0 maintainers <maintainers@users.noreply.h-seed-f4df5ee0.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "IP active measurement: STAMP reflector and sender, conformance suite")
# The extended description; CPack indents it under the summary.
set(CPACK_PACKAGE_DESCRIPTION
  "ippm answers and sends STAMP (RFC 8762, RFC 8972) test packets, grades
live implementations and packet captures against the RFCs, and ships a
hardened systemd unit for the reflector.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${IPPM_PKG_BIN}/conffiles
  ${IPPM_PKG_DIR}/postinst
  ${IPPM_PKG_DIR}/prerm
  ${IPPM_PKG_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
