// The Go flag adapter: arguments are the input's lines. Either one loadgen::error (exit 2) or a
// canonical argument list that the adapter leaves as it is.
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/go_flags.hpp"

namespace {

const loadgen::flag_spec& spec() {
  // The kinds make the fuzzer reach Go's integer, float and duration checks too.
  static const loadgen::flag_spec s{{"qps", "c", "n", "t", "H", "labels", "json"},
                                    {"keepalive", "k", "quiet", "help"},
                                    {{"qps", loadgen::value_kind::number},
                                     {"c", loadgen::value_kind::integer},
                                     {"n", loadgen::value_kind::integer},
                                     {"t", loadgen::value_kind::duration}}};
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    args.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  std::vector<std::string> out;
  try {
    out = loadgen::adapt_go_flags(args, spec());
  } catch (const loadgen::error& e) {
    LOADGEN_FUZZ_CHECK(e.exit_code() == loadgen::exit_bad_flags);
    return 0;
  }
  // Canonical form: before "--", a token is a "--name..." flag, a positional argument (no
  // leading '-', or a lone "-"), or the empty value right after a value flag.
  bool after_dashes = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::string& a = out[i];
    if (after_dashes) continue;
    if (a == "--") {
      after_dashes = true;
      continue;
    }
    if (a.empty() || a == "-" || a[0] != '-') continue;
    LOADGEN_FUZZ_CHECK(a.size() > 2 && a[0] == '-' && a[1] == '-' && a[2] != '-' && a[2] != '=');
  }
  // Adapting the adapted arguments changes nothing.
  std::vector<std::string> twice;
  try {
    twice = loadgen::adapt_go_flags(out, spec());
  } catch (const loadgen::error&) {
    LOADGEN_FUZZ_CHECK(!"adapted arguments are rejected");
  }
  LOADGEN_FUZZ_CHECK(twice == out);
  return 0;
}
