# The Debian package (`cpack -G DEB` in the build directory; scripts/image.sh makes it):
#   /usr/bin/loadgen                                     the binary
#   /usr/share/man/man1/loadgen.1.gz                     generated from the binary's help (scripts/manpage.sh)
#   /usr/share/bash-completion/completions/loadgen       bash completion (commands and each command's flags)
#   /usr/share/zsh/vendor-completions/_loadgen           zsh completion
#   /usr/share/doc/loadgen/copyright                     the license
# Depends: computed by dpkg-shlibdeps from the libraries the binary links (Debian 12's names).
set(man_page ${CMAKE_CURRENT_BINARY_DIR}/loadgen.1.gz)
add_custom_command(OUTPUT ${man_page}
  COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/manpage.sh $<TARGET_FILE:loadgen> | gzip -9n > ${man_page}
  DEPENDS loadgen ${PROJECT_SOURCE_DIR}/scripts/manpage.sh
  COMMENT "Generating loadgen.1 from the help" VERBATIM)
add_custom_target(loadgen_manpage ALL DEPENDS ${man_page})

install(FILES ${man_page} DESTINATION share/man/man1)
install(FILES deploy/package/loadgen.bash-completion DESTINATION share/bash-completion/completions RENAME loadgen)
install(FILES deploy/package/_loadgen DESTINATION share/zsh/vendor-completions)
install(FILES LICENSE DESTINATION share/doc/loadgen RENAME copyright)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME loadgen)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Fortio-compatible HTTP load generator")
set(CPACK_PACKAGE_DESCRIPTION "loadgen takes Fortio's command lines (load, curl, server, grpcping, report) and prints
Fortio's report and JSON, with open-loop latency (no coordinated omission), HTTP/1.1, HTTP/2 and
gRPC, an Envoy-like circuit-breaker test server, exact merges of distributed runs, and HTML reports.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # loadgen_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "loadgen developers <loadgen@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# OpenSSL is opened when a run first needs TLS (LOADGEN_LAZY_OPENSSL), so dpkg-shlibdeps does not
# find it among the binary's libraries: named here (CPack adds what shlibdeps finds to it).
if(LOADGEN_LAZY_OPENSSL)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libssl3 (>= 3.0.0)")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)
set(CPACK_STRIP_FILES ON)
include(CPack)
