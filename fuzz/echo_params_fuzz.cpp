// The echo server's query parameters: a 400 message, or a plan inside the limits.
#include <string>

#include "fuzz_input.hpp"
#include "loadgen/core/envoy_reply.hpp"
#include "loadgen/wire/echo_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loadgen::fuzz::input in(data, size);
  const std::uint8_t flags = in.byte();
  const std::uint8_t draws_seed = in.byte();
  const std::string_view query = in.rest();
  loadgen::echo_limits limits;
  limits.max_delay = (flags & 2) ? 0 : 1500 * loadgen::ns_per_ms;
  limits.max_size = (flags & 4) ? 0 : 1024;
  unsigned draws = 0;
  std::uint32_t x = draws_seed;
  auto draw = [&] {
    ++draws;
    x = x * 1103515245u + 12345u;
    return static_cast<double>((x >> 8) % 10000) / 100.0;  // [0, 100)
  };
  const bool accepts_gzip = flags & 1;
  auto planned = loadgen::plan_echo(query, limits, accepts_gzip, draw);
  const auto params = loadgen::parse_query(query);
  LOADGEN_FUZZ_CHECK(draws <= params.size());
  if (auto* message = std::get_if<std::string>(&planned)) {
    LOADGEN_FUZZ_CHECK(!message->empty());
    LOADGEN_FUZZ_CHECK(message->rfind("bad ", 0) == 0);
    return 0;
  }
  const loadgen::echo_plan& plan = std::get<loadgen::echo_plan>(planned);
  LOADGEN_FUZZ_CHECK(plan.status >= 100 && plan.status <= 999);
  LOADGEN_FUZZ_CHECK(plan.delay >= 0 && plan.delay <= limits.max_delay);
  LOADGEN_FUZZ_CHECK(plan.size >= -1 && plan.size <= limits.max_size);
  LOADGEN_FUZZ_CHECK(accepts_gzip || !plan.gzip);
  std::size_t header_params = 0;
  for (const auto& [name, value] : params) {
    header_params += name == "header";
    if (name == "envoy")  // envoy=REASON adds Envoy's header for it (x-envoy-overloaded, ...), if it has one
      if (const auto e = loadgen::envoy_reply_named(value); e && !e->header.empty()) ++header_params;
  }
  LOADGEN_FUZZ_CHECK(plan.headers.size() == header_params);
  for (const auto& [name, value] : plan.headers) {
    LOADGEN_FUZZ_CHECK(!name.empty());
    LOADGEN_FUZZ_CHECK(name.find_first_of("\r\n") == std::string::npos);
    LOADGEN_FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos);
  }
  return 0;
}
