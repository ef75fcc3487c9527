#include "loadgen/wire/gunzip_observer.hpp"

#include <string>

#include <gtest/gtest.h>
#include <zlib.h>

namespace loadgen {
namespace {

std::string gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.erase(static_cast<std::size_t>(z.total_out));  // (not resize: GCC 12 -O1 warns it might grow)
  deflateEnd(&z);
  return out;
}

struct collector final : response_observer {
  std::string head, body;
  void on_head(std::string_view h) override { head = h; }
  void on_body(std::string_view b) override { body += b; }
};

TEST(GunzipObserver, HeadSaysGzip) {
  EXPECT_TRUE(head_says_gzip("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"));
  EXPECT_TRUE(head_says_gzip("HTTP/1.1 200 OK\r\ncontent-encoding:  X-GZIP \r\n\r\n"));
  EXPECT_FALSE(head_says_gzip("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n"));
  EXPECT_FALSE(head_says_gzip("HTTP/1.1 200 OK\r\nX-Content-Encoding: gzip\r\n\r\n"));
  EXPECT_FALSE(head_says_gzip("HTTP/1.1 200 gzip\r\n\r\n"));
}

TEST(GunzipObserver, InflatesInAnyPiecesAndCounts) {
  const std::string text(100000, 'x');
  const std::string packed = gzip(text);
  ASSERT_LT(packed.size(), 1000u);
  collector next;
  gunzip_observer g(&next);
  g.on_head("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n");
  for (std::size_t i = 0; i < packed.size(); i += 7) g.on_body(std::string_view(packed).substr(i, 7));
  EXPECT_TRUE(g.gzip());
  EXPECT_FALSE(g.corrupt());
  EXPECT_EQ(g.body_bytes(), 100000);
  EXPECT_EQ(next.body, text);
  // The next response on the connection is plain: counted and passed as is.
  g.on_head("HTTP/1.1 200 OK\r\n\r\n");
  g.on_body("plain");
  EXPECT_FALSE(g.gzip());
  EXPECT_EQ(g.body_bytes(), 5);
  EXPECT_EQ(next.body, text + "plain");
}

TEST(GunzipObserver, CorruptBodyStopsInflating) {
  std::string packed = gzip(std::string(1000, 'y'));
  packed[12] = static_cast<char>(packed[12] ^ 0x55);
  packed[13] = static_cast<char>(packed[13] ^ 0x55);
  gunzip_observer g;
  g.on_head("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n");
  g.on_body(packed);
  EXPECT_TRUE(g.corrupt());
  EXPECT_LT(g.body_bytes(), 1000);
}

}  // namespace
}  // namespace loadgen
