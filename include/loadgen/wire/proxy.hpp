#pragma once
// Which proxy, if any, a target goes through (pure): -proxy, else the usual environment
// variables (HTTPS_PROXY for https targets, HTTP_PROXY for http, lower-case forms too), minus
// NO_PROXY. Also the bytes a proxy needs: the CONNECT request for https targets, and the
// Proxy-Authorization header from the proxy URL's user:password.
#include <functional>
#include <optional>
#include <string>

#include "loadgen/core/options.hpp"
#include "loadgen/core/url.hpp"

namespace loadgen {

using getenv_fn = std::function<const char*(const char*)>;

// flag: the -proxy value ("" = none given; "direct" or "none" = no proxy even if the environment
// sets one). Throws loadgen::error (exit 2) for a proxy URL that does not parse or is not http://.
std::optional<url> choose_proxy(const url& target, const std::string& flag, const getenv_fn& getenv);

// Sets options.proxy from -proxy and the process environment (after validate()). Throws
// loadgen::error (exit 2) for a bad proxy URL, or a proxy with -unix-socket. tcp:// and udp://
// targets never use one (-proxy with them is an error).
void select_proxy(run_options& options);

// NO_PROXY matching: a comma-separated list of host names, domain suffixes (".example.com" or
// "example.com" both match "a.example.com"), IP literals, optional ":port", or "*" for all.
bool no_proxy_matches(const std::string& no_proxy, const url& target);

// "Proxy-Authorization: Basic ...\r\n" for a proxy URL with userinfo, else "".
std::string proxy_authorization(const url& proxy);

// The request that opens a tunnel to target through the proxy.
std::string connect_request(const url& target, const url& proxy);

}  // namespace loadgen
