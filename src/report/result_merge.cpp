#include "loadgen/report/result_merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "loadgen/core/error.hpp"

namespace loadgen {
namespace {

nanos end_of(const run_result& r) { return r.start_unix_ns + r.elapsed; }

// Every slice of every run placed on the merged run's wall clock, in slices of `width` seconds
// counted from `start_unix_ns`.
std::vector<time_slice> merge_series(const std::vector<saved_result>& runs, nanos start_unix_ns, nanos merged_elapsed) {
  // The slices' length: the longest first slice of any run (the -interval, 1 s by default; a run
  // shorter than that has one shorter slice), at least 1 ms.
  double width = 0;
  bool any = false;
  for (const auto& run : runs)
    if (!run.result.series.empty()) {
      width = std::max(width, run.result.series.front().duration);
      any = true;
    }
  if (!any) return {};
  width = std::max(width, 1e-3);
  std::map<std::int64_t, time_slice> by_slot;
  for (const auto& run : runs) {
    const double offset = static_cast<double>(run.result.start_unix_ns - start_unix_ns) / 1e9;
    for (const time_slice& t : run.result.series) {
      // The slot its start falls in (a hair of tolerance: slices start at whole intervals).
      const auto slot = static_cast<std::int64_t>(std::floor((offset + t.start) / width + 1e-6));
      time_slice& m = by_slot[slot];
      m.calls += t.calls;
      m.ok += t.ok;
      m.waited += t.waited;
      for (const auto& [code, n] : t.codes) m.codes[code] += n;
      m.p50 = std::max(m.p50, t.p50);
      m.p99 = std::max(m.p99, t.p99);
      m.max = std::max(m.max, t.max);
    }
  }
  const double total = static_cast<double>(merged_elapsed) / 1e9;
  std::vector<time_slice> out;
  for (auto& [slot, m] : by_slot) {
    m.start = static_cast<double>(slot) * width;
    // The last slice ends with the merged run (it may be shorter than the others).
    m.duration = std::max(0.0, std::min(width, total - m.start));
    if (m.duration <= 0) m.duration = width;
    m.qps = static_cast<double>(m.calls) / m.duration;
    out.push_back(std::move(m));
  }
  return out;
}

std::string merged_labels(const std::vector<saved_result>& runs) {
  std::string joined;
  bool same = true;
  for (const auto& run : runs) {
    if (run.options.labels != runs.front().options.labels) same = false;
    if (!joined.empty()) joined += " | ";
    joined += run.options.labels;
  }
  return same ? runs.front().options.labels : joined;
}

}  // namespace

std::string shard_coverage(const std::vector<saved_result>& runs) {
  int count = 0;
  for (const auto& run : runs) count = std::max(count, run.options.shard_count);
  if (count <= 1) return "";
  std::vector<int> seen(static_cast<std::size_t>(count), 0);
  std::int64_t first = runs.front().result.start_unix_ns, last = first;
  for (const auto& run : runs) {
    if (run.options.shard_count == count) ++seen[static_cast<std::size_t>(run.options.shard_index)];
    first = std::min(first, run.result.start_unix_ns);
    last = std::max(last, run.result.start_unix_ns);
  }
  // The indexes of each kind, the first few by number and then how many more: a result's
  // ShardCount can be large, and the line stays one line.
  struct index_list {
    std::string text;
    int listed = 0, more = 0;
    void add(int i) {
      if (listed < 8) text += (listed++ ? ", " : "") + std::to_string(i);
      else ++more;
    }
    std::string str() const { return more > 0 ? fmt::format("{} and {} more", text, more) : text; }
  } missing, twice;
  int present = 0;
  for (int i = 0; i < count; ++i) {
    const int n = seen[static_cast<std::size_t>(i)];
    if (n > 0) ++present;
    if (n == 0) missing.add(i);
    if (n > 1) twice.add(i);
  }
  std::string line = fmt::format("Shards : {} of {}", present, count);
  if (missing.listed > 0) line += ", missing " + missing.str();
  if (twice.listed > 0) line += ", given more than once " + twice.str();
  if (present != static_cast<int>(runs.size()) && missing.listed == 0 && twice.listed == 0)
    line += ", and results that are no shard of it";
  line += fmt::format("; start times within {:.1f} ms\n", static_cast<double>(last - first) / 1e6);
  return line;
}

std::string_view run_kind(const saved_result& run) noexcept {
  const url& t = run.options.target;
  if (t.grpc) return "gRPC";
  if (t.scheme == "tcp") return "TCP";
  if (t.scheme == "udp") return "UDP";
  return "HTTP";
}

std::string merge_refusal(const std::vector<saved_result>& runs) {
  for (const auto& run : runs)
    if (run_kind(run) != run_kind(runs.front()))
      return fmt::format("{} holds {} calls and {} {} calls: only results of one kind merge", runs.front().name,
                         run_kind(runs.front()), run.name, run_kind(run));
  return {};
}

saved_result merge_results(const std::vector<saved_result>& runs) {
  if (const std::string why = merge_refusal(runs); !why.empty()) throw run_error(why);
  saved_result out;
  const saved_result& first = runs.front();
  out.options = first.options;
  out.exact = true;
  out.name = "merged";
  run_options& o = out.options;
  run_result& r = out.result;
  r.start_unix_ns = first.result.start_unix_ns;
  r.utc_offset_seconds = first.result.utc_offset_seconds;
  nanos end = end_of(first.result);
  bool max_speed = false, all_count = true;
  double qps = 0;
  std::int64_t calls = 0;
  nanos duration = 0;
  int slot_base = 0;
  for (const auto& run : runs) {
    const run_result& in = run.result;
    out.exact = out.exact && run.exact;
    r.start_unix_ns = std::min(r.start_unix_ns, in.start_unix_ns);
    end = std::max(end, end_of(in));
    // Slots numbered on, so that two processes' slot 0 stay two connections.
    run_stats stats = in.stats;
    for (auto& c : stats.connections) c.index += slot_base;
    r.stats.merge(stats);
    slot_base += in.connections;
    r.connections += in.connections;
    r.threads += in.threads;
    r.cpus += in.cpus;
    r.warmup_calls += in.warmup_calls;
    r.planned_per_connection = std::max(r.planned_per_connection, in.planned_per_connection);
    r.interrupted = r.interrupted || in.interrupted;
    r.aborted = r.aborted || in.aborted;
    if (r.hostname.find(in.hostname) == std::string::npos) r.hostname += (r.hostname.empty() ? "" : ",") + in.hostname;
    if (r.endpoint.empty()) r.endpoint = in.endpoint;
    max_speed = max_speed || run.options.max_speed();
    o.fortio_buckets = o.fortio_buckets || run.options.fortio_buckets;
    qps += run.options.qps;
    all_count = all_count && run.options.count_mode();
    calls += run.options.calls;
    duration = std::max(duration, run.options.duration);
  }
  r.elapsed = end - r.start_unix_ns;
  o.connections = r.connections;
  o.qps = max_speed ? 0 : qps;
  o.calls = all_count ? calls : 0;
  o.duration = duration;
  o.labels = merged_labels(runs);
  o.shard_index = 0;  // the merged run is the whole of a distributed one
  o.shard_count = 1;
  r.series = merge_series(runs, r.start_unix_ns, r.elapsed);
  return out;
}

}  // namespace loadgen
