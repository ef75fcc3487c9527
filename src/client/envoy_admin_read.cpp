#include "loadgen/client/envoy_admin_read.hpp"

#include <ostream>
#include <streambuf>

#include <fmt/format.h>

#include "loadgen/client/curl.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/options.hpp"
#include "loadgen/wire/envoy_admin.hpp"

namespace loadgen {
namespace {

constexpr std::size_t max_body = 16 * 1024 * 1024;

// Keeps at most `cap` bytes written to it, and says whether more came.
class capped_buffer final : public std::streambuf {
public:
  explicit capped_buffer(std::size_t cap) : cap_(cap) {}
  const std::string& text() const noexcept { return text_; }
  bool overflowed() const noexcept { return overflowed_; }

protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    const std::size_t room = cap_ - text_.size();
    const std::size_t take = std::min(room, static_cast<std::size_t>(n));
    text_.append(s, take);
    if (take < static_cast<std::size_t>(n)) overflowed_ = true;
    return n;
  }
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      const char ch = traits_type::to_char_type(c);
      xsputn(&ch, 1);
    }
    return traits_type::not_eof(c);
  }

private:
  std::size_t cap_;
  std::string text_;
  bool overflowed_ = false;
};

std::string stats_url(std::string admin) {
  while (!admin.empty() && admin.back() == '/') admin.pop_back();
  return admin + "/stats?filter=%5Ecluster%5C.";  // ^cluster\. : the clusters only, a small answer
}

}  // namespace

void check_envoy_admin_url(const std::string& admin) {
  run_options o;
  o.url_text = stats_url(admin);
  try {
    validate(o);
  } catch (const error& e) {
    throw flag_error("-envoy-admin \"" + admin + "\": " + e.what());
  }
  if (o.target.scheme != "http")
    throw flag_error("-envoy-admin \"" + admin + "\": want http://host:port (Envoy's admin port, e.g. " + envoy_admin_auto + ")");
}

envoy_admin_read read_envoy_admin(const std::string& admin, nanos timeout, bool quiet) {
  envoy_admin_read out;
  run_options o;
  o.url_text = stats_url(admin);
  o.timeout = timeout;
  o.level = log_level::error;
  capped_buffer body_buffer(max_body), head_buffer(64 * 1024);
  std::ostream body(&body_buffer), head(&head_buffer);
  fetch_result r;
  try {
    validate(o);
    r = fetch(o, head, body);
  } catch (const std::exception& e) {
    out.notice = fmt::format("cannot read {}/stats: {}", admin, e.what());
    return out;
  }
  if (r.status == status_transport_error) {
    const bool absent = r.error == transport_error::refused || r.error == transport_error::connect_timeout ||
                        r.error == transport_error::connect_failed;
    if (!(quiet && absent))
      out.notice = fmt::format("cannot read {}/stats: {}", admin, r.message.empty() ? std::string(describe(r.error)) : r.message);
    return out;
  }
  if (r.status != 200) {
    out.notice = fmt::format("{}/stats answered {}, not Envoy's stats", admin, r.status);
    return out;
  }
  if (body_buffer.overflowed()) {
    out.notice = fmt::format("{}/stats answered more than {} MB: not read", admin, max_body >> 20);
    return out;
  }
  out.stats = parse_envoy_stats(body_buffer.text());
  if (!out.stats) out.notice = fmt::format("{}/stats answered something that is not Envoy's stats", admin);
  return out;
}

}  // namespace loadgen
