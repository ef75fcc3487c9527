#pragma once
// The waits around platform/socket_tls for the client's sessions: a step of OpenSSL that needs
// the socket readable or writable waits for it with Asio, then is made again.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "loadgen/platform/socket_tls.hpp"

namespace loadgen {

// The readiness a step that said `then` (next::read or next::write) waits for.
inline boost::asio::socket_base::wait_type wait_for(socket_tls::next then) noexcept {
  return then == socket_tls::next::read ? boost::asio::socket_base::wait_read : boost::asio::socket_base::wait_write;
}

// The client's handshake to its end, on the socket tls was attached to: no error, OpenSSL's
// reason (socket_tls::error), or the wait's (operation_aborted when the socket was closed
// meanwhile: the session's deadline, or the run stopping).
inline boost::asio::awaitable<boost::system::error_code> run_handshake(socket_tls& tls,
                                                                      boost::asio::generic::stream_protocol::socket& socket) {
  for (;;) {
    const socket_tls::outcome step = tls.handshake();
    if (step.then == socket_tls::next::done) co_return boost::system::error_code{};
    if (step.then == socket_tls::next::failed) co_return tls.error();
    auto [ec] = co_await socket.async_wait(wait_for(step.then), boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) co_return ec;
  }
}

}  // namespace loadgen
