// The response parser, fed in random splits: never reads past what it was given, counts every
// byte it consumes, and only finishes on a well-formed final status. And its head cache: a
// parser that takes a head from the cache reports what one that parses it reports.
#include <string>
#include <tuple>

#include "fuzz_input.hpp"
#include "loadgen/wire/response_parser.hpp"

namespace {

struct counting_observer : loadgen::response_observer {
  std::size_t head = 0, body = 0, heads = 0;
  void on_head(std::string_view h) override {
    head = h.size();
    ++heads;
  }
  void on_body(std::string_view b) override { body += b.size(); }
};

// What a parser reports after one feed of the whole payload (and an EOF if it asked for more).
auto whole_parse(loadgen::response_parser& p, std::string_view payload, bool head_request) {
  p.reset(head_request);
  const std::string copy(payload);  // exactly as long as the payload: ASan sees any read past it
  const std::size_t used = p.feed(copy.data(), copy.size());
  if (!p.done() && !p.failed()) p.on_eof();
  return std::make_tuple(used, p.done(), p.failed(), p.status(), p.http_minor(), p.header_bytes(), p.total_bytes(),
                         p.content_length(), p.upstream_service_time_ms(), p.keep_alive(), p.envoy_overloaded(),
                         p.envoy_ratelimited(), std::string(p.body_prefix()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loadgen::fuzz::input in(data, size);
  const std::uint8_t flags = in.byte();
  const std::uint32_t seed = in.byte() | (in.byte() << 8);
  const std::string_view payload = in.rest();
  const bool head_request = flags & 1;
  const bool observe = flags & 2;

  loadgen::response_parser parser;
  counting_observer observer;
  parser.reset(head_request, observe ? &observer : nullptr, (flags & 4) != 0);
  loadgen::fuzz::splitter split(seed);
  std::size_t offered = 0, consumed = 0;
  while (offered < payload.size() && !parser.done() && !parser.failed()) {
    const std::size_t n = split.next(payload.size() - offered);
    // A fresh copy per piece, exactly as long as the piece: ASan sees any read past it.
    const std::string piece(payload.substr(offered, n));
    const std::size_t used = parser.feed(piece.data(), piece.size());
    LOADGEN_FUZZ_CHECK(used <= n);
    consumed += used;
    if (used < n) {
      // The parser stops early only at the end of the response or on an error.
      LOADGEN_FUZZ_CHECK(parser.done() || parser.failed());
    }
    offered += n;
  }
  if (!parser.done() && !parser.failed() && (flags & 8)) parser.on_eof();

  LOADGEN_FUZZ_CHECK(parser.total_bytes() == static_cast<std::int64_t>(consumed));
  LOADGEN_FUZZ_CHECK(consumed <= payload.size());
  LOADGEN_FUZZ_CHECK(parser.header_bytes() <= parser.total_bytes());
  LOADGEN_FUZZ_CHECK(!(parser.done() && parser.failed()));
  if (parser.failed()) {
    LOADGEN_FUZZ_CHECK(parser.error() != nullptr);
    LOADGEN_FUZZ_CHECK(!parser.keep_alive());
  }
  if (parser.done()) {
    LOADGEN_FUZZ_CHECK(parser.status() >= 100 && parser.status() <= 999);
    // A finished response is a final one (interim 1xx are skipped), with a whole head.
    LOADGEN_FUZZ_CHECK(parser.status() >= 200 || parser.status() == 101);
    LOADGEN_FUZZ_CHECK(parser.header_bytes() >= 12);
    LOADGEN_FUZZ_CHECK(parser.http_minor() >= 0 && parser.http_minor() <= 9);
    if (parser.content_length() >= 0 && !head_request && parser.status() != 204 && parser.status() != 304 &&
        parser.status() >= 200)
      LOADGEN_FUZZ_CHECK(parser.total_bytes() >= parser.header_bytes());
    // Done means nothing more is taken.
    LOADGEN_FUZZ_CHECK(parser.feed("x", 1) == 0);
  }
  {
    // The payload twice through a parser with a head cache (the second time it is taken from the
    // cache when the first kept it), against a parser without one.
    loadgen::response_head_cache cache;
    loadgen::response_parser cached, plain;
    cached.use_head_cache(&cache);
    const auto expected = whole_parse(plain, payload, head_request);
    LOADGEN_FUZZ_CHECK(whole_parse(cached, payload, head_request) == expected);
    LOADGEN_FUZZ_CHECK(whole_parse(cached, payload, !head_request) == whole_parse(plain, payload, !head_request));
    LOADGEN_FUZZ_CHECK(whole_parse(cached, payload, head_request) == expected);
  }
  if (observe) {
    LOADGEN_FUZZ_CHECK(observer.heads <= 1);
    if (observer.heads == 1) LOADGEN_FUZZ_CHECK(static_cast<std::int64_t>(observer.head) == parser.header_bytes());
    LOADGEN_FUZZ_CHECK(observer.head + observer.body <= consumed);
  }
  return 0;
}
