#include "loadgen/core/access_log_line.hpp"

#include <gtest/gtest.h>

#include "loadgen/core/grpc_outcome.hpp"

#include <string>

namespace loadgen {
namespace {

access_log_entry entry(nanos latency, std::int64_t unix_ns, int thread, std::int64_t iter, int status,
                       std::int64_t body = 0) {
  access_log_entry e;
  e.latency = latency;
  e.unix_ns = unix_ns;
  e.thread = thread;
  e.iter = iter;
  e.status = status;
  e.body_bytes = body;
  return e;
}

std::string line(access_log_format f, const access_log_entry& e, const access_log_request& r = {}) {
  std::string out;
  append_access_log_line(out, f, e, r);
  return out;
}

// The lines below are Fortio 1.65.0's own (round2/access.json, and runs against `fortio server`
// with ?status=503 and a refused port), with the values fed back in.
TEST(access_log_line, json_as_fortio_prints_it) {
  EXPECT_EQ(line(access_log_format::json, entry(154'151, 1795946382777312136, 0, 0, 200)),
            "{\"latency\":0.000154,\"timestamp\":1795946382777312136,\"thread\":0,\"iter\":0,\"ok\":true,"
            "\"details\":\"200\"}\n");
  EXPECT_EQ(line(access_log_format::json, entry(603'000, 1795958725091706887, 1, 7, 503)),
            "{\"latency\":0.000603,\"timestamp\":1795958725091706887,\"thread\":1,\"iter\":7,\"ok\":false,"
            "\"details\":\"503\"}\n");
  // A transport error (here: connection refused) is details "-1", not ok.
  EXPECT_EQ(line(access_log_format::json, entry(328'400, 1795958725115180798, 0, 0, -1)),
            "{\"latency\":0.000328,\"timestamp\":1795958725115180798,\"thread\":0,\"iter\":0,\"ok\":false,"
            "\"details\":\"-1\"}\n");
  // Seconds past 1 keep six decimals (Go's %f); the last digit is rounded, not cut.
  EXPECT_EQ(line(access_log_format::json, entry(1'100'755'600, 5, 12, 123456, 200)),
            "{\"latency\":1.100756,\"timestamp\":5,\"thread\":12,\"iter\":123456,\"ok\":true,\"details\":\"200\"}\n");
}

TEST(access_log_line, ok_is_fortios_rule) {
  const auto ok_of = [](int status) {
    const std::string l = line(access_log_format::json, entry(1000, 1, 0, 0, status));
    return l.find("\"ok\":true") != std::string::npos;
  };
  EXPECT_TRUE(ok_of(200));
  EXPECT_TRUE(ok_of(201));
  EXPECT_TRUE(ok_of(204));
  EXPECT_TRUE(ok_of(418));  // Fortio counts 418 as OK, in its access log too
  EXPECT_FALSE(ok_of(302));
  EXPECT_FALSE(ok_of(404));
  EXPECT_FALSE(ok_of(503));
  EXPECT_FALSE(ok_of(-1));
}

TEST(access_log_line, influx_as_fortio_prints_it) {
  EXPECT_EQ(line(access_log_format::influx, entry(498'000, 1795946383797290433, 0, 0, 200)),
            "latency,thread=0,ok=true value=0.000498,details=\"200\" 1795946383797290433\n");
  EXPECT_EQ(line(access_log_format::influx, entry(230'499, 1795958725104817091, 3, 1, 503)),
            "latency,thread=3,ok=false value=0.000230,details=\"503\" 1795958725104817091\n");
  EXPECT_EQ(line(access_log_format::influx, entry(3'000'000'000, 42, 0, 9, -1)),
            "latency,thread=0,ok=false value=3.000000,details=\"-1\" 42\n");
}

TEST(access_log_line, siege_as_siege_verbose_prints_it) {
  access_log_request get;
  get.display = "/path";
  // siege: "%s %d%s %5.2f secs: %7lu bytes ==> %-4s %s" with "   " for "not cached".
  EXPECT_EQ(line(access_log_format::siege, entry(10'000'000, 1, 0, 0, 503, 81), get),
            "HTTP/1.1 503     0.01 secs:      81 bytes ==> GET  /path\n");
  EXPECT_EQ(line(access_log_format::siege, entry(1'234'000, 1, 0, 0, 200, 1234567), get),
            "HTTP/1.1 200     0.00 secs: 1234567 bytes ==> GET  /path\n");
  // Wider values push the columns, as printf does.
  EXPECT_EQ(line(access_log_format::siege, entry(123'456'000'000, 1, 0, 0, 200, 12345678), get),
            "HTTP/1.1 200    123.46 secs: 12345678 bytes ==> GET  /path\n");
  // A transport error: code -1 (Fortio's), no body.
  EXPECT_EQ(line(access_log_format::siege, entry(5'000'000, 1, 0, 0, -1, 0), get),
            "HTTP/1.1 -1     0.01 secs:       0 bytes ==> GET  /path\n");
  // Other methods show the absolute URL; a 4-letter method fills its column.
  access_log_request post;
  post.method = "POST";
  post.display = "http://h:8080/x?y=1";
  EXPECT_EQ(line(access_log_format::siege, entry(1'250'000'000, 1, 0, 0, 201, 0), post),
            "HTTP/1.1 201     1.25 secs:       0 bytes ==> POST http://h:8080/x?y=1\n");
  access_log_request del;
  del.method = "DELETE";
  del.display = "http://h/x";
  EXPECT_EQ(line(access_log_format::siege, entry(20'000'000, 1, 0, 0, 204, 0), del),
            "HTTP/1.1 204     0.02 secs:       0 bytes ==> DELETE http://h/x\n");
}

TEST(access_log_line, appends_after_what_is_there) {
  std::string out = "first\n";
  append_access_log_line(out, access_log_format::influx, entry(1000, 7, 0, 0, 200), {});
  append_access_log_line(out, access_log_format::influx, entry(2000, 8, 1, 0, 200), {});
  EXPECT_EQ(out,
            "first\n"
            "latency,thread=0,ok=true value=0.000001,details=\"200\" 7\n"
            "latency,thread=1,ok=true value=0.000002,details=\"200\" 8\n");
}

// -grpc: details is the status's name, as Fortio's gRPC runner writes it; ok is SERVING only.
TEST(access_log_line, grpc_details_are_status_names) {
  access_log_request grpc;
  grpc.grpc = true;
  EXPECT_EQ(line(access_log_format::json, entry(1000, 5, 0, 0, status_grpc_serving), grpc),
            "{\"latency\":0.000001,\"timestamp\":5,\"thread\":0,\"iter\":0,\"ok\":true,\"details\":\"SERVING\"}\n");
  EXPECT_EQ(line(access_log_format::json, entry(1000, 5, 0, 1, status_grpc_unavailable), grpc),
            "{\"latency\":0.000001,\"timestamp\":5,\"thread\":0,\"iter\":1,\"ok\":false,\"details\":\"UNAVAILABLE\"}\n");
  EXPECT_EQ(line(access_log_format::influx, entry(1000, 5, 1, 0, grpc_health_base + 2), grpc),
            "latency,thread=1,ok=false value=0.000001,details=\"NOT_SERVING\" 5\n");
  EXPECT_EQ(line(access_log_format::json, entry(1000, 5, 0, 2, -1), grpc),
            "{\"latency\":0.000001,\"timestamp\":5,\"thread\":0,\"iter\":2,\"ok\":false,\"details\":\"ERROR\"}\n");
}

TEST(access_log_line, format_names_and_logger_info) {
  EXPECT_EQ(parse_access_log_format("json"), access_log_format::json);
  EXPECT_EQ(parse_access_log_format("influx"), access_log_format::influx);
  EXPECT_EQ(parse_access_log_format("siege"), access_log_format::siege);
  EXPECT_EQ(parse_access_log_format("JSON"), std::nullopt);
  EXPECT_EQ(parse_access_log_format(""), std::nullopt);
  EXPECT_EQ(name_of(access_log_format::influx), "influx");
  // Fortio's AccessLoggerInfo: "mode <format> to <file>", "" without a log.
  EXPECT_EQ(access_logger_info("access.json", access_log_format::json), "mode json to access.json");
  EXPECT_EQ(access_logger_info("/tmp/a.influx", access_log_format::influx), "mode influx to /tmp/a.influx");
  EXPECT_EQ(access_logger_info("-", access_log_format::siege), "mode siege to stdout");
  EXPECT_EQ(access_logger_info("", access_log_format::json), "");
}

}  // namespace
}  // namespace loadgen
