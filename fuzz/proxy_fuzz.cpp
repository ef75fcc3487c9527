// Proxy selection from the environment: the input's lines are the target URL, then NAME=value
// environment entries. choose_proxy either throws loadgen::error (exit 2) or gives an http://
// proxy, never one for a target that NO_PROXY matches.
#include <map>
#include <string>

#include "fuzz_input.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/wire/proxy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t nl = text.find('\n');
  loadgen::url target;
  try {
    target = loadgen::parse_url(text.substr(0, nl));
  } catch (const loadgen::error&) {
    return 0;
  }
  std::map<std::string, std::string, std::less<>> env;
  std::string flag;
  while (nl != std::string_view::npos) {
    const std::size_t start = nl + 1;
    nl = text.find('\n', start);
    const std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (line.substr(0, eq) == "-proxy") flag = std::string(line.substr(eq + 1));
    else env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  auto getenv = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  for (const char* name : {"NO_PROXY", "no_proxy"}) {
    if (const char* v = getenv(name)) {
      const bool m = loadgen::no_proxy_matches(v, target);
      if (std::string_view(v) == "*") LOADGEN_FUZZ_CHECK(m);
    }
  }
  std::optional<loadgen::url> proxy;
  try {
    proxy = loadgen::choose_proxy(target, flag, getenv);
  } catch (const loadgen::error& e) {
    LOADGEN_FUZZ_CHECK(e.exit_code() == loadgen::exit_bad_flags);
    return 0;
  }
  if (flag == "direct" || flag == "none") LOADGEN_FUZZ_CHECK(!proxy);
  if (!proxy) return 0;
  LOADGEN_FUZZ_CHECK(proxy->scheme == "http");
  if (flag.empty()) {
    const char* lower_no = getenv("no_proxy");
    const char* no = (lower_no && *lower_no) ? lower_no : getenv("NO_PROXY");
    if (no && *no) LOADGEN_FUZZ_CHECK(!loadgen::no_proxy_matches(no, target));
  }
  const std::string connect = loadgen::connect_request(target, *proxy);
  LOADGEN_FUZZ_CHECK(connect.rfind("CONNECT ", 0) == 0);
  LOADGEN_FUZZ_CHECK(connect.size() >= 4 && connect.compare(connect.size() - 4, 4, "\r\n\r\n") == 0);
  return 0;
}
