#pragma once
// An incremental HTTP/1.x response parser (pure). It is fed whatever each read returned and
// counts the body instead of storing it, so a connection needs one fixed buffer whatever the
// response size. Handles Content-Length, chunked (with extensions and trailers), bodies delimited
// by the connection's close, responses without a body (HEAD, 1xx, 204, 304), and skips interim
// 1xx responses such as "100 Continue".
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/core/envoy_reply.hpp"

namespace loadgen {

// The statuses a Location is followed for (-L): 301, 302, 303, 307, 308.
constexpr bool is_redirect_status(int status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Optional observer for `curl`, which prints what it receives; the load path passes none.
class response_observer {
public:
  virtual ~response_observer() = default;
  // The status line and headers of the final response, up to and including the blank line.
  virtual void on_head(std::string_view head) = 0;
  // Body bytes as they arrive (de-chunked).
  virtual void on_body(std::string_view bytes) = 0;
};

// The last final response head that the parsers of one thread read whole from one feed(), and
// what they took from it. Under load a server sends the same head again and again (nginx's
// changes only with its Date, once a second), so a response that starts with exactly these bytes
// is taken from here: one memcmp instead of parsing seven lines and their headers, about 1,000
// instructions per call. A head that differs anywhere is parsed as always, and replaces this one.
// Not used for curl (an observer sees each head) nor with -L (the Location is kept). Single
// threaded: one per thread, shared by that thread's parsers (session_env::heads).
class response_head_cache {
public:
  std::int64_t hits() const noexcept { return hits_; }  // heads taken from here (tests)

private:
  friend class response_parser;
  std::string head_;  // status line through the blank line; empty: nothing kept yet
  // What that head set in the parser: its fields of the same names (copy_head_fields).
  int status_ = 0;
  int minor_ = 1;
  std::int64_t content_length_ = -1;
  std::int64_t upstream_ms_ = -1;
  bool chunked_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool envoy_overloaded_ = false;
  bool envoy_ratelimited_ = false;
  std::int64_t hits_ = 0;
};

class response_parser {
public:
  // Heads are looked up in and kept into cache from now on (across reset()s); null: none.
  void use_head_cache(response_head_cache* cache) noexcept { cache_ = cache; }

  enum class state { head, body, done, failed };

  // Starts a new response. head_request: the request was HEAD, so there is no body.
  void reset(bool head_request = false, response_observer* observer = nullptr, bool keep_location = false) noexcept;

  // Consumes bytes from data; returns how many were used. Stops at the end of the response: bytes
  // after it (a pipelined or unsolicited response) are not consumed.
  std::size_t feed(const char* data, std::size_t size);
  // The connection hit EOF: completes a close-delimited body, else marks the response failed.
  void on_eof() noexcept;

  bool done() const noexcept { return state_ == state::done; }
  bool failed() const noexcept { return state_ == state::failed; }
  bool in_head() const noexcept { return state_ == state::head; }
  const char* error() const noexcept { return error_; }

  int status() const noexcept { return status_; }
  int http_minor() const noexcept { return minor_; }
  std::int64_t header_bytes() const noexcept { return header_bytes_; }  // final response's head
  std::int64_t total_bytes() const noexcept { return total_bytes_; }    // everything consumed
  // The connection may carry another request: HTTP/1.1 without "Connection: close", or
  // HTTP/1.0 with "Connection: keep-alive", and the body was not delimited by the close.
  bool keep_alive() const noexcept { return keep_alive_; }
  bool envoy_overloaded() const noexcept { return envoy_overloaded_; }
  bool envoy_ratelimited() const noexcept { return envoy_ratelimited_; }
  // A 5xx or 429's first body bytes (de-chunked, at most envoy_body_prefix_max), for
  // classify_envoy_reply; empty for any other status. Kept in a fixed array: no allocation.
  std::string_view body_prefix() const noexcept { return {prefix_.data(), prefix_len_}; }
  std::int64_t upstream_service_time_ms() const noexcept { return upstream_ms_; }
  std::int64_t content_length() const noexcept { return content_length_; }  // -1 if none
  // The Location header of the final response ("" if none). Kept only when reset() was asked to
  // (-L), so the load path does not copy it.
  const std::string& location() const noexcept { return location_; }
  bool is_redirect() const noexcept { return is_redirect_status(status_); }

private:
  enum class body_mode { none, length, chunked, until_close };
  enum class chunk_state { size, data, data_crlf, trailer };

  // Takes one line (head, chunk size or trailer) from data, stitching it onto line_ when an earlier
  // read ended mid-line. Returns the bytes used; sets line (without CRLF) once it is whole; the
  // caller clears line_ after using it.
  std::size_t next_line(const char* data, std::size_t size, std::optional<std::string_view>& line);
  bool on_line(std::string_view line);  // one head line, without CRLF
  bool on_status_line(std::string_view line);
  void on_header(std::string_view name, std::string_view value);
  bool end_of_head();
  std::size_t feed_body(const char* data, std::size_t size);
  std::size_t feed_chunked(const char* data, std::size_t size);
  void fail(const char* why) noexcept;
  void finish() noexcept { state_ = state::done; }
  void keep_prefix(const char* data, std::size_t size) noexcept {
    if (!keep_prefix_ || prefix_len_ >= prefix_.size()) return;
    const std::size_t n = std::min(size, prefix_.size() - prefix_len_);
    std::copy_n(data, n, prefix_.data() + prefix_len_);
    prefix_len_ += n;
  }

  state state_ = state::head;
  body_mode mode_ = body_mode::none;
  chunk_state chunk_ = chunk_state::size;
  response_observer* observer_ = nullptr;
  bool head_request_ = false;
  const char* error_ = nullptr;
  int status_ = 0;
  int minor_ = 1;
  bool keep_alive_ = true;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool chunked_ = false;
  bool envoy_overloaded_ = false;
  bool envoy_ratelimited_ = false;
  bool keep_prefix_ = false;  // the final status is 5xx or 429
  std::array<char, envoy_body_prefix_max> prefix_;
  std::size_t prefix_len_ = 0;
  bool first_line_ = true;
  std::int64_t upstream_ms_ = -1;
  std::int64_t content_length_ = -1;
  std::int64_t remaining_ = 0;
  std::int64_t header_bytes_ = 0;
  std::int64_t head_bytes_so_far_ = 0;
  std::int64_t total_bytes_ = 0;
  std::string line_;  // a head or chunk-size line split across reads; capacity is kept
  std::string head_;  // the head text, only when an observer wants it
  std::string location_;
  bool keep_location_ = false;
  response_head_cache* cache_ = nullptr;
  // Within one feed(): where this response's head began, while it may still be kept whole in the
  // cache (it began this feed() at a fresh response, and no line of it went through line_).
  const char* head_start_ = nullptr;
  bool cache_usable() const noexcept { return cache_ && !observer_ && !keep_location_; }
  bool take_cached_head(const char* data, std::size_t size);  // true: the head was the cache's
  void keep_head();                                           // at end_of_head(): into the cache
  template <class To, class From>
  static void copy_head_fields(To& to, const From& from) noexcept;
};

}  // namespace loadgen
