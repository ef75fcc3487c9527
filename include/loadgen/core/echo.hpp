#pragma once
// Fortio's TCP and UDP echo runs (tcp://host:port, udp://host:port), the pure part: the payload a
// call sends when none is given, how the echo that came back is judged, and what Fortio calls
// each outcome in its report ("tcp OK : 50 (100.0 %)") and in the JSON RetCodes.
//
// Outcomes reuse the one model every protocol shares (outcome.hpp): a whole, equal echo is
// status_echo_ok, so the OK rule, the error histogram and -abort-on hold unchanged; a failure is a
// transport_error kind. Only the names differ, and echo_ret_code() holds them all.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "loadgen/core/outcome.hpp"
#include "loadgen/core/run_stats.hpp"
#include "loadgen/core/url.hpp"

namespace loadgen {

// The code an echo call that got its payload back whole and equal is counted under (an OK code
// for is_ok_status(); the reports print it as Fortio's "OK", never as 200).
inline constexpr int status_echo_ok = 200;

// Fortio's default payload: 24 bytes, "Fortio\n" + the connection index (%04d) + "\n" + the
// message number on that connection (%012d, from 1; a warmup or retried message counts too).
// Written into out (its capacity reused).
inline constexpr std::size_t default_echo_payload_size = 24;
void default_echo_payload(int connection, std::int64_t message, std::string& out);

// The largest payload one UDP datagram carries over IPv4 (65535 - 8 UDP - 20 IP header bytes).
inline constexpr std::size_t max_udp_payload = 65507;

// How an echo that came back compares with what was sent: equal (none), shorter because the
// connection ended or the datagram was short (closed: Fortio's "short read"), or different bytes
// or a longer datagram (bad_response: Fortio's "read not echoing writes").
transport_error judge_echo(std::string_view sent, std::string_view received) noexcept;

// Fortio's RetCodes key for one outcome of a `scheme` ("tcp" or "udp") run to `peer` (the
// resolved "ip:port"): "OK", "short read", "read not echoing writes", "timeout" (udp),
// "read tcp <peer>: i/o timeout", "dial tcp <peer>: connect: connection refused", ...
// Fortio's own timeout key also names the local port, one key per connection; loadgen leaves it
// out so that all timeouts are one line.
std::string echo_ret_code(std::string_view scheme, int status, transport_error error, std::string_view peer);

// The other way, for Fortio's saved results (report/result_reader): the failure a RetCodes key
// other than "OK" names. Fortio's keys are Go's error texts ("dial tcp 10.0.0.7:8078: connect:
// connection refused", "read tcp 10.0.0.9:41234->10.0.0.7:8078: i/o timeout") or its echo
// runner's own ("short read", "read not echoing writes", UDP's "timeout"); a text of no known form
// is `none` (echo_ret_code prints it as "error").
transport_error echo_error_of_ret_code(std::string_view key);
// The peer such a key names ("10.0.0.7:8078": a read error's local port, which differs per
// socket, is left out), or "".
std::string echo_peer_of_ret_code(std::string_view key);

// A status as loadgen's own per-status lines and fields name it (Latency for ..., LatencyByCode,
// the time series, the -interval and progress lines): the number ("200", "-1"), or for an echo
// target "OK" and "errors".
std::string status_label(const url& target, int status);

// Every outcome of an echo run by its Fortio key, calls summed per key (reset and closed early
// are both "short read"); a std::map, so in Go's sort.Strings order, as Fortio prints them.
std::map<std::string, std::int64_t> echo_ret_codes(const run_stats& stats, std::string_view scheme,
                                                   std::string_view peer);

}  // namespace loadgen
