// The Go duration parser: a parsed value prints (as Go does) to text that parses back to it.
#include <string>

#include "fuzz_input.hpp"
#include "loadgen/core/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto ns = loadgen::parse_go_duration(text);
  if (text.empty()) LOADGEN_FUZZ_CHECK(!ns);
  if (!ns) return 0;
  const std::string printed = loadgen::format_go_duration(*ns);
  LOADGEN_FUZZ_CHECK(!printed.empty());
  const auto back = loadgen::parse_go_duration(printed);
  LOADGEN_FUZZ_CHECK(back.has_value());
  LOADGEN_FUZZ_CHECK(*back == *ns);
  return 0;
}
