#include "loadgen/wire/proxy.hpp"

#include <algorithm>
#include <cctype>

#include "loadgen/core/error.hpp"
#include "loadgen/wire/http_request.hpp"
#include "loadgen/core/base64.hpp"
#include "loadgen/core/text.hpp"

namespace loadgen {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* first_env(const getenv_fn& getenv, const char* upper, const char* low) {
  const char* v = getenv(low);
  if (!v || !*v) v = getenv(upper);
  return (v && *v) ? v : nullptr;
}

}  // namespace

bool no_proxy_matches(const std::string& no_proxy, const url& target) {
  const std::string host = lower(target.host);
  std::size_t pos = 0;
  while (pos <= no_proxy.size()) {
    const std::size_t comma = no_proxy.find(',', pos);
    const std::size_t end = comma == std::string::npos ? no_proxy.size() : comma;
    std::string entry = lower(std::string(trim(std::string_view(no_proxy).substr(pos, end - pos))));
    pos = comma == std::string::npos ? no_proxy.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    if (entry == "*") return true;
    // Forms: host, .domain, host:port, 1.2.3.4[:port], [v6][:port], and a bare v6 literal.
    std::string port;
    if (entry.front() == '[') {
      const auto close = entry.find(']');
      if (close == std::string::npos) continue;
      if (close + 1 < entry.size() && entry[close + 1] == ':') port = entry.substr(close + 2);
      entry = entry.substr(1, close - 1);
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
      port = entry.substr(entry.find(':') + 1);
      entry = entry.substr(0, entry.find(':'));
    }
    if (!port.empty() && port != std::to_string(target.port)) continue;
    if (entry.empty()) continue;
    if (entry.front() == '.') entry.erase(0, 1);
    if (host == entry) return true;
    if (host.size() > entry.size() && host.compare(host.size() - entry.size(), entry.size(), entry) == 0 &&
        host[host.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

std::optional<url> choose_proxy(const url& target, const std::string& flag, const getenv_fn& getenv) {
  std::string text = flag;
  if (text == "direct" || text == "none") return std::nullopt;
  if (text.empty()) {
    const char* env = target.is_https() ? first_env(getenv, "HTTPS_PROXY", "https_proxy")
                                        : first_env(getenv, "HTTP_PROXY", "http_proxy");
    if (!env) return std::nullopt;
    if (const char* no = first_env(getenv, "NO_PROXY", "no_proxy"); no && no_proxy_matches(no, target))
      return std::nullopt;
    text = env;
  }
  url proxy;
  try {
    proxy = parse_url(text);
  } catch (const error& e) {
    throw flag_error("invalid proxy \"" + text + "\": " + e.what());
  }
  // parse_url also takes tcp:// and udp:// (Fortio's echo targets) and https://: none is a proxy.
  if (proxy.scheme != "http") throw flag_error("invalid proxy \"" + text + "\": only http:// proxies are supported");
  return proxy;
}

std::string proxy_authorization(const url& proxy) {
  if (proxy.userinfo.empty()) return "";
  return "Proxy-Authorization: Basic " + base64_encode(proxy.userinfo) + "\r\n";
}

std::string connect_request(const url& target, const url& proxy) {
  const std::string authority = target.authority();
  return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n" + proxy_authorization(proxy) + "\r\n";
}

void select_proxy(run_options& o) {
  if (o.target.is_echo()) {  // tcp:// and udp:// go straight to the target: HTTP(S)_PROXY is for HTTP
    if (!o.proxy_flag.empty() && o.proxy_flag != "direct" && o.proxy_flag != "none")
      throw flag_error("-proxy is for http and https targets, not " + o.target.scheme + "://");
    o.proxy.reset();
    return;
  }
  o.proxy = choose_proxy(o.target, o.proxy_flag, [](const char* name) { return std::getenv(name); });
  if (o.proxy && !o.unix_socket.empty()) throw flag_error("-proxy and -unix-socket cannot be used together");
}

}  // namespace loadgen
