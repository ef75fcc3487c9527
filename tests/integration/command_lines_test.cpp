// Fortio command lines from public scripts and tutorials (tests/data/fortio_command_lines.txt),
// each run with loadgen in Fortio's place against loopback servers: every one must run and give
// its report. The file's header lists the only rewrites (program, target host, files, ports).
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>

#include "process.hpp"

namespace loadgen::test {
namespace {

struct command_line {
  std::string source;
  std::string text;
  int line = 0;
};

void PrintTo(const command_line& c, std::ostream* os) { *os << c.text; }

std::vector<command_line> corpus() {
  std::vector<command_line> out;
  std::ifstream in(std::string(LOADGEN_SOURCE_DIR) + "/tests/data/fortio_command_lines.txt");
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const std::size_t bar = line.find(" | ");
    out.push_back({line.substr(0, bar), line.substr(bar + 3), n});
  }
  return out;
}

bool has(const std::vector<std::string>& w, const std::string& flag) {
  for (const auto& a : w)
    if (a == flag || a.rfind(flag + "=", 0) == 0) return true;
  return false;
}

class command_lines : public ::testing::TestWithParam<command_line> {
protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("command-lines");
    tcp_port_ = free_port();
    udp_port_ = tcp_port_;  // Fortio's default shares one number for both
    grpc_port_ = free_port();
    server_ = start_server(&port_, {"-tcp-port", std::to_string(tcp_port_), "-udp-port", std::to_string(udp_port_),
                                    "-grpc-port", std::to_string(grpc_port_)})
                  .release();
  }
  static void TearDownTestSuite() {
    delete server_;
    remove_tree(dir_);
  }

  // The rewrites the corpus file's header lists; returns argv for the built loadgen.
  static std::vector<std::string> rewrite(const std::string& text) {
    std::vector<std::string> words = shell_words(text);
    std::size_t start = 0;
    // The program is the "fortio" followed by a command ("kubectl exec -it fortio -- fortio load": the second).
    const auto is_command = [](const std::string& w) {
      return w == "load" || w == "curl" || w == "server" || w == "tcp-echo" || w == "udp-echo";
    };
    while (start + 1 < words.size() &&
           !((words[start] == "fortio" || words[start].ends_with("/fortio")) && is_command(words[start + 1])))
      ++start;
    EXPECT_LT(start, words.size()) << text;
    std::vector<std::string> argv{loadgen_binary()};
    const std::regex target(R"(^https?://[^/?]+)");
    const std::regex tcp(R"(^(tcp|udp)://[^/]+)");
    const std::string http_base = "http://127.0.0.1:" + std::to_string(port_);
    // -grpc: the target (host:port, or http(s)://host[:port]) is the server's gRPC port.
    const bool grpc = std::find(words.begin(), words.end(), "-grpc") != words.end();
    const std::regex grpc_target(R"(^(https?://[^/?]+/?|[A-Za-z0-9.-]+:[0-9]+)$)");
    for (std::size_t i = start + 1; i < words.size(); ++i) {
      std::string w = words[i];
      if (grpc && std::regex_match(w, grpc_target)) w = "127.0.0.1:" + std::to_string(grpc_port_);
      w = std::regex_replace(w, target, http_base);
      if (std::regex_search(w, tcp)) w = w.substr(0, 6) + "127.0.0.1:" + std::to_string(w[0] == 't' ? tcp_port_ : udp_port_);
      // File flags: the same name in the temporary directory. "-json -" stays stdout.
      for (const std::string flag : {"-json", "-access-log-file", "-profile", "-data-dir"}) {
        const auto base = [&](const std::string& v) {
          return flag == "-data-dir" ? dir_ : dir_ + "/" + v.substr(v.rfind('/') + 1);
        };
        if (w.rfind(flag + "=", 0) == 0 && w.substr(flag.size() + 1) != "-") w = flag + "=" + base(w.substr(flag.size() + 1));
        else if (w == flag && i + 1 < words.size() && words[i + 1] != "-") {
          argv.push_back(w);
          w = base(words[++i]);
        }
      }
      argv.push_back(w);
    }
    const std::string& command = argv.size() > 1 ? argv[1] : "";
    if (command == "load" && has(argv, "-a") && !has(argv, "-data-dir")) argv.insert(argv.end() - 1, {"-data-dir", dir_});
    return argv;
  }

  static inline background_process* server_ = nullptr;
  static inline int port_ = 0, tcp_port_ = 0, udp_port_ = 0, grpc_port_ = 0;
  static inline std::string dir_;
};

// Moves every listening port of a server-type command to a free one; returns the HTTP (or echo) one.
int free_server_ports(std::vector<std::string>& argv) {
  const bool tcp_echo = argv[1] == "tcp-echo" || argv[1] == "udp-echo";
  int main_port = 0;
  for (const std::string flag : {"-http-port", "-tcp-port", "-udp-port", "-grpc-port", "-redirect-port"}) {
    auto it = std::find_if(argv.begin(), argv.end(), [&](const std::string& a) { return a == flag || a.rfind(flag + "=", 0) == 0; });
    const int p = free_port();
    if (it == argv.end()) {
      const bool opened = flag == "-http-port" || (tcp_echo ? flag == "-tcp-port" || flag == "-udp-port" : true);
      argv.push_back(flag);
      argv.push_back(opened ? std::to_string(p) : "disabled");
      if ((flag == "-http-port" && !tcp_echo) || (tcp_echo && flag == "-tcp-port")) main_port = p;
      continue;
    }
    std::string& value = it->find('=') != std::string::npos ? *it : *(it + 1);
    const std::size_t eq = value.find('='), colon = value.rfind(':');
    const std::string v = eq != std::string::npos ? value.substr(eq + 1) : value;
    if (v == "disabled") continue;
    const std::string host = colon != std::string::npos && colon > (eq == std::string::npos ? 0 : eq) ? v.substr(0, v.rfind(':') + 1) : "";
    value = (eq != std::string::npos ? flag + "=" : "") + host + std::to_string(p);
    if ((flag == "-http-port" && !tcp_echo) || (tcp_echo && flag == "-tcp-port")) main_port = p;
  }
  return main_port;
}

TEST_P(command_lines, runs_with_loadgen_in_fortios_place) {
  const command_line& c = GetParam();
  SCOPED_TRACE(c.source + " | " + c.text + " (line " + std::to_string(c.line) + ")");
  std::vector<std::string> argv = rewrite(c.text);
  ASSERT_GE(argv.size(), 2u);
  const std::string command = argv[1];
  if (command == "server" || command == "tcp-echo" || command == "udp-echo") {
    const int port = free_server_ports(argv);
    background_process p(argv);
    EXPECT_TRUE(wait_for_port(port)) << p.err_so_far();
    p.signal(SIGTERM);
    const auto r = p.wait();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return;
  }
  if (command == "curl") {
    const auto r = run(argv, std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("HTTP/1.1 200"), std::string::npos) << r.err;
    return;
  }
  ASSERT_EQ(command, "load");
  process_result r;
  if (has(argv, "-curl")) {
    r = run(argv, std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return;
  }
  bool started = true;
  if (!has(argv, "-n")) {  // a timed run: stop it early, as a user would with ^C
    background_process p(argv);
    // -quiet prints nothing before the end: then give it the same time to start.
    started = p.wait_for_output("Starting at", std::chrono::seconds(has(argv, "-quiet") ? 2 : 10));
    if (started || has(argv, "-quiet")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      p.signal(SIGINT);
    }
    r = p.wait(std::chrono::seconds(30));
  } else {
    r = run(argv, std::chrono::seconds(60));
  }
  // A URL that asks the server for random errors ("status=503:0.5") can fail a warmup call; the
  // run then stops before it starts, with Fortio's line and exit 1, as Fortio's does.
  if (c.text.find("status=") != std::string::npos && !has(argv, "-allow-initial-errors") && r.exit_code == 1 &&
      r.err.find("Aborting because of error 503") != std::string::npos) {
    EXPECT_EQ(r.err.find("All done"), std::string::npos) << r.err;
    return;
  }
  EXPECT_TRUE(started || has(argv, "-quiet")) << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("All done"), std::string::npos) << r.err;
  const bool stream = c.text.find("tcp://") != std::string::npos || c.text.find("udp://") != std::string::npos;
  const bool grpc = has(argv, "-grpc");
  const std::regex code_line(stream ? R"(\n(tcp|udp) OK : (\d+) )"
                             : grpc ? R"(\n(?:Ping|Health) ([A-Z_]+) : (\d+)\n)"
                                    : R"(\nCode +(-?\d+) : (\d+) )");
  std::int64_t counted = 0;
  for (std::sregex_iterator it(r.err.begin(), r.err.end(), code_line), end; it != end; ++it) counted += std::stoll((*it)[2]);
  const std::regex done(R"(All done (\d+) calls)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, done)) << r.err;
  EXPECT_EQ(counted, std::stoll(m[1])) << "the Code lines add up to the calls\n" << r.err;
  if (has(argv, "-n") && !has(argv, "-abort-on")) {
    const auto n = std::find(argv.begin(), argv.end(), "-n");
    EXPECT_EQ(std::stoll(m[1]), std::stoll(*(n + 1))) << r.err;
  }
  if (has(argv, "-json") && std::find(argv.begin(), argv.end(), "-") != argv.end()) {
    EXPECT_NO_THROW(boost::json::parse(r.out)) << r.out;
  }
}

std::string name_of(const ::testing::TestParamInfo<command_line>& info) { return "line_" + std::to_string(info.param.line); }

INSTANTIATE_TEST_SUITE_P(corpus, command_lines, ::testing::ValuesIn(corpus()), name_of);

}  // namespace
}  // namespace loadgen::test
