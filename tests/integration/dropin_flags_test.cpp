// Fortio flags that change where and how connections go, end to end against nginx from Debian
// listening on three loopback addresses: -dns-method with a -resolve list (the host's addresses
// without /etc/hosts), -no-reresolve, -resolve-ip-type, -halfclose and -compression (nginx gzips
// a static file), and -profile. Exact connection spreads and sizes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "process.hpp"

namespace loadgen::test {
namespace {

// "IP addresses distribution:" then "ip:port: n" lines, as a map.
std::map<std::string, int> distribution(const std::string& err) {
  std::map<std::string, int> out;
  const std::size_t start = err.find("IP addresses distribution:\n");
  if (start == std::string::npos) return out;
  std::istringstream lines(err.substr(start + 27));
  for (std::string line; std::getline(lines, line);) {
    const std::size_t sep = line.rfind(": ");
    if (line.rfind("127.", 0) != 0 || sep == std::string::npos) break;
    out[line.substr(0, sep)] = std::stoi(line.substr(sep + 2));
  }
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class dropin_flags : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    port_ = free_port();
    dir_ = make_temp_dir("dropin");
    const std::string p = std::to_string(port_);
    std::filesystem::create_directories(dir_ + "/www");
    std::ofstream(dir_ + "/www/big.txt") << std::string(10000, 'a') << "\n";  // 10001 bytes, gzips to ~50
    const std::string http = "  server {\n    listen 127.0.0.1:" + p + ";\n    listen 127.0.0.2:" + p +
                             ";\n    listen 127.0.0.3:" + p + ";\n    root " + dir_ + "/www;\n" +
                             "    gzip on;\n    gzip_types text/plain;\n    gzip_min_length 0;\n"
                             "    keepalive_requests 100000;\n"
                             "    location = /ok { return 200 \"ok\\n\"; }\n  }\n";
    nginx_ = start_nginx(dir_, http, {port_}).release();
  }
  static void TearDownTestSuite() {
    delete nginx_;
    remove_tree(dir_);
  }
  static std::string url(const std::string& path) { return "http://target.test:" + std::to_string(port_) + path; }
  static std::string ip(int last) { return "127.0.0." + std::to_string(last) + ":" + std::to_string(port_); }
  static process_result load(std::vector<std::string> flags) {
    std::vector<std::string> argv{loadgen_binary(), "load", "-qps", "0", "-resolve", "127.0.0.1,127.0.0.2,127.0.0.3"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run(argv, std::chrono::seconds(60));
  }
  static inline background_process* nginx_ = nullptr;
  static inline int port_ = 0;
  static inline std::string dir_;
};

TEST_F(dropin_flags, cached_rr_spreads_connections_in_turn) {
  const auto r = load({"-c", "6", "-n", "12", url("/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code 200 : 12 (100.0 %)"), std::string::npos) << r.err;
  EXPECT_EQ(distribution(r.err), (std::map<std::string, int>{{ip(1), 2}, {ip(2), 2}, {ip(3), 2}})) << r.err;
}

TEST_F(dropin_flags, rr_first_and_rnd) {
  const auto rr = load({"-dns-method", "rr", "-c", "6", "-n", "12", url("/ok")});
  ASSERT_EQ(rr.exit_code, 0) << rr.err;
  EXPECT_EQ(distribution(rr.err), (std::map<std::string, int>{{ip(1), 2}, {ip(2), 2}, {ip(3), 2}})) << rr.err;
  const auto first = load({"-dns-method", "first", "-c", "6", "-n", "12", url("/ok")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(distribution(first.err), (std::map<std::string, int>{{ip(1), 6}})) << first.err;
  // rnd: every connection on one of the three, 30 in all; with 30 draws, all three are used
  // except with probability 3 * (2/3)^30 (about 1.5e-5).
  const auto rnd = load({"-dns-method", "rnd", "-c", "30", "-n", "30", url("/ok")});
  ASSERT_EQ(rnd.exit_code, 0) << rnd.err;
  const auto spread = distribution(rnd.err);
  int total = 0;
  for (const auto& [where, n] : spread) total += n;
  EXPECT_EQ(total, 30) << rnd.err;
  EXPECT_EQ(spread.size(), 3u) << rnd.err;
}

TEST_F(dropin_flags, reconnects_move_on_unless_no_reresolve) {
  // One connection closed after every call: six connects, taken in turn over the three addresses.
  const auto moving = load({"-c", "1", "-n", "6", "-keepalive=false", url("/ok")});
  ASSERT_EQ(moving.exit_code, 0) << moving.err;
  EXPECT_EQ(distribution(moving.err), (std::map<std::string, int>{{ip(1), 2}, {ip(2), 2}, {ip(3), 2}})) << moving.err;
  EXPECT_NE(moving.err.find("Sockets used: 6 (for perfect keepalive, would be 1)"), std::string::npos) << moving.err;
  // -no-reresolve: the connection keeps its first address.
  const auto kept = load({"-c", "1", "-n", "6", "-keepalive=false", "-no-reresolve", url("/ok")});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_EQ(distribution(kept.err), (std::map<std::string, int>{{ip(1), 6}})) << kept.err;
}

TEST_F(dropin_flags, resolve_ip_type_filters_a_name) {
  // localhost has 127.0.0.1 (and maybe ::1): ip4 (the default) connects over IPv4, ip6 over
  // IPv6 or says plainly that there is no such address.
  const std::string p = std::to_string(port_);
  const auto v4 = run({loadgen_binary(), "load", "-qps", "0", "-c", "1", "-n", "2", "http://localhost:" + p + "/ok"});
  ASSERT_EQ(v4.exit_code, 0) << v4.err;
  EXPECT_EQ(distribution(v4.err), (std::map<std::string, int>{{"127.0.0.1:" + p, 1}})) << v4.err;
  const auto v6 = run({loadgen_binary(), "load", "-qps", "0", "-c", "1", "-n", "2", "-resolve-ip-type", "ip6",
                       "http://localhost:" + p + "/ok"});
  if (v6.exit_code == 1) {
    EXPECT_NE(v6.err.find("no IPv6 address"), std::string::npos) << v6.err;
  } else {
    // nginx does not listen on ::1: the calls fail, but they went to [::1].
    EXPECT_NE(v6.err.find("[::1]:" + p), std::string::npos) << v6.err;
  }
}

TEST_F(dropin_flags, halfclose_still_gets_every_answer) {
  const auto r = load({"-c", "2", "-n", "10", "-keepalive=false", "-halfclose", url("/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code 200 : 10 (100.0 %)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Sockets used: 10 "), std::string::npos) << r.err;
}

TEST_F(dropin_flags, compression_counts_decompressed_bodies) {
  const auto plain = load({"-c", "1", "-n", "4", "-json", "-", url("/big.txt")});
  const auto gz = load({"-c", "1", "-n", "4", "-compression", "-json", "-", url("/big.txt")});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(gz.exit_code, 0) << gz.err;
  const auto sizes = [](const process_result& r) {
    const auto doc = boost::json::parse(r.out).as_object();
    return std::pair{doc.at("Sizes").at("Avg").to_number<double>(), doc.at("HeaderSizes").at("Avg").to_number<double>()};
  };
  const auto [plain_total, plain_head] = sizes(plain);
  const auto [gz_total, gz_head] = sizes(gz);
  EXPECT_EQ(plain_total - plain_head, 10001);  // no Accept-Encoding: nginx sends it as is
  EXPECT_EQ(gz_total - gz_head, 10001);        // gzip on the wire, counted decompressed
  EXPECT_NE(gz.err.find("Compression: gzip asked for (-compression)"), std::string::npos) << gz.err;
  // curl prints the decompressed body, and the head shows it came gzipped.
  const auto c = run({loadgen_binary(), "curl", "-compression", "-resolve", "127.0.0.1", url("/big.txt")});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, std::string(10000, 'a') + "\n");
  EXPECT_NE(c.err.find("Content-Encoding: gzip"), std::string::npos) << c.err;
}

TEST_F(dropin_flags, profile_writes_cpu_and_mem_summaries) {
  const std::string base = dir_ + "/prof";
  const auto r = load({"-c", "2", "-n", "20", "-profile", base, url("/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cpu = read_text(base + ".cpu"), mem = read_text(base + ".mem");
  EXPECT_NE(cpu.find("\ncalls 20\n"), std::string::npos) << cpu;
  EXPECT_NE(cpu.find("cpu_us_per_call "), std::string::npos) << cpu;
  EXPECT_NE(mem.find("peak_rss_kb "), std::string::npos) << mem;
  EXPECT_NE(r.err.find("Wrote profile to " + base + ".mem"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace loadgen::test
