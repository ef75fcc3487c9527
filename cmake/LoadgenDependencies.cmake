# Every dependency comes from Debian packages (scripts/setup.sh installs them); nothing is
# downloaded at build time.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(fmt REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(Protobuf REQUIRED)  # CMake's FindProtobuf: protoc, protobuf::libprotobuf-lite, protobuf_generate()
find_package(PkgConfig REQUIRED)
# HTTP/2 framing, HPACK and flow control for the client (-h2); the I/O stays Asio's.
pkg_check_modules(NGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2)
if(LOADGEN_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
