# Every build option of ippm, in one place (ngtcp2 CMakeOptions.txt).
option(IPPM_WERROR "Treat warnings as errors" ON)
option(IPPM_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(IPPM_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
option(IPPM_COVERAGE "Build with gcov coverage instrumentation" OFF)
option(IPPM_TESTS "Build the unit tests (needs cmocka)" ON)
