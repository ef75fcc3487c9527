#include "process.hpp"

#include <algorithm>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace loadgen::test {
namespace {

using clock_type = std::chrono::steady_clock;

// fork + exec with stdout/stderr on pipes; stdin from a pipe (input) or /dev/null.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            int* out_fd, int* err_fd, int* in_fd) {
  int out[2], err[2], in[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    setpgid(0, 0);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  close(in[0]);
  *out_fd = out[0];
  *err_fd = err[0];
  *in_fd = in[1];
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Reads what is available on the fds for up to timeout_ms; returns false once both hit EOF.
bool drain(int* fds, std::string* bufs[], int timeout_ms) {
  pollfd p[2];
  int n = 0;
  int map[2];
  for (int i = 0; i < 2; ++i)
    if (fds[i] >= 0) {
      p[n] = {fds[i], POLLIN, 0};
      map[n++] = i;
    }
  if (n == 0) return false;
  if (poll(p, static_cast<nfds_t>(n), timeout_ms) <= 0) return true;
  for (int j = 0; j < n; ++j) {
    if (!(p[j].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[65536];
    const ssize_t got = read(p[j].fd, buf, sizeof buf);
    if (got > 0) {
      bufs[map[j]]->append(buf, static_cast<size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      close(fds[map[j]]);
      fds[map[j]] = -1;
    }
  }
  return fds[0] >= 0 || fds[1] >= 0;
}

}  // namespace

process_result run(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                   const std::string& input) {
  int fds[2], in_fd;
  process_result r;
  const pid_t pid = spawn(argv, {}, &fds[0], &fds[1], &in_fd);
  if (!input.empty()) {
    // Small inputs only: fits in the pipe buffer.
    [[maybe_unused]] ssize_t w = write(in_fd, input.data(), input.size());
  }
  close(in_fd);
  std::string* bufs[2] = {&r.out, &r.err};
  const auto deadline = clock_type::now() + limit;
  while (drain(fds, bufs, 50)) {
    if (clock_type::now() > deadline) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      r.timed_out = true;
      break;
    }
  }
  for (int fd : fds)
    if (fd >= 0) close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = decode_status(status);
  return r;
}

background_process::background_process(const std::vector<std::string>& argv,
                                       const std::map<std::string, std::string>& env) {
  int in_fd;
  pid_ = spawn(argv, env, &out_fd_, &err_fd_, &in_fd);
  close(in_fd);
}

background_process::~background_process() {
  if (!done_) {
    kill_group();
    int status;
    waitpid(pid_, &status, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void background_process::signal(int sig) { kill(pid_, sig); }

void background_process::kill_group() {
  // The child leads its own process group (spawn), so this also ends what it started: nginx's
  // workers outlive a SIGKILLed master otherwise, and keep their ports.
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
}

void background_process::pump(int timeout_ms) {
  int fds[2] = {out_fd_, err_fd_};
  std::string* bufs[2] = {&result_.out, &result_.err};
  drain(fds, bufs, timeout_ms);
  out_fd_ = fds[0];
  err_fd_ = fds[1];
}

process_result background_process::wait(std::chrono::milliseconds limit) {
  if (done_) return result_;
  const auto deadline = clock_type::now() + limit;
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    pump(50);
    if (clock_type::now() > deadline) {
      kill_group();
      result_.timed_out = true;
      break;
    }
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  // Anything left after a kill.
  while (out_fd_ >= 0 || err_fd_ >= 0) pump(10);
  result_.exit_code = decode_status(status);
  done_ = true;
  return result_;
}

bool background_process::wait_for_output(const std::string& text, std::chrono::milliseconds limit) {
  const auto deadline = clock_type::now() + limit;
  while (clock_type::now() < deadline) {
    if (result_.err.find(text) != std::string::npos || result_.out.find(text) != std::string::npos)
      return true;
    if (out_fd_ < 0 && err_fd_ < 0) return false;
    pump(20);
  }
  return false;
}

std::string background_process::err_so_far() {
  pump(0);
  return result_.err;
}

std::string loadgen_binary() { return LOADGEN_BINARY; }

int free_port() {
  // The kernel picks bind(0) ports at random, so two calls can return the same port (about 1 in
  // 14,000 per pair here): a fixture that asked for five ports once got its plain-HTTP port twice,
  // once for an nginx TLS server, and nginx served TLS on both. A port is never handed out twice
  // in one process.
  static std::mutex lock;
  static std::set<int> given;
  const std::lock_guard<std::mutex> hold(lock);
  for (;;) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    const int error = errno;
    if (fd >= 0) close(fd);
    if (!ok) throw std::runtime_error(std::string("free_port: ") + std::strerror(error));
    const int port = ntohs(a.sin_port);
    if (given.insert(port).second) return port;
  }
}

bool wait_for_port(int port, std::chrono::milliseconds limit) {
  const auto deadline = clock_type::now() + limit;
  while (clock_type::now() < deadline) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::unique_ptr<background_process> start_server(int* port, const std::vector<std::string>& extra) {
  // free_port() cannot see other test processes: under ctest -j another test's server can take
  // the same port first. Ours then exits ("address already in use") while a connect to the port
  // still succeeds, and the test would talk to a server without its flags (the likely reason a
  // breaker test once waited 11 s in vain for a 503). So the server must say that it listens on
  // the port (it binds every listener before it says anything); a port taken in between is tried
  // again with another.
  for (int attempt = 1;; ++attempt) {
    *port = free_port();
    std::vector<std::string> argv{loadgen_binary(), "server", "-http-port", "127.0.0.1:" + std::to_string(*port)};
    // Fortio's default side listeners (TCP and UDP echo on 8078, redirect on 8081, gRPC on 8079)
    // stay off unless the test asks for them, so tests run in parallel never collide on those ports.
    for (const std::string flag : {"-tcp-port", "-udp-port", "-redirect-port", "-grpc-port"}) {
      if (std::find(extra.begin(), extra.end(), flag) == extra.end()) argv.insert(argv.end(), {flag, "disabled"});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto p = std::make_unique<background_process>(argv);
    if (p->wait_for_output("echo server listening on 127.0.0.1:" + std::to_string(*port))) return p;
    const std::string err = p->err_so_far();
    if (attempt < 5 && err.find("address already in use") != std::string::npos) continue;
    throw std::runtime_error("loadgen server did not start: " + err);
  }
}

std::string make_temp_dir(const std::string& tag) {
  std::string tmpl = "/tmp/loadgen-" + tag + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
  return tmpl;
}

void remove_tree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

bool wait_for_unix_socket(const std::string& path, std::chrono::milliseconds limit) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return false;
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  const auto deadline = clock_type::now() + limit;
  while (clock_type::now() < deadline) {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::unique_ptr<background_process> start_nginx(const std::string& dir, const std::string& http_block,
                                                const std::vector<int>& ports,
                                                const std::vector<std::string>& sockets) {
  {
    std::ofstream conf(dir + "/nginx.conf");
    conf << "daemon off;\nmaster_process off;\npid " << dir << "/nginx.pid;\nerror_log " << dir << "/error.log;\n"
         << "events {}\nhttp {\n  access_log off;\n"
         << "  client_body_temp_path " << dir << "/body;\n  proxy_temp_path " << dir << "/proxy;\n"
         << "  fastcgi_temp_path " << dir << "/fcgi;\n  uwsgi_temp_path " << dir << "/uwsgi;\n"
         << "  scgi_temp_path " << dir << "/scgi;\n"
         << http_block << "}\n";
    if (!conf) throw std::runtime_error("cannot write " + dir + "/nginx.conf");
  }
  // -e: the error log before the configuration is read (the default is under /var/log).
  auto p = std::make_unique<background_process>(std::vector<std::string>{
      "/usr/sbin/nginx", "-p", dir, "-e", dir + "/error.log", "-c", dir + "/nginx.conf"});
  // nginx reports a bad configuration in its error log (-e), not on stderr.
  const auto failed = [&](const std::string& where) {
    std::ifstream log(dir + "/error.log");
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    return std::runtime_error("nginx did not listen on " + where + ": " + p->err_so_far() + text);
  };
  for (int port : ports)
    if (!wait_for_port(port)) throw failed(std::to_string(port));
  for (const auto& s : sockets)
    if (!wait_for_unix_socket(s)) throw failed(s);
  return p;
}

std::vector<std::string> shell_words(const std::string& s) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(word), word.clear(), in_word = false;
    } else if (c == '"') {
      in_word = true;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
        word += s[i];
      }
    } else if (c == '\'') {
      in_word = true;
      for (++i; i < s.size() && s[i] != '\''; ++i) word += s[i];
    } else {
      in_word = true;
      word += c;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

int count_lines_starting(const std::string& text, const std::string& prefix) {
  int n = 0;
  size_t pos = 0;
  while (pos < text.size()) {  // a final newline does not start another line
    if (text.compare(pos, prefix.size(), prefix) == 0) ++n;
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return n;
}

int listen_loopback(int backlog, int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  listen(fd, backlog);
  return fd;
}

loopback_server::loopback_server(std::function<void(int fd)> serve) : serve_(std::move(serve)) {
  fd_ = listen_loopback(16, &port_);
  accept_ = std::thread([this] {
    for (;;) {
      const int conn = accept(fd_, nullptr, nullptr);
      if (conn < 0) return;  // shut down
      connections_.emplace_back([this, conn] {
        serve_(conn);
        close(conn);
      });
    }
  });
}

loopback_server::~loopback_server() {
  shutdown(fd_, SHUT_RDWR);  // wakes accept()
  accept_.join();
  for (auto& t : connections_) t.join();
  close(fd_);
}

full_backlog_listener::full_backlog_listener() {
  fd_ = listen_loopback(0, &port_);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port_));
  for (int i = 0; i < 2; ++i) {
    const int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
    fillers_.push_back(c);
  }
  // The first completes its handshake and fills the accept queue; wait for it.
  pollfd p{fillers_[0], POLLOUT, 0};
  poll(&p, 1, 2000);
}

full_backlog_listener::~full_backlog_listener() {
  for (int c : fillers_) close(c);
  close(fd_);
}

}  // namespace loadgen::test
