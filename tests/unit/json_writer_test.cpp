#include "loadgen/report/json_writer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace loadgen {
namespace {

TEST(go_json_string, plain_text_is_quoted) {
  EXPECT_EQ(go_json_string(""), "\"\"");
  EXPECT_EQ(go_json_string("HTTP"), "\"HTTP\"");
  EXPECT_EQ(go_json_string("127.0.0.1:18080/echo?status=503:25 , vm"), "\"127.0.0.1:18080/echo?status=503:25 , vm\"");
}

TEST(go_json_string, escapes_as_go) {
  EXPECT_EQ(go_json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(go_json_string("\n\r\t"), R"("\n\r\t")");
  // Other control characters, \b and \f included, as \u00XX with lower-case hex.
  EXPECT_EQ(go_json_string(std::string("\x00\x01\b\f\x1b\x1f", 6)), R"("\u0000\u0001\u0008\u000c\u001b\u001f")");
  EXPECT_EQ(go_json_string("\x7f"), "\"\x7f\"");  // DEL is not escaped
  // HTML-sensitive characters (Go's default SetEscapeHTML(true)).
  EXPECT_EQ(go_json_string("?a=1&b=<2>"), R"("?a=1\u0026b=\u003c2\u003e")");
  EXPECT_EQ(go_json_string("'/"), R"("'/")");
}

TEST(go_json_string, utf8) {
  EXPECT_EQ(go_json_string("Φορτίο µs €"), "\"Φορτίο µs €\"");
  EXPECT_EQ(go_json_string("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");  // 4-byte sequence kept
  EXPECT_EQ(go_json_string("a\xE2\x80\xA8" "b\xE2\x80\xA9"), R"("a\u2028b\u2029")");
  EXPECT_EQ(go_json_string("\xE2\x80\xAA"), "\"\xE2\x80\xAA\"");  // U+202A is not escaped
}

TEST(go_json_string, invalid_utf8_becomes_replacement_per_byte) {
  EXPECT_EQ(go_json_string("a\xff" "b"), R"("a\ufffdb")");
  EXPECT_EQ(go_json_string("\xE2\x82"), R"("\ufffd\ufffd")");          // truncated 3-byte sequence
  EXPECT_EQ(go_json_string("\xC0\xAF"), R"("\ufffd\ufffd")");          // overlong '/'
  EXPECT_EQ(go_json_string("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate U+D800
  EXPECT_EQ(go_json_string("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
  EXPECT_EQ(go_json_string("\x80"), R"("\ufffd")");
}

TEST(json_writer, marshal_indent_layout) {
  json_writer w;
  w.begin_object();
  w.key("RunType");
  w.value("HTTP");
  w.key("Count");
  w.value(30);
  w.key("Min");
  w.value(0.000047581);
  w.key("Percent");
  w.value(100.0);
  w.key("Big");
  w.value(std::int64_t{3000000000});
  w.key("Flag");
  w.value(false);
  w.key("Data");
  w.null();
  w.key("Pair");
  w.begin_array();
  w.value(0);
  w.value(0);
  w.end_array();
  w.key("Nested");
  w.begin_array();
  w.begin_object();
  w.key("Start");
  w.value(0.001);
  w.end_object();
  w.end_array();
  w.key("Map");
  w.begin_object();
  w.key("200");
  w.value(22);
  w.end_object();
  w.end_object();
  EXPECT_EQ(w.str(), R"({
  "RunType": "HTTP",
  "Count": 30,
  "Min": 0.000047581,
  "Percent": 100,
  "Big": 3000000000,
  "Flag": false,
  "Data": null,
  "Pair": [
    0,
    0
  ],
  "Nested": [
    {
      "Start": 0.001
    }
  ],
  "Map": {
    "200": 22
  }
}
)");
}

TEST(json_writer, empty_containers) {
  json_writer w;
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.end_array();
  w.key("b");
  w.begin_object();
  w.end_object();
  w.end_object();
  EXPECT_EQ(w.str(), "{\n  \"a\": [],\n  \"b\": {}\n}\n");

  json_writer empty;
  empty.begin_object();
  empty.end_object();
  EXPECT_EQ(empty.str(), "{}\n");
}

TEST(json_writer, newline_only_once_the_document_is_closed) {
  json_writer w;
  EXPECT_EQ(w.str(), "");
  w.begin_array();
  w.value("x");
  EXPECT_EQ(w.str(), "[\n  \"x\"");
  w.end_array();
  EXPECT_EQ(w.str(), "[\n  \"x\"\n]\n");
}

TEST(json_writer, keys_and_numbers_use_go_formats) {
  json_writer w;
  w.begin_object();
  w.key("a<b");
  w.value(1e-7);
  w.key("n");
  w.value(-1);
  w.key("q");
  w.value(5584.265921254032);
  w.end_object();
  EXPECT_EQ(w.str(), "{\n  \"a\\u003cb\": 1e-7,\n  \"n\": -1,\n  \"q\": 5584.265921254032\n}\n");
}

}  // namespace
}  // namespace loadgen
