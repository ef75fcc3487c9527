#include "loadgen/core/grpc_outcome.hpp"

#include <array>

namespace loadgen {

std::string grpc_status_name(int code) {
  static constexpr std::array<const char*, 17> names{
      "OK",           "CANCELLED",         "UNKNOWN",            "INVALID_ARGUMENT",    "DEADLINE_EXCEEDED",
      "NOT_FOUND",    "ALREADY_EXISTS",    "PERMISSION_DENIED",  "RESOURCE_EXHAUSTED",  "FAILED_PRECONDITION",
      "ABORTED",      "OUT_OF_RANGE",      "UNIMPLEMENTED",      "INTERNAL",            "UNAVAILABLE",
      "DATA_LOSS",    "UNAUTHENTICATED"};
  if (code >= 0 && code < static_cast<int>(names.size())) return names[static_cast<std::size_t>(code)];
  return "CODE(" + std::to_string(code) + ")";
}

std::string grpc_health_name(int status) {
  static constexpr std::array<const char*, 4> names{"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
  if (status >= 0 && status < static_cast<int>(names.size())) return names[static_cast<std::size_t>(status)];
  return std::to_string(status);
}

int grpc_call_code(int grpc_status, int health) noexcept {
  if (grpc_status != 0) return grpc_error_base + (grpc_status > 0 && grpc_status < 100 ? grpc_status : 2);  // UNKNOWN
  if (health == 1) return status_grpc_serving;
  return grpc_health_base + (health >= 0 && health < 100 ? health : 0);
}

namespace {

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c >= 0xE1 && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (i + n > s.size() || b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string valid_utf8_payload(std::string_view s, std::size_t* padded) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  if (padded) *padded = s.size() - out.size();
  out.append(s.size() - out.size(), 'X');
  return out;
}

grpc_ping_round make_grpc_ping_round(std::int64_t t1a, std::int64_t t2a, std::int64_t t3a, std::int64_t t1b,
                                     std::int64_t t2b) noexcept {
  grpc_ping_round r;
  r.rtt_first = t2a - t1a;
  r.rtt_second = t3a - t2a;
  r.rtt_server = t2b - t1b;
  r.skew = t1b + r.rtt_server / 2 - t2a;
  return r;
}

std::string grpc_code_name(int code) {
  if (code == status_grpc_serving) return "SERVING";
  if (code >= grpc_health_base && code < grpc_health_base + 100) return grpc_health_name(code - grpc_health_base);
  if (code >= grpc_error_base && code < grpc_error_base + 100) return grpc_status_name(code - grpc_error_base);
  if (code < 0) return "ERROR";
  return std::to_string(code);
}

}  // namespace loadgen
