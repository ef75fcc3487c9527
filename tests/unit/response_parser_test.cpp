#include "loadgen/wire/response_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace loadgen {
namespace {

struct recorder : response_observer {
  std::string head, body;
  void on_head(std::string_view h) override { head.append(h); }
  void on_body(std::string_view b) override { body.append(b); }
};

// Feeds text in pieces of `step` bytes; returns the bytes consumed in total.
std::size_t feed_in_steps(response_parser& p, const std::string& text, std::size_t step) {
  std::size_t used = 0;
  while (used < text.size() && !p.done() && !p.failed()) {
    const std::size_t n = std::min(step, text.size() - used);
    const std::size_t got = p.feed(text.data() + used, n);
    used += got;
    if (got < n) break;
  }
  return used;
}

const std::string simple = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";

TEST(response_parser, content_length_in_one_read) {
  response_parser p;
  p.reset();
  EXPECT_EQ(p.feed(simple.data(), simple.size()), simple.size());
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.header_bytes(), static_cast<std::int64_t>(simple.size() - 5));
  EXPECT_EQ(p.total_bytes(), static_cast<std::int64_t>(simple.size()));
  EXPECT_TRUE(p.keep_alive());
}

TEST(response_parser, byte_by_byte_gives_the_same_result) {
  for (std::size_t step : {1u, 2u, 3u, 7u, 16u}) {
    response_parser p;
    recorder r;
    p.reset(false, &r);
    EXPECT_EQ(feed_in_steps(p, simple, step), simple.size()) << step;
    ASSERT_TRUE(p.done()) << step;
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(r.head, simple.substr(0, simple.size() - 5));
    EXPECT_EQ(p.header_bytes(), static_cast<std::int64_t>(simple.size() - 5));
  }
}

TEST(response_parser, chunked_with_extensions_and_trailers) {
  const std::string text =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (std::size_t step : {1u, 5u, 1000u}) {
    response_parser p;
    recorder r;
    p.reset(false, &r);
    EXPECT_EQ(feed_in_steps(p, text, step), text.size());
    ASSERT_TRUE(p.done());
    EXPECT_EQ(r.body, "helloabcdefghijklmnopqrstuvwxyz");
    EXPECT_EQ(p.total_bytes(), static_cast<std::int64_t>(text.size()));
    EXPECT_TRUE(p.keep_alive());
  }
}

TEST(response_parser, stops_at_the_end_of_the_response) {
  const std::string two = simple + simple;
  response_parser p;
  p.reset();
  EXPECT_EQ(p.feed(two.data(), two.size()), simple.size());
  EXPECT_TRUE(p.done());
}

TEST(response_parser, close_delimited_body_ends_at_eof) {
  const std::string text = "HTTP/1.1 200 OK\r\n\r\nsome body";
  response_parser p;
  recorder r;
  p.reset(false, &r);
  p.feed(text.data(), text.size());
  EXPECT_FALSE(p.done());
  p.on_eof();
  ASSERT_TRUE(p.done());
  EXPECT_EQ(r.body, "some body");
  EXPECT_FALSE(p.keep_alive());
}

TEST(response_parser, connection_close_and_http10) {
  {
    const std::string t = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    response_parser p;
    p.reset();
    p.feed(t.data(), t.size());
    ASSERT_TRUE(p.done());
    EXPECT_EQ(p.status(), 503);
    EXPECT_FALSE(p.keep_alive());
  }
  {
    const std::string t = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
    response_parser p;
    p.reset();
    p.feed(t.data(), t.size());
    ASSERT_TRUE(p.done());
    EXPECT_FALSE(p.keep_alive());
  }
  {
    const std::string t = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n";
    response_parser p;
    p.reset();
    p.feed(t.data(), t.size());
    EXPECT_TRUE(p.keep_alive());
  }
}

TEST(response_parser, interim_100_continue_is_skipped) {
  const std::string t = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  response_parser p;
  p.reset();
  EXPECT_EQ(p.feed(t.data(), t.size()), t.size());
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.status(), 201);
  EXPECT_EQ(p.header_bytes(), static_cast<std::int64_t>(std::string("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n").size()));
  EXPECT_EQ(p.total_bytes(), static_cast<std::int64_t>(t.size()));
}

TEST(response_parser, no_body_for_head_204_304) {
  const std::string with_length = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
  response_parser p;
  p.reset(true);
  p.feed(with_length.data(), with_length.size());
  EXPECT_TRUE(p.done());
  for (const char* t : {"HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"}) {
    response_parser q;
    q.reset();
    q.feed(t, std::char_traits<char>::length(t));
    EXPECT_TRUE(q.done()) << t;
    EXPECT_TRUE(q.keep_alive()) << t;
  }
}

TEST(response_parser, envoy_headers) {
  const std::string t =
      "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 81\r\ncontent-type: text/plain\r\n"
      "x-envoy-overloaded: true\r\nX-Envoy-Upstream-Service-Time: 12\r\n\r\n"
      "upstream connect error or disconnect/reset before headers. reset reason: overflow";
  response_parser p;
  p.reset();
  p.feed(t.data(), t.size());
  ASSERT_TRUE(p.done());
  EXPECT_TRUE(p.envoy_overloaded());
  EXPECT_EQ(p.upstream_service_time_ms(), 12);
  EXPECT_EQ(p.content_length(), 81);
}

// Header names are matched a word at a time (lower8): any case of every ASCII letter matches, and
// nothing else does: not a control byte one bit (0x20) away from '-', not a byte of 0x80 and up
// whose low seven bits are a capital, not a name one letter off at either end.
TEST(response_parser, header_names_match_in_any_case_and_nothing_else) {
  const auto content_length = [](const std::string& name) {
    const std::string t = "HTTP/1.1 200 OK\r\n" + name + ": 3\r\n\r\nabc";
    response_parser p;
    p.reset();
    p.feed(t.data(), t.size());
    return p.content_length();
  };
  for (const char* name : {"content-length", "CONTENT-LENGTH", "Content-Length", "cOnTeNt-lEnGtH"}) {
    EXPECT_EQ(content_length(name), 3) << name;
  }
  for (const char* name : {"content\x0dlength", "\xc3ontent-length", "content-lengtx", "xontent-length",
                           "content_length", "content-length\x80"}) {
    EXPECT_EQ(content_length(name), -1) << name;
  }
  // Every letter in both cases, in names of 8 to 29 bytes (the word loop and its overlapping tail).
  const std::string t =
      "HTTP/1.1 503 Nope\r\nTRANSFER-ENCODING: CHUNKED\r\nX-ENVOY-OVERLOADED: true\r\nx-Envoy-RateLimited: 1\r\n"
      "X-ENVOY-UPSTREAM-SERVICE-TIME:  7 \r\nCONNECTION: Keep-Alive, CLOSE\r\n\r\n0\r\n\r\n";
  response_parser p;
  p.reset();
  EXPECT_EQ(p.feed(t.data(), t.size()), t.size());
  ASSERT_TRUE(p.done());
  EXPECT_TRUE(p.envoy_overloaded());
  EXPECT_TRUE(p.envoy_ratelimited());
  EXPECT_EQ(p.upstream_service_time_ms(), 7);
  EXPECT_FALSE(p.keep_alive());
}

TEST(response_parser, rejects_garbage) {
  for (const char* t : {"SSH-2.0-OpenSSH\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/2 200\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\nServer nginx\r\n\r\n",
                        "HTTP/1.1 0200 OK\r\n\r\n", "HTTP/1.1 099 OK\r\n\r\n", "HTTP/1.1 -99 OK\r\n\r\n",
                        "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200x\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    response_parser p;
    p.reset();
    p.feed(t, std::char_traits<char>::length(t));
    EXPECT_TRUE(p.failed()) << t;
    EXPECT_NE(p.error(), nullptr);
    EXPECT_FALSE(p.keep_alive());
  }
}

TEST(response_parser, eof_before_or_during_a_response_fails) {
  response_parser p;
  p.reset();
  p.on_eof();
  EXPECT_TRUE(p.failed());
  EXPECT_EQ(p.total_bytes(), 0);
  response_parser q;
  q.reset();
  q.feed(simple.data(), 20);
  q.on_eof();
  EXPECT_TRUE(q.failed());
}

TEST(response_parser, reset_reuses_the_parser) {
  response_parser p;
  for (int i = 0; i < 3; ++i) {
    p.reset();
    EXPECT_EQ(p.feed(simple.data(), simple.size()), simple.size());
    EXPECT_TRUE(p.done());
    EXPECT_EQ(p.total_bytes(), static_cast<std::int64_t>(simple.size()));
  }
}


// Everything a parser reports about one response, to compare two parses of it.
using outcome = std::tuple<std::size_t, bool, bool, int, int, std::int64_t, std::int64_t, std::int64_t, std::int64_t, bool,
                           bool, bool, std::string, bool>;

outcome parse_with(response_parser& p, const std::string& text, std::size_t step, bool head_request) {
  p.reset(head_request);
  const std::size_t used = feed_in_steps(p, text, step);
  if (!p.done() && !p.failed()) p.on_eof();
  return {used, p.done(), p.failed(), p.status(), p.http_minor(), p.header_bytes(), p.total_bytes(),
          p.content_length(), p.upstream_service_time_ms(), p.keep_alive(), p.envoy_overloaded(),
          p.envoy_ratelimited(), std::string(p.body_prefix()), p.in_head()};
}

const std::vector<std::string>& varied_responses() {
  static const std::vector<std::string> all = {
      simple,
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 30 Nov 2026 14:45:04 GMT\r\nContent-Type: text/plain\r\n"
      "Content-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 30 Nov 2026 14:45:05 GMT\r\nContent-Type: text/plain\r\n"
      "Content-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n0\r\nTrailer: t\r\n\r\n",
      "HTTP/1.1 100 Continue\r\nX-Envoy-Upstream-Service-Time: 9\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
      "HTTP/1.0 200 OK\r\n\r\nuntil close",
      "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 8\r\nx-envoy-overloaded: true\r\n"
      "x-envoy-upstream-service-time: 3\r\n\r\noverflow",
      "HTTP/1.1 429 Too Many Requests\r\nX-Envoy-RateLimited: true\r\nContent-Length: 4\r\nConnection: close\r\n\r\nslow",
      "HTTP/1.1 204 No Content\r\n\r\n",
      "HTTP/1.1 200 OK\nContent-Length: 3\n\nabc",
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello plus bytes nobody asked for",
  };
  return all;
}

// A parser with the thread's head cache reports exactly what one without it reports, whatever
// came before it, however the bytes are split and whether the request was a HEAD.
TEST(response_parser, a_cached_head_gives_what_parsing_it_gives) {
  response_head_cache cache;
  response_parser cached;
  cached.use_head_cache(&cache);
  const auto& all = varied_responses();
  for (std::size_t round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      for (const std::string* text : {&all[i], &all[(i + round) % all.size()], &all[i]}) {
        for (std::size_t step : {std::size_t{1000}, std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
          for (bool head_request : {false, true}) {
            response_parser plain;
            EXPECT_EQ(parse_with(cached, *text, step, head_request), parse_with(plain, *text, step, head_request))
                << *text << " in steps of " << step << (head_request ? " (HEAD)" : "");
          }
        }
      }
    }
  }
  EXPECT_GT(cache.hits(), 100);  // the comparisons above did use it
}

TEST(response_parser, only_a_head_read_whole_byte_for_byte_is_taken_from_the_cache) {
  const auto& all = varied_responses();
  const std::string& nginx = all[1];
  const std::string& next_second = all[2];  // the same but for its Date
  response_head_cache cache;
  response_parser p;
  p.use_head_cache(&cache);
  parse_with(p, nginx, 1000, false);
  EXPECT_EQ(cache.hits(), 0);
  parse_with(p, nginx, 1000, false);
  EXPECT_EQ(cache.hits(), 1);
  parse_with(p, next_second, 1000, false);  // one byte differs: parsed, and kept instead
  EXPECT_EQ(cache.hits(), 1);
  parse_with(p, nginx, 7, false);  // split across feeds: parsed, and not kept
  EXPECT_EQ(cache.hits(), 1);
  parse_with(p, next_second, 1000, false);
  EXPECT_EQ(cache.hits(), 2);
  // After an interim 100 the final head is not kept (a field can carry over from the interim).
  parse_with(p, all[4], 1000, false);
  parse_with(p, all[4], 1000, false);
  EXPECT_EQ(cache.hits(), 2);
  // curl's observer sees every head, and -L keeps the Location: neither uses the cache.
  recorder seen;
  for (int i = 0; i < 2; ++i) {
    p.reset(false, &seen, false);
    p.feed(next_second.data(), next_second.size());
    p.reset(false, nullptr, true);
    p.feed(next_second.data(), next_second.size());
  }
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_EQ(seen.head, next_second.substr(0, next_second.size() - 2) + next_second.substr(0, next_second.size() - 2));
}

}  // namespace
}  // namespace loadgen
