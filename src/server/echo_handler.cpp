#include "echo_handler.hpp"

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

#include <boost/beast/http/status.hpp>
#include <fmt/format.h>

#include "loadgen/core/version.hpp"
#include "loadgen/wire/gzip.hpp"

namespace loadgen {

namespace http = boost::beast::http;

std::string http_date() {
  char buf[64];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string gzip(std::string_view in) { return gzip_compress(in); }

bool accepts_gzip(const echo_request& req) {
  const auto it = req.find(http::field::accept_encoding);
  return it != req.end() && it->value().find("gzip") != boost::beast::string_view::npos;
}

std::string debug_page(const echo_request& req, const echo_env& env) {
  std::string out = fmt::format("Φορτίο version {} echo debug server up for {:.1f}s on {} - request from {}\n\n",
                                version, to_seconds(steady_clock::now() - env.started), env.hostname, env.peer);
  out += fmt::format("{} {} HTTP/{}.{}\n\nheaders:\n\n", std::string(req.method_string()), std::string(req.target()),
                     req.version() / 10, req.version() % 10);
  std::vector<std::pair<std::string, std::string>> headers;
  std::string host;
  for (const auto& f : req) {
    if (f.name() == http::field::host) host = std::string(f.value());
    else headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
  std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out += "Host: " + host + "\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\n";
  const std::string& body = req.body();
  out += fmt::format("\nbody:\n\n{}\n", body.size() > 512 ? body.substr(0, 512) + fmt::format("... ({} bytes)", body.size()) : body);
  return out;
}

void append_response(std::string& out, int status, std::string_view date, std::string_view content_type,
                     std::string_view body, const echo_plan& plan, bool keep_alive, bool gzipped) {
  out += fmt::format("HTTP/1.1 {} {}\r\nDate: {}\r\n", status, std::string(http::obsolete_reason(static_cast<http::status>(status))), date);
  if (!content_type.empty()) out += fmt::format("Content-Type: {}\r\n", content_type);
  if (gzipped) out += "Content-Encoding: gzip\r\n";
  for (const auto& [k, v] : plan.headers) out += k + ": " + v + "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  out += fmt::format("Content-Length: {}\r\n\r\n", body.size());
  out.append(body);
}

echo_body bad_request_answer(const std::string& message) {
  echo_body b;
  b.status = 400;
  b.content_type = "text/plain";
  b.owned = message + "\n";
  b.is_owned = true;
  return b;
}

echo_body overflow_answer() {
  static const std::vector<std::pair<std::string, std::string>> overloaded{{"x-envoy-overloaded", "true"}};
  echo_body b;
  b.status = 503;
  b.content_type = "text/plain";
  b.borrowed = envoy_overflow_body;
  b.headers = &overloaded;
  return b;
}

echo_body too_large_answer(bool body_too_large) {
  echo_body b;
  b.status = body_too_large ? 413 : 431;
  b.content_type = "text/plain";
  b.borrowed = body_too_large ? "request body too large\n" : "request header too large\n";
  return b;
}

namespace {

void append_answer(std::string& out, const echo_body& b, std::string_view date, bool keep_alive) {
  echo_plan plan;
  if (b.headers) plan.headers = *b.headers;
  append_response(out, b.status, date, b.content_type, b.body(), plan, keep_alive, b.gzipped);
}

}  // namespace

void append_bad_request(std::string& out, const std::string& message, std::string_view date, bool keep_alive) {
  append_answer(out, bad_request_answer(message), date, keep_alive);
}

void append_overflow(std::string& out, std::string_view date, bool keep_alive) {
  append_answer(out, overflow_answer(), date, keep_alive);
}

void append_too_large(std::string& out, bool body_too_large, std::string_view date) {
  append_answer(out, too_large_answer(body_too_large), date, false);
}

echo_decision decide_echo(const echo_request& req, const server_options& o, const percent_draw& draw) {
  const std::string_view target(req.target().data(), req.target().size());
  const std::size_t qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const std::string_view query = qmark == std::string_view::npos ? std::string_view(o.default_params) : target.substr(qmark + 1);
  echo_decision d;
  if (o.pages_match && o.pages && o.pages_match(target)) {
    const auto host = req.find(http::field::host);
    d.page = o.pages(target, host == req.end() ? std::string_view() : std::string_view(host->value().data(), host->value().size()));
    echo_plan plan;
    plan.status = d.page->status;
    plan.headers = d.page->headers;
    d.plan = std::move(plan);
    return d;
  }
  auto planned = plan_echo(query, o.limits, accepts_gzip(req), draw);
  if (std::holds_alternative<std::string>(planned)) {
    d.error = std::move(std::get<std::string>(planned));
    return d;
  }
  d.plan = std::move(std::get<echo_plan>(planned));
  d.debug = !o.debug_path.empty() && path == o.debug_path;
  return d;
}

echo_body make_echo_body(const echo_request& req, echo_plan& plan, bool debug, const echo_env& env,
                         const served_page* page) {
  echo_body b;
  if (page) {
    b.borrowed = page->body;
    b.content_type = page->content_type;
  } else if (plan.envoy_reply) {
    b.borrowed = plan.envoy_body;  // Envoy's local reply, e.g. "no healthy upstream"
    b.content_type = "text/plain";
  } else if (debug) {
    b.owned = debug_page(req, env);
    b.is_owned = true;
    b.content_type = "text/plain; charset=UTF-8";
    plan.status = 200;
  } else if (plan.size >= 0) {
    b.borrowed = env.random_bytes.substr(0, static_cast<std::size_t>(plan.size));
    b.content_type = "application/octet-stream";
  } else {
    b.borrowed = std::string_view(req.body());
    if (auto it = req.find(http::field::content_type); it != req.end())
      b.content_type = std::string_view(it->value().data(), it->value().size());
  }
  if (plan.gzip) {
    b.owned = gzip(b.body());
    b.is_owned = true;
    b.gzipped = true;
  }
  b.status = plan.status;
  b.headers = &plan.headers;
  return b;
}

void append_echo_response(std::string& out, const echo_request& req, echo_plan& plan, bool debug, const echo_env& env,
                          bool keep_alive, const served_page* page) {
  const echo_body b = make_echo_body(req, plan, debug, env, page);
  append_response(out, b.status, env.date, b.content_type, b.body(), plan, keep_alive, b.gzipped);
}

echo_answer answer_echo(const echo_request& req, const echo_env& env, bool keep_alive, const percent_draw& draw) {
  echo_answer a;
  echo_decision d = decide_echo(req, *env.options, draw);
  if (!d.plan) {
    append_bad_request(a.bytes, d.error, env.date, keep_alive);
    a.status = 400;
    a.keep_alive = keep_alive;
    return a;
  }
  echo_plan& plan = *d.plan;
  a.delay = plan.delay;
  if (plan.close) keep_alive = false;
  append_echo_response(a.bytes, req, plan, d.debug, env, keep_alive, d.page ? &*d.page : nullptr);
  a.status = plan.status;
  a.keep_alive = keep_alive;
  return a;
}

}  // namespace loadgen
