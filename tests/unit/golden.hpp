#pragma once
// Golden-file comparison for the report tests. The expected files live in tests/golden/
// (LOADGEN_GOLDEN_DIR). Run the tests with LOADGEN_UPDATE_GOLDEN=1 to rewrite them from the
// current output instead of comparing; then read the diff by eye against the Fortio samples.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "loadgen/core/version.hpp"

namespace loadgen::testing {

// The version changes with every release; golden files hold "VERSION" in its place.
inline std::string without_version(std::string text) {
  for (const std::string& from : {"loadgen " + std::string(version) + " running",
                                 "\"Version\": \"" + std::string(version) + "\""}) {
    std::string to = from;
    to.replace(to.find(version), version.size(), "VERSION");
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  return text;
}

inline void expect_golden(const std::string& name, const std::string& actual_text) {
  const std::string path = std::string(LOADGEN_GOLDEN_DIR) + "/" + name;
  const std::string actual = without_version(actual_text);
  const char* update = std::getenv("LOADGEN_UPDATE_GOLDEN");
  if (update != nullptr && std::string_view(update) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path << " (run with LOADGEN_UPDATE_GOLDEN=1 to create it)";
  in.seekg(0, std::ios::end);
  std::string expected(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0, std::ios::beg);
  in.read(expected.data(), static_cast<std::streamsize>(expected.size()));
  EXPECT_EQ(expected, actual) << "differs from " << path << " (LOADGEN_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace loadgen::testing
