# Every dependency comes from Debian packages (scripts/setup.sh installs them); nothing is
# downloaded at build time.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(fmt REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
if(LOADGEN_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
