# Every dependency comes from Debian packages (scripts/setup.sh installs them); nothing is
# downloaded at build time.
find_package(Threads REQUIRED)
if(LOADGEN_SELF_CONTAINED)
  # The C++ libraries go into the binary (see cmake/LoadgenLayout.cmake for why): Debian ships
  # static archives of Boost.JSON and protobuf-lite, and fmt and spdlog can be compiled in from
  # their headers. OpenSSL, nghttp2, zlib and libc stay shared (C libraries, security updates).
  set(Boost_USE_STATIC_LIBS ON)
  set(Protobuf_USE_STATIC_LIBS ON)
endif()
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(fmt REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
# loadgen_fmt and loadgen_spdlog: what the layers link for fmt and spdlog. Shared libraries in the
# development and sanitizer builds (fast to compile), compiled in from the headers when
# LOADGEN_SELF_CONTAINED (spdlog's header-only mode on Debian's fmt, which is SPDLOG_FMT_EXTERNAL).
add_library(loadgen_fmt INTERFACE)
add_library(loadgen_spdlog INTERFACE)
if(LOADGEN_SELF_CONTAINED)
  target_link_libraries(loadgen_fmt INTERFACE fmt::fmt-header-only)
  target_compile_definitions(loadgen_spdlog INTERFACE SPDLOG_FMT_EXTERNAL)
  target_link_libraries(loadgen_spdlog INTERFACE loadgen_fmt Threads::Threads)
else()
  target_link_libraries(loadgen_fmt INTERFACE fmt::fmt)
  target_link_libraries(loadgen_spdlog INTERFACE spdlog::spdlog)
endif()
find_package(CLI11 REQUIRED CONFIG)
find_package(Protobuf REQUIRED)  # CMake's FindProtobuf: protoc, protobuf::libprotobuf-lite, protobuf_generate()
find_package(PkgConfig REQUIRED)
# HTTP/2 framing, HPACK and flow control for the client (-h2); the I/O stays Asio's.
pkg_check_modules(NGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2)
if(LOADGEN_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
