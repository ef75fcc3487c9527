// The least an io_uring client does per keep-alive call, beside floor_client.cpp (the epoll one):
// how much of a client's CPU per request could an io_uring engine save? Not loadgen code: a
// measuring stick for compare.sh (tool "uring", plain HTTP/1.1 runs, when liburing is installed).
//
//   floor_uring PORT CONNECTIONS SECONDS [multishot|linked]
//
// multishot (default): each connection has one multishot recv for its whole life, reading into
// buffers the kernel picks from a ring shared by all connections; a call is one send (its
// completion suppressed unless it fails) and one receive completion. linked: a call is a send
// linked to a recv into the connection's own buffer. Either way the ring is set up for a single
// thread that reaps its own completions (SINGLE_ISSUER, DEFER_TASKRUN), and one io_uring_enter
// per turn submits the turn's sends and waits for the next completions. Nothing is parsed, timed
// or counted beyond the response's size (learnt from the first); prints what floor_client prints.
#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "floor_report.hpp"

namespace {

constexpr std::uint64_t recv_tag = 1ULL << 32;  // user_data: tag | connection index
constexpr std::uint64_t send_tag = 2ULL << 32;
constexpr unsigned buffer_size = 1024;          // one response fits (nginx's "ok": 149 bytes)

struct connection {
  int fd = -1;
  std::size_t have = 0;  // bytes of the current response read so far
  char own[buffer_size];  // linked mode's receive buffer
};

[[noreturn]] void die(const char* what, int err) {
  std::fprintf(stderr, "floor_uring: %s: %s\n", what, std::strerror(err));
  std::exit(1);
}

io_uring_sqe* next_sqe(io_uring& ring) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  if (sqe == nullptr) {  // the submission queue is full: hand it to the kernel and go on
    io_uring_submit(&ring);
    sqe = io_uring_get_sqe(&ring);
    if (sqe == nullptr) die("io_uring_get_sqe", EBUSY);
  }
  return sqe;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: floor_uring PORT CONNECTIONS SECONDS [multishot|linked]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int count = std::atoi(argv[2]);
  const double seconds = std::atof(argv[3]);
  const std::string_view mode = argc == 5 ? argv[4] : "multishot";
  const bool multishot = mode == "multishot";
  if (port <= 0 || port > 65535 || count <= 0 || count > 16384 || seconds <= 0 || (!multishot && mode != "linked")) {
    std::fprintf(stderr, "floor_uring: bad arguments\n");
    return 2;
  }
  const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUser-Agent: floor_client/1\r\n\r\n";

  // Connect first (blocking, one at a time: loopback), then switch to the ring.
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<connection> conns(static_cast<std::size_t>(count));
  for (connection& c : conns) {
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c.fd < 0) die("socket", errno);
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) die("connect", errno);
  }

  unsigned entries = 1;
  while (entries < static_cast<unsigned>(2 * count)) entries <<= 1;
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
  params.cq_entries = 2 * entries;
  io_uring ring{};
  if (const int err = io_uring_queue_init_params(entries, &ring, &params); err < 0) die("io_uring_queue_init_params", -err);

  // Multishot: a ring of provided buffers, twice as many as connections (each holds one at most
  // between its completion and its recycling, which is at once).
  const unsigned buffers = entries;
  io_uring_buf_ring* buf_ring = nullptr;
  std::vector<char> pool;
  if (multishot) {
    const std::size_t ring_bytes = sizeof(io_uring_buf) * buffers;
    void* mem = mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (mem == MAP_FAILED) die("mmap", errno);
    buf_ring = static_cast<io_uring_buf_ring*>(mem);
    io_uring_buf_ring_init(buf_ring);
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uint64_t>(mem);
    reg.ring_entries = buffers;
    reg.bgid = 0;
    if (const int err = io_uring_register_buf_ring(&ring, &reg, 0); err < 0) die("io_uring_register_buf_ring", -err);
    pool.resize(static_cast<std::size_t>(buffers) * buffer_size);
    for (unsigned b = 0; b < buffers; ++b)
      io_uring_buf_ring_add(buf_ring, pool.data() + static_cast<std::size_t>(b) * buffer_size, buffer_size,
                            static_cast<unsigned short>(b), io_uring_buf_ring_mask(buffers), static_cast<int>(b));
    io_uring_buf_ring_advance(buf_ring, static_cast<int>(buffers));
  }

  auto arm_recv = [&](std::size_t i) {
    io_uring_sqe* sqe = next_sqe(ring);
    if (multishot) {
      io_uring_prep_recv_multishot(sqe, conns[i].fd, nullptr, 0, 0);
      sqe->flags |= IOSQE_BUFFER_SELECT;
      sqe->buf_group = 0;
    } else {
      io_uring_prep_recv(sqe, conns[i].fd, conns[i].own, buffer_size, 0);
    }
    io_uring_sqe_set_data64(sqe, recv_tag | i);
  };
  auto send_request = [&](std::size_t i) {
    io_uring_sqe* sqe = next_sqe(ring);
    io_uring_prep_send(sqe, conns[i].fd, request.data(), request.size(), MSG_NOSIGNAL);
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;  // a completion only if it fails
    if (!multishot) sqe->flags |= IOSQE_IO_LINK;  // the recv after it starts once it is done
    io_uring_sqe_set_data64(sqe, send_tag | i);
    if (!multishot) arm_recv(i);
  };
  for (std::size_t i = 0; i < conns.size(); ++i) {
    if (multishot) arm_recv(i);
    send_request(i);
  }

  std::size_t response_size = 0;
  long calls = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    const int err = io_uring_submit_and_wait(&ring, 1);
    if (err < 0 && err != -EINTR) die("io_uring_submit_and_wait", -err);
    unsigned head = 0;
    unsigned seen = 0;
    unsigned recycled = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      const std::uint64_t data = io_uring_cqe_get_data64(cqe);
      const std::size_t i = data & 0xffffffffULL;
      if ((data & ~0xffffffffULL) == send_tag) die("send", -cqe->res);
      connection& c = conns[i];
      if (cqe->res == -ENOBUFS && multishot) {  // no buffer was free: the multishot ended; arm again
        arm_recv(i);
        continue;
      }
      if (cqe->res <= 0) {
        if (cqe->res == -ECANCELED) die("recv", ECANCELED);  // a failed linked send cancels its recv
        std::fprintf(stderr, "floor_uring: the server closed a connection or a read failed (%d)\n", cqe->res);
        return 1;
      }
      const char* got = c.own;
      if (multishot) {
        const unsigned id = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
        char* buffer = pool.data() + static_cast<std::size_t>(id) * buffer_size;
        got = buffer;  // read below, before the kernel can reuse it (recycled at the next enter)
        io_uring_buf_ring_add(buf_ring, buffer, buffer_size, static_cast<unsigned short>(id),
                              io_uring_buf_ring_mask(buffers), static_cast<int>(recycled++));
        if (!(cqe->flags & IORING_CQE_F_MORE)) arm_recv(i);  // the kernel ended this multishot
      }
      const auto n = static_cast<std::size_t>(cqe->res);
      if (response_size == 0) {
        if (std::string_view(got, n).find("\r\n\r\n") == std::string_view::npos || n == buffer_size) {
          std::fprintf(stderr, "floor_uring: the first response did not come in one read\n");
          return 1;
        }
        response_size = n;
      }
      c.have += n;
      if (c.have < response_size) {
        if (!multishot) arm_recv(i);
        continue;
      }
      if (c.have > response_size) {
        std::fprintf(stderr, "floor_uring: responses differ in size (%zu, then %zu bytes)\n", response_size, c.have);
        return 1;
      }
      c.have = 0;
      ++calls;
      send_request(i);
    }
    io_uring_cq_advance(&ring, seen);
    if (recycled > 0) io_uring_buf_ring_advance(buf_ring, static_cast<int>(recycled));
  }
  print_cpu_per_call("uring", calls, seconds);
  io_uring_queue_exit(&ring);
  return 0;
}
