// The floor: the least a one-thread epoll client can do per keep-alive HTTP/1.1 call, as a
// reference row for bench/compare.sh ("how much of a tool's CPU per request is the kernel's
// TCP work that any client pays, and how much is the tool's own").
//
// Per call it makes exactly two system calls, send() and recv(), plus its share of epoll_wait():
// each socket is registered once, edge-triggered, and read only when epoll reports it readable.
// It keeps no statistics, parses nothing and allocates nothing. It is not a load tester: it
// assumes every response has the size of the first one (true of bench/nginx.sh's fixed "ok"
// answer, whose Date header has a fixed width) and exits 1 when one does not.
//
//   floor_client PORT CONNECTIONS SECONDS      (connects to 127.0.0.1:PORT, asks for /)
// Prints "floor: N calls in S s", then the CPU it used (getrusage) per call.
// Built by bench/compare.sh (c++ -O2); not part of loadgen.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "floor_report.hpp"

namespace {

struct connection {
  int fd = -1;
  bool sent_first = false;  // the first request goes out when the connect completes (EPOLLOUT)
  std::size_t have = 0;     // bytes of the current response read so far
};

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: floor_client PORT CONNECTIONS SECONDS\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int count = std::atoi(argv[2]);
  const double seconds = std::atof(argv[3]);
  if (port <= 0 || port > 65535 || count <= 0 || seconds <= 0) {
    std::fprintf(stderr, "floor_client: bad arguments\n");
    return 2;
  }
  // About the size of loadgen's own request (Host, User-Agent), so both send alike.
  const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUser-Agent: floor_client/1\r\n\r\n";

  const int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<connection> conns(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < conns.size(); ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0 && errno != EINPROGRESS) die("connect");
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.u64 = i;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    conns[i].fd = fd;
  }

  static char buffer[64 * 1024];
  std::size_t response_size = 0;  // learnt from the first response (its end: the blank line + "ok")
  long calls = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  epoll_event events[256];
  while (std::chrono::steady_clock::now() < end) {
    const int n = epoll_wait(ep, events, 256, 100);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int k = 0; k < n; ++k) {
      connection& c = conns[events[k].data.u64];
      if (events[k].events & (EPOLLERR | EPOLLHUP)) {
        std::fprintf(stderr, "floor_client: a connection failed or closed\n");
        return 1;
      }
      if (!c.sent_first) {
        if (!(events[k].events & EPOLLOUT)) continue;
        if (send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
          die("send");
        c.sent_first = true;
        continue;
      }
      if (!(events[k].events & EPOLLIN)) continue;
      // One recv(): a short read drained the socket, and the next byte to arrive is a new edge.
      const ssize_t got = recv(c.fd, buffer, sizeof buffer, 0);
      if (got <= 0) {
        if (got < 0 && errno == EAGAIN) continue;
        std::fprintf(stderr, "floor_client: the server closed a connection\n");
        return 1;
      }
      if (response_size == 0) {
        const std::string_view head(buffer, static_cast<std::size_t>(got));
        if (head.find("\r\n\r\n") == std::string_view::npos || static_cast<std::size_t>(got) == sizeof buffer) {
          std::fprintf(stderr, "floor_client: the first response did not come in one read\n");
          return 1;
        }
        response_size = static_cast<std::size_t>(got);
      }
      c.have += static_cast<std::size_t>(got);
      if (c.have < response_size) continue;
      if (c.have > response_size) {
        std::fprintf(stderr, "floor_client: responses differ in size (%zu, then %zu bytes)\n", response_size, c.have);
        return 1;
      }
      c.have = 0;
      ++calls;
      if (send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) die("send");
    }
  }
  print_cpu_per_call("floor", calls, seconds);
  return 0;
}
