// `loadgen buildinfo` (Fortio's command): what this binary was built from and with, one
// "name value" line each, for bug reports and for checking an image or a package.
#include <iostream>

#include <CLI/Version.hpp>
#include <boost/version.hpp>
#include <fmt/format.h>
#include <google/protobuf/stubs/common.h>
#include <nghttp2/nghttp2ver.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <spdlog/version.h>
#include <zlib.h>

#include "commands.hpp"
#include "loadgen/core/version.hpp"

#ifndef LOADGEN_GIT_COMMIT
#define LOADGEN_GIT_COMMIT "unknown"
#endif
#ifndef LOADGEN_BUILD_TYPE
#define LOADGEN_BUILD_TYPE "unknown"
#endif

namespace loadgen::cli {

std::string build_info() {
  std::string out;
  const auto line = [&out](const char* name, const std::string& value) { out += fmt::format("{:<10} {}\n", name, value); };
  line("version", std::string(version));
  line("commit", LOADGEN_GIT_COMMIT);  // git describe at configure time ("unknown" outside a clone)
  line("build", LOADGEN_BUILD_TYPE);
  line("compiler",
#if defined(__clang__)
       fmt::format("clang {}", __clang_version__)
#else
       fmt::format("gcc {}", __VERSION__)
#endif
  );
  line("cxx", fmt::format("{}", __cplusplus));
  line("platform",
#if defined(__x86_64__)
       "linux/amd64"
#elif defined(__aarch64__)
       "linux/arm64"
#else
       "linux"
#endif
  );
  line("boost", fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100));
  // Built against, and (after the slash) the library this process loaded: they differ when a
  // distribution updates the shared library.
  line("openssl", fmt::format("{} / {}", OPENSSL_VERSION_TEXT, OpenSSL_version(OPENSSL_VERSION)));
  line("nghttp2", NGHTTP2_VERSION);
  line("protobuf", fmt::format("{}.{}.{}", GOOGLE_PROTOBUF_VERSION / 1000000, GOOGLE_PROTOBUF_VERSION / 1000 % 1000,
                               GOOGLE_PROTOBUF_VERSION % 1000));
  line("zlib", fmt::format("{} / {}", ZLIB_VERSION, zlibVersion()));
  line("fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100));
  line("spdlog", fmt::format("{}.{}.{}", SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH));
  line("cli11", CLI11_VERSION);
  return out;
}

int run_buildinfo(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cerr << "loadgen buildinfo: takes no arguments (got \"" << args.front() << "\")\n";
    return 2;
  }
  std::cout << build_info();
  return 0;
}

}  // namespace loadgen::cli
