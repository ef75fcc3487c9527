// gRPC's bytes both ways: a unary call's body as the server's handler takes it (any path byte,
// any body), and an answer's body as the client judges it. Neither may crash; an OK answer from
// the handler must be one framed message that decodes, and the client's judge must take it as
// SERVING (ping) or as the health status it carries.
#include <string>

#include "fuzz_input.hpp"
#include "grpc_handler.hpp"
#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/wire/grpc_messages.hpp"
#include "loadgen/wire/grpc_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loadgen::fuzz::input in(data, size);
  const std::uint8_t flags = in.byte();
  const std::string body(in.rest());
  const bool ping = flags & 1;
  const std::string_view path = ping ? loadgen::grpc_ping_path : loadgen::grpc_health_path;
  const loadgen::grpc_answer a = loadgen::answer_grpc(path, body, 1, loadgen::ns_per_s, 4096, "ping");
  LOADGEN_FUZZ_CHECK(a.delay >= 0 && a.delay <= loadgen::ns_per_s);
  if (a.status == loadgen::grpc_code::ok) {
    const auto u = loadgen::grpc_unframe(a.body, 1 << 20);
    LOADGEN_FUZZ_CHECK(u.error == loadgen::grpc_unframe_error::none);
    std::string why;
    const int code = loadgen::judge_grpc_answer(200, 0, a.body, !ping, &why);
    LOADGEN_FUZZ_CHECK(why.empty());
    if (ping) LOADGEN_FUZZ_CHECK(code == loadgen::status_grpc_serving);
  } else {
    LOADGEN_FUZZ_CHECK(a.body.empty() && !a.message.empty());
  }
  // The same bytes as an answer: judged, never thrown on.
  std::string why;
  const int code = loadgen::judge_grpc_answer((flags & 2) ? 200 : 503, (flags & 4) ? std::optional<int>(0) : std::nullopt,
                                              body, !ping, &why);
  LOADGEN_FUZZ_CHECK(!loadgen::grpc_code_name(code).empty());
  return 0;
}
