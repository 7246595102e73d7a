# All build options of vmsg-conformance, in one place.
option(VMSG_BUILD_DISSECTOR "Build the Wireshark 4.0 plugin (needs wireshark-dev)" ON)
set(VMSG_SANITIZERS "" CACHE STRING "Semicolon list of sanitizers, e.g. address;undefined")
option(VMSG_COVERAGE "Instrument for lcov coverage (gcc --coverage)" OFF)
option(VMSG_FUZZ "Build libFuzzer targets (needs clang)" OFF)

set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
# compile_commands.json for tools/static-check.sh (cppcheck, clang-tidy).
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

# Fuzzing: clang only; the whole tree gets coverage instrumentation for libFuzzer
# (fuzzer-no-link) plus ASan+UBSan; only tools/fuzz links the libFuzzer runtime.
if(VMSG_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "VMSG_FUZZ needs clang: configure with -DCMAKE_C_COMPILER=clang")
  endif()
  if(NOT VMSG_SANITIZERS)
    set(VMSG_SANITIZERS "address;undefined" CACHE STRING "" FORCE)
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(VMSG_SANITIZERS)
  string(REPLACE ";" "," _vmsg_san "${VMSG_SANITIZERS}")
  add_compile_options(-fsanitize=${_vmsg_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_vmsg_san})
  # The Wireshark plugin is loaded into an uninstrumented tshark: never sanitize it.
  set(VMSG_BUILD_DISSECTOR OFF CACHE BOOL "" FORCE)
endif()
if(VMSG_COVERAGE)
  add_compile_options(--coverage -O0)
  add_link_options(--coverage)
endif()
