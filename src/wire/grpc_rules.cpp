#include "loadgen/wire/grpc_rules.hpp"

#include "loadgen/wire/gzip.hpp"

#include <array>
#include <charconv>

namespace loadgen {

std::string grpc_frame(std::string_view message) {
  std::string out;
  out.reserve(grpc_prefix_size + message.size());
  const auto n = static_cast<std::uint32_t>(message.size());
  out.push_back('\0');
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(message);
  return out;
}

grpc_unframed grpc_unframe(std::string_view body, std::size_t max_size, bool gzip) {
  grpc_unframed u;
  if (body.size() < grpc_prefix_size) {
    u.error = grpc_unframe_error::short_body;
    return u;
  }
  const auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(body[i])); };
  const std::uint32_t flag = b(0);
  const std::size_t length = (b(1) << 24) | (b(2) << 16) | (b(3) << 8) | b(4);
  if (flag > 1) u.error = grpc_unframe_error::bad_flag;
  else if (flag == 1 && !gzip) u.error = grpc_unframe_error::compressed;
  else if (length > max_size) u.error = grpc_unframe_error::too_large;
  else if (body.size() - grpc_prefix_size < length) u.error = grpc_unframe_error::short_body;
  else if (body.size() - grpc_prefix_size > length) u.error = grpc_unframe_error::extra_bytes;
  else {
    u.message = body.substr(grpc_prefix_size, length);
    u.compressed = flag == 1;
  }
  return u;
}

std::string grpc_frame_gzip(std::string_view message) {
  std::string out = grpc_frame(gzip_compress(message));
  out[0] = 1;
  return out;
}

std::string_view grpc_unframe_text(grpc_unframe_error e) {
  switch (e) {
    case grpc_unframe_error::none: return "";
    case grpc_unframe_error::short_body: return "gRPC message cut short";
    case grpc_unframe_error::compressed: return "compressed gRPC message without a known grpc-encoding";
    case grpc_unframe_error::bad_flag: return "bad gRPC message prefix";
    case grpc_unframe_error::too_large: return "gRPC message over the size limit";
    case grpc_unframe_error::extra_bytes: return "more than one gRPC message in a unary call";
  }
  return "";
}

std::optional<nanos> parse_grpc_timeout(std::string_view v) {
  if (v.size() < 2 || v.size() > 9) return std::nullopt;
  std::int64_t n = 0;
  const std::string_view digits = v.substr(0, v.size() - 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n < 0) return std::nullopt;
  switch (v.back()) {
    case 'H': return n * 3600 * ns_per_s;
    case 'M': return n * 60 * ns_per_s;
    case 'S': return n * ns_per_s;
    case 'm': return n * 1'000'000;
    case 'u': return n * 1'000;
    case 'n': return n;
    default: return std::nullopt;
  }
}

std::string format_grpc_timeout(nanos t) {
  if (t < 0) t = 0;
  constexpr std::int64_t max_digits = 99'999'999;
  struct unit {
    nanos size;
    char name;
  };
  static constexpr std::array<unit, 6> units{{{1, 'n'}, {1'000, 'u'}, {1'000'000, 'm'}, {ns_per_s, 'S'},
                                              {60 * ns_per_s, 'M'}, {3600 * ns_per_s, 'H'}}};
  for (const auto& u : units) {
    const std::int64_t n = (t + u.size - 1) / u.size;  // rounded up: never a shorter deadline
    if (n <= max_digits) return std::to_string(n) + u.name;
  }
  return std::to_string(max_digits) + "H";
}

std::optional<int> parse_grpc_status(std::string_view v) {
  int code = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), code);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return code;
}

}  // namespace loadgen
