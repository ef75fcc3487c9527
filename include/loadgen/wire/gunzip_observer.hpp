#pragma once
// -compression: a response observer that undoes "Content-Encoding: gzip" (pure: zlib only, no
// I/O). It sits between the parser and the observer that wants the body (curl's printer, or none
// on the load path): it reads the Content-Encoding of each final head, inflates a gzip body into a
// fixed 16 KB buffer as it arrives, counts the decompressed bytes and passes them on. Other bodies
// pass through unchanged. A corrupt gzip body stops the inflating: what came before it counts,
// and corrupt() says so.
#include <cstdint>
#include <memory>
#include <string_view>

#include "loadgen/wire/response_parser.hpp"

namespace loadgen {

class gunzip_observer final : public response_observer {
public:
  explicit gunzip_observer(response_observer* next = nullptr);
  ~gunzip_observer() override;
  gunzip_observer(const gunzip_observer&) = delete;
  gunzip_observer& operator=(const gunzip_observer&) = delete;

  void on_head(std::string_view head) override;
  void on_body(std::string_view bytes) override;

  bool gzip() const noexcept { return gzip_; }                 // the last head said gzip
  bool corrupt() const noexcept { return corrupt_; }           // its body did not inflate
  std::int64_t body_bytes() const noexcept { return body_bytes_; }  // decompressed (or as sent)

private:
  struct stream;
  std::unique_ptr<stream> z_;
  response_observer* next_;
  bool gzip_ = false;
  bool corrupt_ = false;
  std::int64_t body_bytes_ = 0;
};

// Whether a response head (status line and headers) has "Content-Encoding: gzip" (or x-gzip).
bool head_says_gzip(std::string_view head) noexcept;

}  // namespace loadgen
