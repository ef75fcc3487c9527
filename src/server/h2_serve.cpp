// The echo server's HTTP/2 connection: a reader (socket -> nghttp2_session_mem_recv), a writer
// (nghttp2_session_mem_send -> socket, woken when there is something to send), and one answer
// coroutine per request stream (breaker, delay, answer). All on the connection's thread; nothing
// is locked. The serve coroutine returns only when the reader, the writer and every answer have
// ended, so nothing outlives the socket and the connection entry it was given.
#include "h2_serve.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "grpc_handler.hpp"
#include "loadgen/wire/forward_specs.hpp"
#include "loadgen/wire/grpc_rules.hpp"
#include "loadgen/wire/h2_memory.hpp"
#include "loadgen/wire/h2_server_rules.hpp"

namespace loadgen {

namespace net = boost::asio;
namespace http = boost::beast::http;
using net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t read_buffer_size = 16 * 1024;
constexpr std::size_t write_batch = 64 * 1024;        // frames gathered per socket write
constexpr std::int32_t stream_window = 1 << 20;       // our SETTINGS_INITIAL_WINDOW_SIZE: request bodies
constexpr std::int32_t connection_window = 16 << 20;  // the connection's receive window
constexpr std::int64_t header_limit = 64 * 1024;      // as the HTTP/1.1 path: beyond it, 431
constexpr std::size_t grpc_max_message = 4 << 20;     // grpc-go's default receive limit (4 MiB)

using header_list = std::vector<std::pair<std::string, std::string>>;

// One request stream, from its HEADERS to the end of its answer.
struct h2_stream {
  echo_request req;
  std::int64_t header_bytes = 0;
  bool header_too_large = false, body_too_large = false;
  bool head = false;
  bool closed = false;    // the stream is gone (client reset, or answered and sent)
  echo_body answer;       // once submitted: the body nghttp2 reads from
  std::size_t sent = 0;   // of answer.body()
  bool grpc_ok_trailer = false;  // the body is followed by trailers saying grpc-status 0
  bool grpc_gzip = false;        // gRPC: the request said grpc-encoding: gzip
  nanos deadline = 0;     // gRPC: when grpc-timeout says the client stops waiting (steady clock); 0: none
};

template <class Stream>
tcp::socket& lowest(Stream& s) {
  if constexpr (std::is_same_v<Stream, tcp::socket>) return s;
  else return s.next_layer();
}

nghttp2_nv header(const std::string& name, const std::string& value) {
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
                    NGHTTP2_NV_FLAG_NONE};
}

// A header named by a string literal; nghttp2 copies the value (which must outlive the submit).
template <std::size_t N>
nghttp2_nv named_header(const char (&name)[N], const std::string& value) {
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name)), reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())),
                    N - 1, value.size(), NGHTTP2_NV_FLAG_NO_COPY_NAME};
}

// A header from two string literals (static storage: nghttp2 need not copy them).
template <std::size_t N, std::size_t V>
constexpr nghttp2_nv literal_header(const char (&name)[N], const char (&value)[V]) {
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name)), reinterpret_cast<uint8_t*>(const_cast<char*>(value)),
                    N - 1, V - 1, NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE};
}

template <class Stream>
class h2_server : public std::enable_shared_from_this<h2_server<Stream>> {
public:
  h2_server(Stream& stream, server_thread& t, shared_state& sh, connection_state& state, const std::string& peer,
            h2_service service)
      : stream_(stream), t_(t), sh_(sh), state_(state), peer_(peer), grpc_(service == h2_service::grpc),
        writer_signal_(t.ctx), done_signal_(t.ctx) {}
  ~h2_server() {
    if (h2_) nghttp2_session_del(h2_);
  }
  h2_server(const h2_server&) = delete;
  h2_server& operator=(const h2_server&) = delete;

  net::awaitable<void> run(std::string_view already_read, h2c_upgrade* upgrade);

private:
  bool start(h2c_upgrade* upgrade);
  bool receive(const char* data, std::size_t n);
  net::awaitable<void> writer();
  void dispatch(std::int32_t id, const std::shared_ptr<h2_stream>& s);
  // Runs make()'s answer as a coroutine of its own, with the connection's bookkeeping around it.
  template <class Make>
  void spawn_answer(Make make);
  net::awaitable<void> answer_echo(std::int32_t id, std::shared_ptr<h2_stream> s);
  net::awaitable<void> answer_grpc_call(std::int32_t id, std::shared_ptr<h2_stream> s);
  // The answer to an admitted gRPC call (the message, or the error), not yet delayed.
  grpc_answer make_grpc_answer(h2_stream& s);
  // grpc-timeout (deadline, steady ns; 0: none): returns how long to wait before answering (the
  // ping's delay), or, when the answer would come after the client's deadline, turns it into
  // DEADLINE_EXCEEDED sent at the deadline (as a gRPC server cancels the call then).
  static nanos fit_grpc_deadline(grpc_answer& a, nanos deadline);
  // Waits `wait` ns, then submits the answer.
  net::awaitable<void> deliver_grpc(std::int32_t id, std::shared_ptr<h2_stream> s, grpc_answer a, nanos wait);
  void submit(std::int32_t id, h2_stream& s, echo_body reply);
  void submit_grpc(std::int32_t id, h2_stream& s, int status, const std::string& message, std::string body, bool overloaded,
                   bool gzip = false);
  void submit_raw(std::int32_t id, h2_stream& s, const nghttp2_nv* nv, std::size_t count, echo_body reply,
                  bool grpc_ok_trailer);
  void goaway();
  void note_activity();
  void wake_writer() { writer_signal_.cancel(); }
  bool over() const noexcept { return broken_ || writer_done_; }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_header(nghttp2_session*, const nghttp2_frame*, const uint8_t*, size_t, const uint8_t*, size_t, uint8_t, void*);
  static int on_data_chunk(nghttp2_session*, uint8_t, int32_t, const uint8_t*, size_t, void*);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_stream_close(nghttp2_session*, int32_t, uint32_t, void*);
  static ssize_t read_body(nghttp2_session*, int32_t, uint8_t*, size_t, uint32_t*, nghttp2_data_source*, void*);

  Stream& stream_;
  server_thread& t_;
  shared_state& sh_;
  connection_state& state_;
  const std::string& peer_;
  const bool grpc_;  // the gRPC port: every stream is a unary gRPC call
  nghttp2_session* h2_ = nullptr;
  std::unordered_map<std::int32_t, std::shared_ptr<h2_stream>> streams_;  // open request streams
  int answering_ = 0;  // answer coroutines running
  bool reader_done_ = false, writer_done_ = false, broken_ = false, goaway_sent_ = false;
  std::int32_t goaway_last_id_ = 0;  // the last stream our GOAWAY lets through
  net::steady_timer writer_signal_, done_signal_;
  std::string out_;
  std::uniform_real_distribution<double> percent_{0, 100};
};

template <class Stream>
bool h2_server<Stream>::start(h2c_upgrade* upgrade) {
  nghttp2_session_callbacks* cb = nullptr;
  if (nghttp2_session_callbacks_new(&cb) != 0) return false;
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
  nghttp2_mem mem = nghttp2_thread_memory();  // the thread's free lists (wire/h2_memory.hpp)
  const int rv = nghttp2_session_server_new3(&h2_, cb, this, nullptr, &mem);
  nghttp2_session_callbacks_del(cb);
  if (rv != 0) return false;
  const server_options& o = *sh_.options;
  std::vector<nghttp2_settings_entry> settings{{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, stream_window}};
  if (!grpc_) settings.push_back({NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, static_cast<std::uint32_t>(o.h2_max_streams)});
  else if (o.grpc_max_streams > 0) settings.push_back({NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, o.grpc_max_streams});
  if (nghttp2_submit_settings(h2_, NGHTTP2_FLAG_NONE, settings.data(), settings.size()) != 0) return false;
  nghttp2_session_set_local_window_size(h2_, NGHTTP2_FLAG_NONE, 0, connection_window);
  if (upgrade) {
    const auto& p = upgrade->settings;
    const bool head = upgrade->request.method() == http::verb::head;
    if (nghttp2_session_upgrade2(h2_, reinterpret_cast<const uint8_t*>(p.data()), p.size(), head ? 1 : 0, nullptr) != 0)
      return false;
    auto s = std::make_shared<h2_stream>();
    s->req = std::move(upgrade->request);
    s->head = head;
    streams_.emplace(1, s);
    nghttp2_session_set_stream_user_data(h2_, 1, s.get());
    dispatch(1, s);
  }
  return true;
}

template <class Stream>
bool h2_server<Stream>::receive(const char* data, std::size_t n) {
  const auto rv = nghttp2_session_mem_recv(h2_, reinterpret_cast<const uint8_t*>(data), n);
  if (rv < 0) {
    // Not HTTP/2 after all (a bad preface), or nghttp2 gave up: it has queued a GOAWAY when it
    // could; the writer sends it and the connection ends.
    spdlog::debug("HTTP/2 from {}: {}", peer_, nghttp2_strerror(static_cast<int>(rv)));
    return false;
  }
  return true;
}

template <class Stream>
net::awaitable<void> h2_server<Stream>::run(std::string_view already_read, h2c_upgrade* upgrade) {
  auto self = this->shared_from_this();
  if (!start(upgrade)) {
    spdlog::debug("cannot start an HTTP/2 session with {}", peer_);
    co_return;
  }
  net::co_spawn(t_.ctx, [self]() -> net::awaitable<void> { co_await self->writer(); }, [self](std::exception_ptr e) {
    if (!e) return;  // the writer ends itself
    // bad_alloc, say: the connection cannot write any more; let the reader and run() finish.
    self->broken_ = self->writer_done_ = true;
    error_code ignored;
    lowest(self->stream_).cancel(ignored);
    self->done_signal_.cancel();
  });
  bool ok = already_read.empty() || receive(already_read.data(), already_read.size());
  wake_writer();
  std::vector<char> in(read_buffer_size);
  while (ok && !over() && nghttp2_session_want_read(h2_)) {
    auto [ec, n] = co_await stream_.async_read_some(net::buffer(in), use_tuple);
    if (ec) break;
    ok = receive(in.data(), n);
    wake_writer();
  }
  reader_done_ = true;
  wake_writer();
  while (!writer_done_ || answering_ > 0) {
    done_signal_.expires_at(net::steady_timer::time_point::max());
    co_await done_signal_.async_wait(use_tuple);
  }
}

// Sends what nghttp2 has to send; sleeps until woken when there is nothing. Ends when the socket
// fails, or nothing more can come: the reader is done (or the session is over both ways) and no
// answer is still being made. Then wakes the reader (which may wait for bytes that will not come).
template <class Stream>
net::awaitable<void> h2_server<Stream>::writer() {
  auto self = this->shared_from_this();
  for (;;) {
    out_.clear();
    while (out_.size() < write_batch) {
      const uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(h2_, &data);
      if (n < 0) {
        broken_ = true;
        break;
      }
      if (n == 0) break;
      out_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    if (broken_) break;
    if (!out_.empty()) {
      auto [ec, written] = co_await net::async_write(stream_, net::buffer(out_), use_tuple);
      if (ec) {
        broken_ = true;
        break;
      }
      continue;
    }
    const bool session_over = !nghttp2_session_want_read(h2_) && !nghttp2_session_want_write(h2_);
    if (answering_ == 0 && (reader_done_ || session_over)) break;
    writer_signal_.expires_at(net::steady_timer::time_point::max());
    co_await writer_signal_.async_wait(use_tuple);
  }
  writer_done_ = true;
  if (!reader_done_) {
    error_code ignored;
    lowest(stream_).cancel(ignored);
  }
  done_signal_.cancel();
}

template <class Stream>
void h2_server<Stream>::note_activity() {
  const bool idle = streams_.empty() && answering_ == 0;
  if (idle && !state_.idle) state_.idle_since = steady_clock::now();
  state_.idle = idle;
}

template <class Stream>
void h2_server<Stream>::dispatch(std::int32_t id, const std::shared_ptr<h2_stream>& s) {
  ++t_.served;
  // Called from nghttp2's frame callback: nothing may throw into its C code. An exception
  // (bad_alloc, say) resets this stream; the others go on.
  try {
    auto self = this->shared_from_this();
    if (grpc_ && !sh_.breaker_) {
      // No breaker to wait for: the answer is made here, and a ping without a delay is
      // submitted at once: no coroutine, no trip through the scheduler (the gRPC benchmark's
      // server cost per call).
      grpc_answer a = make_grpc_answer(*s);
      const nanos wait = fit_grpc_deadline(a, s->deadline);
      if (wait == 0) {
        submit_grpc(id, *s, a.status, a.message, std::move(a.body), false, a.gzip);
        if (!over() && t_.stopping) goaway();
        return;  // the reader wakes the writer once this batch of frames is read
      }
      spawn_answer([self, id, s, a = std::move(a), wait]() mutable -> net::awaitable<void> {
        co_await self->deliver_grpc(id, s, std::move(a), wait);
      });
      return;
    }
    if (grpc_) spawn_answer([self, id, s]() -> net::awaitable<void> { co_await self->answer_grpc_call(id, s); });
    else spawn_answer([self, id, s]() -> net::awaitable<void> { co_await self->answer_echo(id, s); });
  } catch (const std::exception& e) {
    ++t_.failed;
    spdlog::debug("HTTP/2 stream {} of {} gets no answer: {}", id, peer_, e.what());
    nghttp2_submit_rst_stream(h2_, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
  }
}

template <class Stream>
template <class Make>
void h2_server<Stream>::spawn_answer(Make make) {
  ++answering_;  // before co_spawn: an answer with nothing to wait for may end inside it
  note_activity();
  auto self = this->shared_from_this();
  struct undo_if_not_spawned {  // co_spawn threw: the answer will not run
    h2_server* server;
    bool spawned = false;
    ~undo_if_not_spawned() {
      if (spawned) return;
      --server->answering_;
      server->note_activity();
    }
  } guard{this};
  net::co_spawn(
      t_.ctx,
      [self, make = std::move(make)]() mutable -> net::awaitable<void> {
        co_await make();
        if (!self->over() && self->t_.stopping) self->goaway();
        --self->answering_;
        self->note_activity();
        self->wake_writer();
        self->done_signal_.cancel();
      },
      [this, self](std::exception_ptr e) {
        if (!e) return;
        // bad_alloc, say: this stream gets no answer; the others go on.
        ++t_.failed;
        --answering_;
        note_activity();
        wake_writer();
        done_signal_.cancel();
      });
  guard.spawned = true;
}

// One gRPC call: the breaker first (an overflow call gets Envoy's answer to gRPC: HTTP 200,
// grpc-status 14 UNAVAILABLE, x-envoy-overloaded), then the ping's delay, then the answer.
template <class Stream>
net::awaitable<void> h2_server<Stream>::answer_grpc_call(std::int32_t id, std::shared_ptr<h2_stream> s) {
  std::optional<breaker_slot> slot;  // gives the slot back on every way out
  if (sh_.breaker_) {
    slot.emplace(*sh_.breaker_, t_.ctx.get_executor());
    co_await slot->wait();
    if (slot->shed()) {
      if (!over() && !s->closed) submit_grpc(id, *s, grpc_code::unavailable, envoy_overflow_body, {}, true);
      co_return;
    }
  }
  grpc_answer a = make_grpc_answer(*s);
  const nanos wait = fit_grpc_deadline(a, s->deadline);
  co_await deliver_grpc(id, s, std::move(a), wait);
}

template <class Stream>
grpc_answer h2_server<Stream>::make_grpc_answer(h2_stream& s) {
  if (sh_.on_admitted) sh_.on_admitted(s.req);
  if (s.body_too_large || s.header_too_large) {
    grpc_answer a;
    a.status = grpc_code::resource_exhausted;
    a.message = s.body_too_large ? "gRPC message over the size limit" : "metadata over the size limit";
    return a;
  }
  const server_options& o = *sh_.options;
  const std::string_view path(s.req.target().data(), s.req.target().size());
  return answer_grpc(path, s.req.body(), wall_clock::now(), o.grpc_max_delay, grpc_max_message, o.grpc_health_service,
                     s.grpc_gzip);
}

template <class Stream>
nanos h2_server<Stream>::fit_grpc_deadline(grpc_answer& a, nanos deadline) {
  const nanos now = steady_clock::now();
  if (deadline <= 0 || now + a.delay <= deadline) return a.delay;
  a = grpc_answer{grpc_code::deadline_exceeded, "deadline exceeded", {}, 0, false};
  return std::max<nanos>(0, deadline - now);
}

template <class Stream>
net::awaitable<void> h2_server<Stream>::deliver_grpc(std::int32_t id, std::shared_ptr<h2_stream> s, grpc_answer a,
                                                     nanos wait) {
  if (wait > 0) {
    net::steady_timer timer(t_.ctx);
    timer.expires_after(std::chrono::nanoseconds(wait));
    co_await timer.async_wait(use_tuple);
  }
  if (!over() && !s->closed) submit_grpc(id, *s, a.status, a.message, std::move(a.body), false, a.gzip);
}

// One stream's answer, as the HTTP/1.1 path makes it: the breaker decides before any delay (a
// shed stream is answered at once), then the delay, then the echo.
template <class Stream>
net::awaitable<void> h2_server<Stream>::answer_echo(std::int32_t id, std::shared_ptr<h2_stream> s) {
  const server_options& o = *sh_.options;
  echo_body reply;
  std::optional<echo_decision> d;
  std::optional<breaker_slot> slot;  // gives the slot back on every way out
  bool close = false;
  if (s->header_too_large || s->body_too_large) {
    reply = too_large_answer(s->body_too_large);
  } else {
    d = decide_echo(s->req, o, [&] { return percent_(t_.rng); });
    if (!d->plan) {
      reply = bad_request_answer(d->error);
    } else {
      if (sh_.breaker_ && !(d->page && d->page->outside_breaker)) {
        slot.emplace(*sh_.breaker_, t_.ctx.get_executor());
        co_await slot->wait();
      }
      if (slot && slot->shed()) {
        reply = overflow_answer();
      } else {
        if (sh_.on_admitted) sh_.on_admitted(s->req);
        if (d->plan->delay > 0) {
          net::steady_timer timer(t_.ctx);
          timer.expires_after(std::chrono::nanoseconds(d->plan->delay));
          co_await timer.async_wait(use_tuple);
        }
        const echo_env env{&o, t_.date, sh_.random_bytes, sh_.hostname, peer_, sh_.started};
        reply = make_echo_body(s->req, *d->plan, d->debug, env, d->page ? &*d->page : nullptr);
        close = d->plan->close;
      }
    }
  }
  if (!over() && !s->closed) submit(id, *s, std::move(reply));
  if (slot) slot->release();
  if (!over() && close) goaway();
}

template <class Stream>
void h2_server<Stream>::submit(std::int32_t id, h2_stream& s, echo_body reply) {
  header_list headers;
  headers.reserve(8);
  headers.emplace_back(":status", std::to_string(reply.status));
  headers.emplace_back("date", t_.date);
  if (!reply.content_type.empty()) headers.emplace_back("content-type", std::string(reply.content_type));
  if (reply.gzipped) headers.emplace_back("content-encoding", "gzip");
  if (reply.headers)
    for (const auto& [name, value] : *reply.headers) {
      std::string lower = lower_header_name(name);
      if (h2_answer_header_allowed(lower)) headers.emplace_back(std::move(lower), value);
    }
  headers.emplace_back("content-length", std::to_string(reply.body().size()));
  std::vector<nghttp2_nv> nv;
  nv.reserve(headers.size());
  for (const auto& [name, value] : headers) nv.push_back(header(name, value));
  submit_raw(id, s, nv.data(), nv.size(), std::move(reply), false);
}

// A gRPC answer: the message then grpc-status 0 in trailers, or (an error) a trailers-only
// response: grpc-status and grpc-message in the one HEADERS frame that ends the stream. The
// headers of the common answers are constants: no allocation per call for them.
template <class Stream>
void h2_server<Stream>::submit_grpc(std::int32_t id, h2_stream& s, int status, const std::string& message,
                                    std::string body, bool overloaded, bool gzip) {
  if (status == grpc_code::ok) {
    static const nghttp2_nv plain[] = {literal_header(":status", "200"), literal_header("content-type", "application/grpc")};
    static const nghttp2_nv gzipped[] = {literal_header(":status", "200"), literal_header("content-type", "application/grpc"),
                                         literal_header("grpc-encoding", "gzip")};
    echo_body reply;
    reply.owned = std::move(body);
    reply.is_owned = true;
    if (gzip) submit_raw(id, s, gzipped, std::size(gzipped), std::move(reply), true);
    else submit_raw(id, s, plain, std::size(plain), std::move(reply), true);
    return;
  }
  const std::string code = std::to_string(status);
  std::vector<nghttp2_nv> nv{literal_header(":status", "200"), literal_header("content-type", "application/grpc"),
                             named_header("grpc-status", code)};
  if (!message.empty()) nv.push_back(named_header("grpc-message", message));
  if (overloaded) nv.push_back(literal_header("x-envoy-overloaded", "true"));
  submit_raw(id, s, nv.data(), nv.size(), echo_body{}, false);
}

template <class Stream>
void h2_server<Stream>::submit_raw(std::int32_t id, h2_stream& s, const nghttp2_nv* nv, std::size_t count, echo_body reply,
                                   bool grpc_ok_trailer) {
  s.answer = std::move(reply);
  s.grpc_ok_trailer = grpc_ok_trailer;
  nghttp2_data_provider provider{};
  provider.source.ptr = &s;
  provider.read_callback = read_body;
  const bool has_body = !s.head && (!s.answer.body().empty() || grpc_ok_trailer);
  const int rv = nghttp2_submit_response(h2_, id, nv, count, has_body ? &provider : nullptr);
  if (rv != 0) spdlog::debug("cannot answer HTTP/2 stream {} of {}: {}", id, peer_, nghttp2_strerror(rv));
}

// A graceful GOAWAY (close=true, or the server stopping): streams up to the last one received
// are answered; the client makes later ones on a new connection.
template <class Stream>
void h2_server<Stream>::goaway() {
  if (goaway_sent_) return;
  goaway_sent_ = true;
  goaway_last_id_ = nghttp2_session_get_last_proc_stream_id(h2_);
  nghttp2_submit_goaway(h2_, NGHTTP2_FLAG_NONE, goaway_last_id_, NGHTTP2_NO_ERROR, nullptr, 0);
}

template <class Stream>
int h2_server<Stream>::on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  auto& self = *static_cast<h2_server*>(user);
  const std::int32_t id = frame->hd.stream_id;
  if (self.goaway_sent_ && id > self.goaway_last_id_) {
    // Opened after our GOAWAY named its last stream: not processed, so the client makes it
    // again elsewhere (RFC 9113 §6.8). Refused outright, never answered: served once, not twice.
    nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_REFUSED_STREAM);
    return 0;
  }
  auto s = std::make_shared<h2_stream>();
  s->req.version(20);
  nghttp2_session_set_stream_user_data(session, id, s.get());
  self.streams_.emplace(id, std::move(s));
  self.note_activity();
  return 0;
}

template <class Stream>
int h2_server<Stream>::on_header(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name,
                                 size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* user) {
  auto* s = static_cast<h2_stream*>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
  if (!s || frame->hd.type != NGHTTP2_HEADERS) return 0;
  s->header_bytes += static_cast<std::int64_t>(namelen + valuelen + 4);
  if (s->header_bytes > header_limit) {
    s->header_too_large = true;
    return 0;
  }
  const std::string_view n(reinterpret_cast<const char*>(name), namelen);
  const std::string_view v(reinterpret_cast<const char*>(value), valuelen);
  if (frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;  // trailers: not echoed, as Fortio's
  if (static_cast<h2_server*>(user)->grpc_) {
    // The gRPC port answers from the path, the message and these two: no header map per call.
    if (n == ":path") s->req.target(v);
    else if (n == "grpc-encoding") s->grpc_gzip = v == "gzip";
    else if (n == "grpc-timeout") {
      if (const auto t = parse_grpc_timeout(v)) s->deadline = steady_clock::now() + *t;
    }
    return 0;
  }
  if (n == ":method") {
    s->req.method_string(v);
    s->head = v == "HEAD";
  } else if (n == ":path") {
    s->req.target(v);
  } else if (n == ":authority") {
    s->req.insert(http::field::host, v);
  } else if (!n.empty() && n.front() != ':') {
    s->req.insert(canonical_header_name(n), v);
  }
  return 0;
}

template <class Stream>
int h2_server<Stream>::on_data_chunk(nghttp2_session* session, uint8_t, int32_t id, const uint8_t* data, size_t len, void* user) {
  auto& self = *static_cast<h2_server*>(user);
  auto* s = static_cast<h2_stream*>(nghttp2_session_get_stream_user_data(session, id));
  if (!s || s->body_too_large) return 0;
  std::string& body = s->req.body();
  const std::int64_t limit = self.grpc_ ? static_cast<std::int64_t>(grpc_max_message + grpc_prefix_size)
                                        : self.sh_.options->limits.max_size;
  if (static_cast<std::int64_t>(body.size() + len) > limit) {
    s->body_too_large = true;  // answered 413 at the stream's end; what came is dropped
    body.clear();
    body.shrink_to_fit();
    return 0;
  }
  body.append(reinterpret_cast<const char*>(data), len);
  return 0;
}

template <class Stream>
int h2_server<Stream>::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  auto& self = *static_cast<h2_server*>(user);
  const bool request_end = (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
                           (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  if (!request_end) return 0;
  const auto it = self.streams_.find(frame->hd.stream_id);
  if (it != self.streams_.end()) self.dispatch(frame->hd.stream_id, it->second);
  return 0;
}

template <class Stream>
int h2_server<Stream>::on_stream_close(nghttp2_session*, int32_t id, uint32_t, void* user) {
  auto& self = *static_cast<h2_server*>(user);
  const auto it = self.streams_.find(id);
  if (it == self.streams_.end()) return 0;
  it->second->closed = true;
  self.streams_.erase(it);
  self.note_activity();
  return 0;
}

template <class Stream>
ssize_t h2_server<Stream>::read_body(nghttp2_session* session, int32_t id, uint8_t* buf, size_t length, uint32_t* flags,
                                     nghttp2_data_source* source, void*) {
  auto& s = *static_cast<h2_stream*>(source->ptr);
  const std::string_view body = s.answer.body();
  const std::size_t n = std::min(length, body.size() - s.sent);
  std::memcpy(buf, body.data() + s.sent, n);
  s.sent += n;
  if (s.sent == body.size()) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    if (s.grpc_ok_trailer) {
      // The stream ends with the trailers' HEADERS frame instead (nghttp2 sends it after this DATA).
      *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      static const nghttp2_nv trailer[] = {literal_header("grpc-status", "0")};
      nghttp2_submit_trailer(session, id, trailer, std::size(trailer));
    }
  }
  return static_cast<ssize_t>(n);
}

template <class Stream>
net::awaitable<void> serve_h2_on(Stream& stream, std::string_view already_read, h2c_upgrade* upgrade, server_thread& t,
                                 shared_state& sh, connection_state& state, const std::string& peer, h2_service service) {
  auto server = std::make_shared<h2_server<Stream>>(stream, t, sh, state, peer, service);
  co_await server->run(already_read, upgrade);
}

}  // namespace

net::awaitable<void> serve_h2(tcp::socket& stream, std::string_view already_read, h2c_upgrade* upgrade, server_thread& t,
                              shared_state& sh, connection_state& state, const std::string& peer, h2_service service) {
  return serve_h2_on(stream, already_read, upgrade, t, sh, state, peer, service);
}

net::awaitable<void> serve_h2(net::ssl::stream<tcp::socket>& stream, std::string_view already_read, h2c_upgrade* upgrade,
                              server_thread& t, shared_state& sh, connection_state& state, const std::string& peer,
                              h2_service service) {
  return serve_h2_on(stream, already_read, upgrade, t, sh, state, peer, service);
}

}  // namespace loadgen
