#include "loadgen/wire/response_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

#include "loadgen/core/text.hpp"

namespace loadgen {
namespace {

// A head line longer than this is not a response we are willing to parse.
constexpr std::size_t max_line = 64 * 1024;

// Eight bytes as one word, in memory order (std::memcpy compiles to one load).
std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Eight bytes lower-cased at once: each byte in 'A'..'Z' gains 0x20, every other byte (including
// non-ASCII) stays as it is. Per byte h = its low 7 bits: h + 37 reaches 0x80 iff h > 'Z', h + 63
// iff h >= 'A', and neither sum carries into the next byte (at most 190).
std::uint64_t lower8(std::uint64_t x) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t high = 0x8080808080808080ull;
  const std::uint64_t heptets = x & ~high;
  const std::uint64_t above_z = heptets + ones * (0x7f - 'Z');
  const std::uint64_t from_a = heptets + ones * (0x80 - 'A');
  const std::uint64_t upper = (from_a ^ above_z) & ~x & high;  // ASCII and 'A' <= byte <= 'Z'
  return x | (upper >> 2);                                      // 0x80 >> 2 == 0x20
}

// a is compared case-insensitively with a lower-case literal b. Names of eight bytes or more (the
// headers the parser looks for) go a word at a time, the last word overlapping the one before.
bool equals_lower(std::string_view a, std::string_view lower_b) noexcept {
  const std::size_t n = a.size();
  if (n != lower_b.size()) return false;
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i)
      if (ascii_lower(a[i]) != lower_b[i]) return false;
    return true;
  }
  for (std::size_t i = 0; i + 8 < n; i += 8)
    if (lower8(load8(a.data() + i)) != load8(lower_b.data() + i)) return false;
  return lower8(load8(a.data() + n - 8)) == load8(lower_b.data() + n - 8);
}

// Calls f(token) for each comma-separated, trimmed token of a header value.
template <class F>
void for_each_token(std::string_view value, F&& f) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    f(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

void response_parser::reset(bool head_request, response_observer* observer, bool keep_location) noexcept {
  keep_location_ = keep_location;
  location_.clear();
  state_ = state::head;
  mode_ = body_mode::none;
  chunk_ = chunk_state::size;
  observer_ = observer;
  head_request_ = head_request;
  error_ = nullptr;
  status_ = 0;
  minor_ = 1;
  keep_alive_ = true;
  connection_close_ = false;
  connection_keep_alive_ = false;
  chunked_ = false;
  envoy_overloaded_ = false;
  envoy_ratelimited_ = false;
  keep_prefix_ = false;
  prefix_len_ = 0;
  first_line_ = true;
  upstream_ms_ = -1;
  content_length_ = -1;
  remaining_ = 0;
  header_bytes_ = 0;
  head_bytes_so_far_ = 0;
  total_bytes_ = 0;
  line_.clear();
  head_.clear();
}

void response_parser::fail(const char* why) noexcept {
  state_ = state::failed;
  error_ = why;
  keep_alive_ = false;
}

std::size_t response_parser::next_line(const char* data, std::size_t size, std::optional<std::string_view>& line) {
  const void* nl = std::memchr(data, '\n', size);
  const std::size_t take = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : size;
  total_bytes_ += static_cast<std::int64_t>(take);
  if (!nl) {
    // The line goes on in the next read: keep what we have (line_ keeps its capacity).
    line_.append(data, take);
    if (line_.size() > max_line) fail("response line too long");
    line.reset();
    return take;
  }
  std::string_view whole(data, take - 1);
  if (!line_.empty()) {
    line_.append(whole);
    whole = line_;
  }
  if (!whole.empty() && whole.back() == '\r') whole.remove_suffix(1);
  line = whole;
  return take;
}

std::size_t response_parser::feed(const char* data, std::size_t size) {
  std::size_t used = 0;
  head_start_ = nullptr;
  if (total_bytes_ == 0 && state_ == state::head && cache_usable()) {  // a fresh response
    if (take_cached_head(data, size)) used = static_cast<std::size_t>(total_bytes_);
    else head_start_ = data;
  }
  while (used < size && state_ != state::done && state_ != state::failed) {
    const char* p = data + used;
    const std::size_t n = size - used;
    if (state_ == state::body) {
      used += feed_body(p, n);
      continue;
    }
    // Head: one line at a time. The usual line is whole in this read and is parsed where it lies;
    // one that an earlier read began, or that goes on past this one, goes through line_.
    const void* nl = line_.empty() ? std::memchr(p, '\n', n) : nullptr;
    if (nl) {
      const std::size_t take = static_cast<std::size_t>(static_cast<const char*>(nl) - p) + 1;
      used += take;
      total_bytes_ += static_cast<std::int64_t>(take);
      head_bytes_so_far_ += static_cast<std::int64_t>(take);
      if (observer_) head_.append(p, take);
      std::string_view line(p, take - 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!on_line(line)) break;
      continue;
    }
    head_start_ = nullptr;  // a line across reads: this head is not kept
    std::optional<std::string_view> line;
    const std::size_t take = next_line(p, n, line);
    used += take;
    head_bytes_so_far_ += static_cast<std::int64_t>(take);
    if (observer_) head_.append(p, take);
    if (!line) break;
    const bool ok = on_line(*line);
    line_.clear();
    if (!ok) break;
  }
  return used;
}

bool response_parser::on_line(std::string_view line) {
  if (first_line_) {
    first_line_ = false;
    return on_status_line(line);
  }
  if (line.empty()) return end_of_head();
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    fail("malformed response header");
    return false;
  }
  on_header(line.substr(0, colon), line.substr(colon + 1));
  return state_ != state::failed;
}

bool response_parser::on_status_line(std::string_view line) {
  // "HTTP/1.x SSS reason"
  if (line.size() < 12 || line.compare(0, 7, "HTTP/1.") != 0 || line[8] != ' ' ||
      line[7] < '0' || line[7] > '9') {
    fail("not an HTTP/1.x status line");
    return false;
  }
  minor_ = line[7] - '0';
  const auto digit = [&](std::size_t i) { return static_cast<unsigned>(line[i] - '0'); };
  if (digit(9) > 9 || digit(10) > 9 || digit(11) > 9 || line[9] == '0' || (line.size() > 12 && line[12] != ' ')) {
    fail("bad status code");
    return false;
  }
  const int code = static_cast<int>(digit(9) * 100 + digit(10) * 10 + digit(11));
  status_ = code;
  return true;
}

// value is as it follows the colon: trimmed here only for the headers read (tokens trim their own).
void response_parser::on_header(std::string_view name, std::string_view value) {
  switch (name.size()) {
    case 14:
      if (equals_lower(name, "content-length")) {
        value = trim(value);
        std::int64_t v = -1;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || ptr != value.data() + value.size() || v < 0 ||
            (content_length_ >= 0 && content_length_ != v)) {
          fail("bad Content-Length");
          return;
        }
        content_length_ = v;
      }
      break;
    case 17:
      if (equals_lower(name, "transfer-encoding")) {
        chunked_ = false;  // only the last coding decides
        for_each_token(value, [&](std::string_view t) { chunked_ = equals_lower(t, "chunked"); });
      }
      break;
    case 10:
      if (equals_lower(name, "connection")) {
        for_each_token(value, [&](std::string_view t) {
          if (equals_lower(t, "close")) connection_close_ = true;
          else if (equals_lower(t, "keep-alive")) connection_keep_alive_ = true;
        });
      }
      break;
    case 8:
      if (keep_location_ && equals_lower(name, "location")) location_.assign(trim(value));
      break;
    case 18:
      if (equals_lower(name, "x-envoy-overloaded")) envoy_overloaded_ = true;
      break;
    case 19:
      if (equals_lower(name, "x-envoy-ratelimited")) envoy_ratelimited_ = true;
      break;
    case 29:
      if (equals_lower(name, "x-envoy-upstream-service-time")) {
        value = trim(value);
        std::int64_t v = -1;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec == std::errc() && v >= 0) upstream_ms_ = v;
      }
      break;
    default:
      break;
  }
}

bool response_parser::end_of_head() {
  if (status_ >= 100 && status_ < 200 && status_ != 101) {
    // An interim response (100 Continue, 103 Early Hints): the real one follows.
    first_line_ = true;
    head_bytes_so_far_ = 0;
    content_length_ = -1;
    chunked_ = connection_close_ = connection_keep_alive_ = envoy_overloaded_ = envoy_ratelimited_ = false;
    head_.clear();
    return true;
  }
  if (head_start_) keep_head();
  header_bytes_ = head_bytes_so_far_;
  keep_prefix_ = status_ == 429 || (status_ >= 500 && status_ <= 599);
  if (observer_) observer_->on_head(head_);
  if (head_request_ || status_ == 204 || status_ == 304 || status_ < 200) mode_ = body_mode::none;
  else if (chunked_) mode_ = body_mode::chunked;
  else if (content_length_ >= 0) mode_ = content_length_ ? body_mode::length : body_mode::none;
  else mode_ = body_mode::until_close;
  keep_alive_ = minor_ == 0 ? connection_keep_alive_ && !connection_close_ : !connection_close_;
  if (mode_ == body_mode::until_close) keep_alive_ = false;
  remaining_ = content_length_;
  if (mode_ == body_mode::none) finish();
  else state_ = state::body;
  return true;
}

// What a head sets in the parser (on_status_line() and on_header()), copied to or from the cache,
// whose fields have the same names. Keep it in step with those two.
template <class To, class From>
void response_parser::copy_head_fields(To& to, const From& from) noexcept {
  to.status_ = from.status_;
  to.minor_ = from.minor_;
  to.content_length_ = from.content_length_;
  to.upstream_ms_ = from.upstream_ms_;
  to.chunked_ = from.chunked_;
  to.connection_close_ = from.connection_close_;
  to.connection_keep_alive_ = from.connection_keep_alive_;
  to.envoy_overloaded_ = from.envoy_overloaded_;
  to.envoy_ratelimited_ = from.envoy_ratelimited_;
}

void response_parser::keep_head() {
  // Only a head read from a fresh response, with nothing before it (no interim 1xx: fields such
  // as upstream_ms_ carry over from one), so that taking it back equals parsing it again.
  if (total_bytes_ != head_bytes_so_far_) return;
  cache_->head_.assign(head_start_, static_cast<std::size_t>(head_bytes_so_far_));
  copy_head_fields(*cache_, *this);
}

bool response_parser::take_cached_head(const char* data, std::size_t size) {
  response_head_cache& c = *cache_;
  const std::size_t h = c.head_.size();
  if (h == 0 || size < h || std::memcmp(data, c.head_.data(), h) != 0) return false;
  ++c.hits_;
  copy_head_fields(*this, c);
  first_line_ = false;
  total_bytes_ = head_bytes_so_far_ = static_cast<std::int64_t>(h);
  return end_of_head();  // head_start_ is null: not kept again
}

std::size_t response_parser::feed_body(const char* data, std::size_t size) {
  switch (mode_) {
    case body_mode::length: {
      const std::size_t take = static_cast<std::size_t>(std::min<std::int64_t>(remaining_, static_cast<std::int64_t>(size)));
      if (observer_) observer_->on_body({data, take});
      keep_prefix(data, take);
      remaining_ -= static_cast<std::int64_t>(take);
      total_bytes_ += static_cast<std::int64_t>(take);
      if (remaining_ == 0) finish();
      return take;
    }
    case body_mode::until_close:
      if (observer_) observer_->on_body({data, size});
      keep_prefix(data, size);
      total_bytes_ += static_cast<std::int64_t>(size);
      return size;
    case body_mode::chunked:
      return feed_chunked(data, size);
    case body_mode::none:
      break;
  }
  finish();
  return 0;
}

std::size_t response_parser::feed_chunked(const char* data, std::size_t size) {
  std::size_t used = 0;
  while (used < size && state_ == state::body) {
    const char* p = data + used;
    const std::size_t n = size - used;
    if (chunk_ == chunk_state::data) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::int64_t>(remaining_, static_cast<std::int64_t>(n)));
      if (observer_) observer_->on_body({p, take});
      keep_prefix(p, take);
      remaining_ -= static_cast<std::int64_t>(take);
      used += take;
      total_bytes_ += static_cast<std::int64_t>(take);
      if (remaining_ == 0) chunk_ = chunk_state::data_crlf;
      continue;
    }
    // A line: chunk size, the CRLF after data, or a trailer.
    std::optional<std::string_view> next;
    used += next_line(p, n, next);
    if (!next) break;
    const std::string_view line = *next;
    switch (chunk_) {
      case chunk_state::size: {
        const std::string_view digits = trim(line.substr(0, line.find(';')));
        std::uint64_t v = 0;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, 16);
        if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || v > (1ull << 62)) {
          fail("bad chunk size");
          break;
        }
        remaining_ = static_cast<std::int64_t>(v);
        chunk_ = v == 0 ? chunk_state::trailer : chunk_state::data;
        break;
      }
      case chunk_state::data_crlf:
        if (!line.empty()) fail("missing CRLF after chunk data");
        chunk_ = chunk_state::size;
        break;
      case chunk_state::trailer:
        if (line.empty()) finish();
        break;
      case chunk_state::data:
        break;
    }
    line_.clear();
  }
  return used;
}

void response_parser::on_eof() noexcept {
  if (state_ == state::body && mode_ == body_mode::until_close) {
    finish();
    keep_alive_ = false;
    return;
  }
  if (state_ != state::done) fail(total_bytes_ == 0 ? "connection closed before any response" : "connection closed mid-response");
}

}  // namespace loadgen
