# `make coverage` (build with -DVMSG_COVERAGE=ON): lcov with branch coverage, report per folder.
if(VMSG_COVERAGE)
  find_program(LCOV lcov)
  find_program(GENHTML genhtml)
  if(LCOV AND GENHTML)
    set(_rc --rc lcov_branch_coverage=1)
    add_custom_target(coverage
      COMMAND ${LCOV} ${_rc} --zerocounters --directory ${CMAKE_BINARY_DIR} -q
      COMMAND ${CMAKE_CTEST_COMMAND} --output-on-failure -j2
      COMMAND ${LCOV} ${_rc} --capture --directory ${CMAKE_BINARY_DIR} --output-file ${CMAKE_BINARY_DIR}/coverage.all.info -q
      COMMAND ${LCOV} ${_rc} --extract ${CMAKE_BINARY_DIR}/coverage.all.info '${CMAKE_SOURCE_DIR}/harness/*' '${CMAKE_SOURCE_DIR}/reports/*' '${CMAKE_SOURCE_DIR}/suites/*' '${CMAKE_SOURCE_DIR}/tools/*' --output-file ${CMAKE_BINARY_DIR}/coverage.info -q
      COMMAND ${LCOV} ${_rc} --list ${CMAKE_BINARY_DIR}/coverage.info
      COMMAND ${GENHTML} ${_rc} --branch-coverage -q -o ${CMAKE_BINARY_DIR}/coverage ${CMAKE_BINARY_DIR}/coverage.info
      COMMAND ${CMAKE_COMMAND} -E echo "coverage report: ${CMAKE_BINARY_DIR}/coverage/index.html"
      WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
      USES_TERMINAL)
  endif()
endif()
