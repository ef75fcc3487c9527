#include "loadgen/wire/gunzip_observer.hpp"

#include <array>
#include <cctype>

#include <zlib.h>

namespace loadgen {

struct gunzip_observer::stream {
  z_stream z{};
  bool open = false;
  std::array<unsigned char, 16 * 1024> out{};
  ~stream() {
    if (open) inflateEnd(&z);
  }
};

namespace {

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool head_says_gzip(std::string_view head) noexcept {
  std::size_t pos = head.find('\n');  // skip the status line
  while (pos != std::string_view::npos && pos + 1 < head.size()) {
    const std::size_t end = head.find('\n', pos + 1);
    const std::string_view line = head.substr(pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequal(trim(line.substr(0, colon)), "content-encoding")) {
      const std::string_view value = trim(line.substr(colon + 1));
      if (iequal(value, "gzip") || iequal(value, "x-gzip")) return true;
    }
    pos = end;
  }
  return false;
}

gunzip_observer::gunzip_observer(response_observer* next) : z_(std::make_unique<stream>()), next_(next) {}

gunzip_observer::~gunzip_observer() = default;

void gunzip_observer::on_head(std::string_view head) {
  gzip_ = head_says_gzip(head);
  corrupt_ = false;
  body_bytes_ = 0;
  if (gzip_) {
    if (z_->open) inflateEnd(&z_->z);
    z_->z = z_stream{};
    z_->open = inflateInit2(&z_->z, 16 + MAX_WBITS) == Z_OK;  // 16: a gzip wrapper, not zlib's
    corrupt_ = !z_->open;
  }
  if (next_) next_->on_head(head);
}

void gunzip_observer::on_body(std::string_view bytes) {
  if (!gzip_) {
    body_bytes_ += static_cast<std::int64_t>(bytes.size());
    if (next_) next_->on_body(bytes);
    return;
  }
  if (corrupt_) return;
  z_stream& z = z_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  while (z.avail_in > 0) {
    z.next_out = z_->out.data();
    z.avail_out = static_cast<uInt>(z_->out.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = z_->out.size() - z.avail_out;
    body_bytes_ += static_cast<std::int64_t>(produced);
    if (next_ && produced > 0) next_->on_body(std::string_view(reinterpret_cast<const char*>(z_->out.data()), produced));
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members (RFC 1952 allows them): start the next one.
      if (z.avail_in > 0 && inflateReset(&z) == Z_OK) continue;
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      corrupt_ = true;
      break;
    }
    if (rc == Z_BUF_ERROR && produced == 0) break;  // needs more input
  }
}

}  // namespace loadgen
