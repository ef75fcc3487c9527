#include "loadgen/core/echo.hpp"

#include "loadgen/core/grpc_outcome.hpp"

#include <fmt/format.h>

namespace loadgen {

void default_echo_payload(int connection, std::int64_t message, std::string& out) {
  out.clear();
  fmt::format_to(std::back_inserter(out), "Fortio\n{:04d}\n{:012d}", connection, message);
}

transport_error judge_echo(std::string_view sent, std::string_view received) noexcept {
  if (received.size() < sent.size()) return transport_error::closed;
  if (received != sent) return transport_error::bad_response;
  return transport_error::none;
}

std::string echo_ret_code(std::string_view scheme, int status, transport_error error, std::string_view peer) {
  if (status == status_echo_ok && error == transport_error::none) return "OK";
  switch (error) {
    case transport_error::closed:
    case transport_error::reset:
      return "short read";  // Fortio: EOF or ECONNRESET before the whole echo
    case transport_error::bad_response:
      return "read not echoing writes";
    case transport_error::timeout:
      return scheme == "udp" ? std::string("timeout") : fmt::format("read {} {}: i/o timeout", scheme, peer);
    case transport_error::refused:
      return fmt::format("dial {} {}: connect: connection refused", scheme, peer);
    case transport_error::connect_timeout:
      return fmt::format("dial {} {}: i/o timeout", scheme, peer);
    case transport_error::connect_failed:
      return fmt::format("dial {} {}: connect failed", scheme, peer);
    case transport_error::write_failed:
      return fmt::format("write {} {}: write failed", scheme, peer);
    case transport_error::none:
      return "error";  // a failure of no known kind (a Fortio result's error text loadgen does not know)
    default:
      return std::string(describe(error));
  }
}

std::string status_label(const url& target, int status) {
  if (target.grpc) return grpc_code_name(status);
  if (!target.is_echo()) return std::to_string(status);
  return status == status_echo_ok ? "OK" : "errors";
}

std::map<std::string, std::int64_t> echo_ret_codes(const run_stats& stats, std::string_view scheme,
                                                   std::string_view peer) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [code, n] : stats.codes()) {
    if (code != status_transport_error) out[echo_ret_code(scheme, code, transport_error::none, peer)] += n;
  }
  for (std::size_t i = 0; i < transport_error_kinds; ++i) {
    const std::int64_t n = stats.transport_counts[i];
    if (n != 0) out[echo_ret_code(scheme, status_transport_error, static_cast<transport_error>(i), peer)] += n;
  }
  return out;
}

}  // namespace loadgen
