#pragma once
// Runs a child process for integration tests: argv (no shell), captured stdout and stderr,
// exit status, signals, and a hard time limit so a hung child fails the test instead of CI.
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace loadgen::test {

struct process_result {
  int exit_code = -1;     // exit status, or 128+signal when killed by a signal
  bool timed_out = false; // the child was killed because it ran past the limit
  std::string out;        // everything written to stdout
  std::string err;        // everything written to stderr
};

// Runs argv to completion (or until limit, then SIGKILL). stdin is /dev/null unless input given.
process_result run(const std::vector<std::string>& argv,
                   std::chrono::milliseconds limit = std::chrono::seconds(60),
                   const std::string& input = {});

// A child running in the background (a server, or a load run to be signalled).
class background_process {
public:
  explicit background_process(const std::vector<std::string>& argv,
                              const std::map<std::string, std::string>& env = {});
  ~background_process();  // SIGKILL + wait if still running
  background_process(const background_process&) = delete;
  background_process& operator=(const background_process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  void signal(int sig);
  // Waits for exit (SIGKILL after limit) and returns what it wrote.
  process_result wait(std::chrono::milliseconds limit = std::chrono::seconds(30));
  // Blocks until stderr or stdout (as read so far) contains text, or the limit passes.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(10));
  std::string err_so_far();

private:
  void pump(int timeout_ms);
  void kill_group();  // SIGKILL to the child and everything in its process group
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool done_ = false;
  process_result result_;
};

// The built loadgen binary (LOADGEN_BINARY, set by CMake).
std::string loadgen_binary();

// A free TCP port on 127.0.0.1, never the same twice in one process. It is bound and released:
// another process could take it before the caller binds it, which is rare enough for ctest -j on
// a few CPUs, as scripts/check.sh runs.
int free_port();

// Starts `loadgen server -http-port 127.0.0.1:<port> <extra...>` and waits until it says that it
// listens on the port (another test's process may take a free port first: then another port is
// tried). Returns the port through *port. Fortio's fixed-port side listeners (-tcp-port,
// -udp-port, -redirect-port, -grpc-port) are disabled unless extra names them.
std::unique_ptr<background_process> start_server(int* port, const std::vector<std::string>& extra = {});

// Blocks until a TCP connect to 127.0.0.1:port succeeds, or limit passes.
bool wait_for_port(int port, std::chrono::milliseconds limit = std::chrono::seconds(10));

// Splits a command line as a POSIX shell would for the simple cases tests write: blanks separate
// words, "..." (with \" and \\ escapes) and '...' quote.
std::vector<std::string> shell_words(const std::string& line);

// Counts lines of text that start with prefix.
int count_lines_starting(const std::string& text, const std::string& prefix);

// A fresh directory /tmp/loadgen-<tag>-XXXXXX (mode 0700). The caller removes it (remove_tree).
std::string make_temp_dir(const std::string& tag);

// Removes a directory made by make_temp_dir, with everything in it.
void remove_tree(const std::string& dir);

// Blocks until a connect to the Unix domain socket at path succeeds, or limit passes.
bool wait_for_unix_socket(const std::string& path, std::chrono::milliseconds limit = std::chrono::seconds(10));

// Starts Debian's nginx in the foreground as one process (no daemon, no master, so killing the
// child ends it), with <dir>/nginx.conf written from http_block: the inside of the `http { }`
// block (server blocks, maps). Its pid file, error log and temporary files stay inside dir.
// Waits until every TCP port in ports (on 127.0.0.1) and every Unix socket in sockets accepts.
std::unique_ptr<background_process> start_nginx(const std::string& dir, const std::string& http_block,
                                                const std::vector<int>& ports,
                                                const std::vector<std::string>& sockets = {});

}  // namespace loadgen::test

namespace loadgen::test {

// A test suite that shares one `loadgen server` on loopback for all its tests. Each suite that
// derives from it (with its own Tag, usually itself) gets its own server.
template <class Tag, class Base = ::testing::Test>
class with_shared_server : public Base {
protected:
  static void SetUpTestSuite() { server_ = start_server(&port_).release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  static inline background_process* server_ = nullptr;
  static inline int port_ = 0;
};

// A TCP socket listening on 127.0.0.1 on a port the kernel chose (returned through *port).
int listen_loopback(int backlog, int* port);

// A TCP server on 127.0.0.1 for one test: accepts on a thread of its own and hands each
// connection to `serve` (on a thread per connection), closing it when serve returns. The
// destructor stops accepting, then joins every thread: serve must return once the client closes.
class loopback_server {
public:
  explicit loopback_server(std::function<void(int fd)> serve);
  ~loopback_server();
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;
  int port() const { return port_; }

private:
  std::function<void(int)> serve_;
  int fd_ = -1;
  int port_ = 0;
  std::vector<std::thread> connections_;  // the accept thread's until it is joined
  std::thread accept_;
};

// A listener on 127.0.0.1 that never accepts, with a backlog of 0 already filled by its own
// connections: the kernel drops further SYNs, so a connect neither succeeds nor is refused (a
// black-holed address, without leaving loopback).
class full_backlog_listener {
public:
  full_backlog_listener();
  ~full_backlog_listener();
  full_backlog_listener(const full_backlog_listener&) = delete;
  full_backlog_listener& operator=(const full_backlog_listener&) = delete;
  int port() const { return port_; }

private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

// A real proxy from Debian (tinyproxy), optionally with Basic authentication: its config goes in
// dir, it listens on a free port of 127.0.0.1 and tunnels CONNECT to any port.
class tinyproxy {
public:
  explicit tinyproxy(const std::string& dir, bool auth) {
    port_ = free_port();
    const std::string conf = dir + "/tinyproxy-" + std::to_string(port_) + ".conf";
    std::ofstream out(conf);
    out << "User nobody\nGroup nogroup\nPort " << port_ << "\nListen 127.0.0.1\nTimeout 30\nMaxClients 64\n"
        << "Allow 127.0.0.1\nLogLevel Critical\nDisableViaHeader Yes\n";
    if (auth) out << "BasicAuth user secret\n";
    out.close();
    process_ = std::make_unique<background_process>(std::vector<std::string>{"/usr/bin/tinyproxy", "-d", "-c", conf});
    EXPECT_TRUE(wait_for_port(port_)) << process_->err_so_far();
  }
  std::string url(const std::string& userinfo = "") const {
    return "http://" + (userinfo.empty() ? "" : userinfo + "@") + "127.0.0.1:" + std::to_string(port_);
  }

private:
  int port_ = 0;
  std::unique_ptr<background_process> process_;
};

}  // namespace loadgen::test
