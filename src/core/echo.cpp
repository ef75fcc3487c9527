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

transport_error echo_error_of_ret_code(std::string_view key) {
  const auto starts = [&](std::string_view p) { return key.substr(0, p.size()) == p; };
  const auto ends = [&](std::string_view p) { return key.size() >= p.size() && key.substr(key.size() - p.size()) == p; };
  const auto has = [&](std::string_view p) { return key.find(p) != std::string_view::npos; };
  if (key == "short read") return transport_error::closed;
  if (key == "read not echoing writes") return transport_error::bad_response;
  if (key == "timeout") return transport_error::timeout;
  if (starts("dial ")) {
    if (has("connection refused")) return transport_error::refused;
    if (ends("i/o timeout")) return transport_error::connect_timeout;
    return transport_error::connect_failed;
  }
  if (starts("read ")) return ends("i/o timeout") ? transport_error::timeout : transport_error::reset;
  if (starts("write ")) return transport_error::write_failed;
  return transport_error::none;
}

std::string echo_peer_of_ret_code(std::string_view key) {
  for (std::string_view verb : {"dial ", "read ", "write "}) {
    if (key.substr(0, verb.size()) != verb) continue;
    const std::size_t space = key.find(' ', verb.size());
    const std::size_t colon = key.find(": ", space == std::string_view::npos ? key.size() : space);
    if (space == std::string_view::npos || colon == std::string_view::npos) return {};
    const std::string_view addresses = key.substr(space + 1, colon - space - 1);
    const std::size_t arrow = addresses.find("->");
    return std::string(arrow == std::string_view::npos ? addresses : addresses.substr(arrow + 2));
  }
  return {};
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
