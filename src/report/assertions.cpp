#include "loadgen/report/assertions.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "loadgen/core/duration.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/go_format.hpp"
#include "loadgen/report/histogram_export.hpp"
#include "loadgen/report/report_text.hpp"

namespace loadgen {
namespace {

bool is_latency(assert_metric m) {
  return m == assert_metric::percentile || m == assert_metric::min || m == assert_metric::avg ||
         m == assert_metric::max || m == assert_metric::service_percentile;
}

// A plain decimal number filling all of text (no sign unless allow_negative, no exponent).
bool parse_number(std::string_view text, double& out, bool allow_negative = false) {
  if (text.empty() || text.front() == '+' || (!allow_negative && text.front() == '-')) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, std::chars_format::fixed);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

// Splits "p99<=250ms" into metric, operator, value; "" parts when there is no operator.
struct split_parts {
  std::string_view metric, op, value;
};
split_parts split(std::string_view s) {
  const std::size_t at = s.find_first_of("<>=!");
  if (at == std::string_view::npos) return {};
  std::size_t len = 1;
  if (at + 1 < s.size() && s[at + 1] == '=') len = 2;
  return {s.substr(0, at), s.substr(at, len), s.substr(at + len)};
}

assert_op op_of(std::string_view op, const std::string& text) {
  if (op == "<") return assert_op::lt;
  if (op == "<=") return assert_op::le;
  if (op == ">") return assert_op::gt;
  if (op == ">=") return assert_op::ge;
  if (op == "==") return assert_op::eq;
  if (op == "!=") return assert_op::ne;
  throw flag_error(fmt::format("-assert \"{}\": unknown comparison \"{}\" (want <, <=, >, >=, == or !=)", text, op));
}

// p<N>: a percentile in (0, 100].
double percentile_of(std::string_view digits, const std::string& text) {
  double p = 0;
  if (!parse_number(digits, p) || p <= 0 || p > 100)
    throw flag_error(fmt::format("-assert \"{}\": the percentile must be a number in (0, 100], e.g. p99 or p99.9", text));
  return p;
}

void parse_metric(std::string_view m, assertion& a) {
  if (m == "min") a.metric = assert_metric::min;
  else if (m == "avg" || m == "mean") a.metric = assert_metric::avg;
  else if (m == "max") a.metric = assert_metric::max;
  else if (m == "qps") a.metric = assert_metric::qps;
  else if (m == "calls") a.metric = assert_metric::calls;
  else if (m == "ok") a.metric = assert_metric::ok;
  else if (m == "errors") a.metric = assert_metric::errors;
  else if (m == "transport") a.metric = assert_metric::transport;
  else if (m == "envoy_overflow") a.metric = assert_metric::envoy_overflow;
  else if (m.substr(0, 9) == "service_p") {
    a.metric = assert_metric::service_percentile;
    a.percentile = percentile_of(m.substr(9), a.text);
  } else if (m.size() > 1 && m[0] == 'p') {
    a.metric = assert_metric::percentile;
    a.percentile = percentile_of(m.substr(1), a.text);
  } else if (m.substr(0, 4) == "code") {
    a.metric = assert_metric::code;
    double code = 0;
    if (!parse_number(m.substr(4), code, true) || code != std::floor(code) || code < -1 || code > 999)
      throw flag_error(fmt::format("-assert \"{}\": code<N> needs a status from 100 to 999, or -1 (code503)", a.text));
    a.code = static_cast<int>(code);
  } else {
    throw flag_error(fmt::format(
        "-assert \"{}\": unknown metric \"{}\" (want p<N>, min, avg, max, service_p<N>, qps, calls, ok, errors, "
        "code<N>, transport or envoy_overflow)",
        a.text, m));
  }
}

void parse_value(std::string_view v, assertion& a) {
  if (v.empty()) throw flag_error(fmt::format("-assert \"{}\": no value after the comparison", a.text));
  if (is_latency(a.metric)) {
    double bare = 0;
    if (parse_number(v, bare))
      throw flag_error(fmt::format("-assert \"{}\": a latency needs a unit (ns, us, ms, s, m, h), e.g. 250ms", a.text));
    const auto ns = parse_go_duration(v);
    if (!ns || *ns < 0) throw flag_error(fmt::format("-assert \"{}\": \"{}\" is not a duration such as 250ms or 1.5s", a.text, v));
    a.value = static_cast<double>(*ns) / 1e9;
  } else if (a.metric == assert_metric::qps) {
    constexpr std::string_view requested = "requested";
    if (v == requested) {
      a.of_requested = true;
      a.value = 1;
    } else if (v.size() > requested.size() + 1 && v.substr(v.size() - requested.size() - 1) == "*requested") {
      a.of_requested = true;
      if (!parse_number(v.substr(0, v.size() - requested.size() - 1), a.value))
        throw flag_error(fmt::format("-assert \"{}\": want a number before *requested, e.g. 0.99*requested", a.text));
    } else if (!parse_number(v, a.value)) {
      throw flag_error(fmt::format("-assert \"{}\": qps wants a number, or a fraction of the requested rate (0.99*requested)", a.text));
    }
  } else {
    a.percent = v.back() == '%';
    if (a.percent) v.remove_suffix(1);
    if (!parse_number(v, a.value) || (a.percent && a.value > 100))
      throw flag_error(fmt::format("-assert \"{}\": {} wants a count or a percent of the calls (e.g. 10 or 1%)", a.text,
                                   a.metric == assert_metric::code ? "code<N>" : "this metric"));
  }
}

bool holds(double measured, assert_op op, double limit) {
  switch (op) {
    case assert_op::lt: return measured < limit;
    case assert_op::le: return measured <= limit;
    case assert_op::gt: return measured > limit;
    case assert_op::ge: return measured >= limit;
    case assert_op::eq: return measured == limit;
    case assert_op::ne: return measured != limit;
  }
  return false;
}

std::int64_t count_of(const assertion& a, const run_stats& s) {
  switch (a.metric) {
    case assert_metric::calls: return s.calls();
    case assert_metric::ok: return s.ok_calls();
    case assert_metric::errors: return s.calls() - s.ok_calls();
    case assert_metric::transport: return s.transport_errors();
    case assert_metric::envoy_overflow: return s.envoy_overloaded;
    case assert_metric::code: {
      const auto codes = s.codes();
      const auto it = codes.find(a.code);
      return it == codes.end() ? 0 : it->second;
    }
    default: return 0;
  }
}

std::string metric_name(const assertion& a) { return std::string(split(a.text).metric); }

// Seconds as a short human figure: "12.3 ms", "1.25 s", "850 us".
std::string human_seconds(double s) {
  if (s >= 1) return go_g_prec(s, 4) + " s";
  if (s >= 1e-3) return go_g_prec(s * 1e3, 4) + " ms";
  return go_g_prec(s * 1e6, 4) + " us";
}

}  // namespace

assertion parse_assertion(std::string_view text) {
  assertion a;
  for (const char c : text)
    if (c != ' ' && c != '\t') a.text.push_back(c);
  const split_parts parts = split(a.text);
  if (parts.op.empty() || parts.metric.empty())
    throw flag_error(fmt::format("-assert \"{}\": want METRIC OP VALUE, e.g. p99<250ms, errors<1%, code503<=10, qps>=0.99*requested",
                                 a.text));
  parse_metric(parts.metric, a);
  a.op = op_of(parts.op, a.text);
  parse_value(parts.value, a);
  return a;
}

void check_assertions_apply(const std::vector<assertion>& assertions, const run_options& options) {
  for (const assertion& a : assertions)
    if (a.of_requested && options.max_speed())
      throw flag_error(fmt::format("-assert \"{}\": there is no requested qps to compare with (-qps is 0, max speed)", a.text));
}

std::vector<assertion_result> judge_assertions(const std::vector<assertion>& assertions, const run_options& o,
                                               const run_result& r) {
  std::vector<assertion_result> out;
  const run_stats& s = r.stats;
  const std::int64_t calls = s.calls();
  for (const assertion& a : assertions) {
    double measured = 0, limit = a.value;
    bool no_data = false;  // a latency over no calls: nothing to compare, so it fails
    std::string shown;
    if (is_latency(a.metric)) {
      const histogram& h = a.metric == assert_metric::service_percentile ? s.service : s.latency;
      double ns = 0;
      if (a.metric == assert_metric::min) ns = static_cast<double>(h.min());
      else if (a.metric == assert_metric::max) ns = static_cast<double>(h.max());
      else if (a.metric == assert_metric::avg) ns = h.mean();
      else ns = latency_percentile(h, a.percentile, o);
      measured = ns / 1e9;
      no_data = h.count() == 0;
      shown = no_data ? "no calls" : human_seconds(measured);
    } else if (a.metric == assert_metric::qps) {
      measured = scheduled_qps(o, r);
      if (a.of_requested) limit = a.value * o.qps;
      shown = go_f(measured, 1);
      if (!o.max_speed()) shown += fmt::format(", requested {} ({} %)", go_g(o.qps), go_f(100.0 * measured / o.qps, 1));
    } else {
      const std::int64_t n = count_of(a, s);
      const double pct = calls > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(calls) : 0;
      measured = a.percent ? pct : static_cast<double>(n);
      shown = fmt::format("{} of {} calls, {} %", n, calls, go_f(pct, 2));
    }
    // A run that made no call does not pass a latency gate.
    const bool pass = !no_data && holds(measured, a.op, limit);
    out.push_back({pass, fmt::format("Assert {} : {} ({} {})\n", a.text, pass ? "PASS" : "FAIL", metric_name(a), shown)});
  }
  return out;
}

}  // namespace loadgen
