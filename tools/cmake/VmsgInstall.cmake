# `cmake --install`: what lands where (GNU layout; the prefix can be chosen at
# install time with --prefix, every path below is relative to it).
#   bin/vmsg                               the command (links libvmsg statically)
#   lib/libvmsg.a, lib/libvmsg.so*         libvmsg (harness/CMakeLists.txt)
#   include/vmsg/*.h                       public headers + generated ones
#   lib/pkgconfig/vmsg.pc                  pkg-config file (relocatable)
#   share/vmsg/spec/{messages,clauses}.yaml, share/vmsg/personalities/*.yaml
#   share/man/man1/vmsg*.1                 manual pages (docs/man)
#   share/bash-completion/completions/vmsg
# The Wireshark plugin installs itself from dissector/.
include(GNUInstallDirs)

# vmsg.pc: prefix computed from the file's own place, so that a tree installed
# with `cmake --install build --prefix DIR` works wherever DIR is.
file(RELATIVE_PATH VMSG_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" VMSG_PC_TO_PREFIX "${VMSG_PC_TO_PREFIX}")
configure_file(${CMAKE_SOURCE_DIR}/tools/cmake/vmsg.pc.in ${CMAKE_BINARY_DIR}/vmsg.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/vmsg.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(FILES ${CMAKE_SOURCE_DIR}/spec/messages.yaml ${CMAKE_SOURCE_DIR}/spec/clauses.yaml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/vmsg/spec)
file(GLOB _vmsg_personalities CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/harness/ref/personalities/*.yaml)
install(FILES ${_vmsg_personalities} DESTINATION ${CMAKE_INSTALL_DATADIR}/vmsg/personalities)

file(GLOB _vmsg_man CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/man/*.1)
install(FILES ${_vmsg_man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/tools/completion/vmsg.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME vmsg)
