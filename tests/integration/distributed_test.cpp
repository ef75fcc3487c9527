// Distributed runs as a Kubernetes Indexed Job makes them, simulated with local processes: N
// loadgen processes with JOB_COMPLETION_INDEX=0..N-1, -shards N and one -start-at, each saving
// its JSON, then `loadgen merge`. The merged run must be the command line's run: its calls add
// up to -n, its histogram is the histogram of all the shards' calls, and every shard started at
// the one start time, not before it (how long after it depends on the machine's load, so only a
// loose bound is checked). Also the flags' errors (exit 2, one line).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>

#include "loadgen/core/histogram_codec.hpp"
#include "process.hpp"

namespace loadgen::test {
namespace {

namespace json = boost::json;

json::object read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string text(std::istreambuf_iterator<char>(in), {});
  return json::parse(text).as_object();
}

// A start time `seconds_ahead` from now: as RFC 3339 UTC with milliseconds (the flag's text) and
// as Unix ns (the same instant).
struct start_time {
  std::string text;
  std::int64_t unix_ns;
};
start_time start_time_in(int seconds_ahead) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const time_t at = now.tv_sec + seconds_ahead;
  tm utc{};
  gmtime_r(&at, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  const long centis = now.tv_nsec / 10'000'000;
  return {std::string(text) + "." + std::to_string(100 + centis).substr(1) + "0Z",
          static_cast<std::int64_t>(at) * 1'000'000'000 + static_cast<std::int64_t>(centis) * 10'000'000};
}

class distributed : public with_shared_server<distributed> {
protected:
  void SetUp() override { dir_ = make_temp_dir("distributed"); }
  void TearDown() override { remove_tree(dir_); }
  std::string dir_;
};

TEST_F(distributed, three_shards_merge_into_the_command_lines_run) {
  constexpr int shards = 3;
  const start_time start_at = start_time_in(3);
  std::vector<std::unique_ptr<background_process>> pods;
  for (int i = 0; i < shards; ++i) {
    pods.push_back(std::make_unique<background_process>(
        std::vector<std::string>{loadgen_binary(), "load", "-shards", "3", "-start-at", start_at.text, "-c", "4",
                                 "-qps", "200", "-n", "200", "-labels", "dist", "-a", "-data-dir", dir_, url("/echo?status=503:10")},
        std::map<std::string, std::string>{{"JOB_COMPLETION_INDEX", std::to_string(i)}}));
  }
  // The shares add up to the command line: -c 4 is 2+1+1, -qps 200 is 67+67+66, -n 200 is 67+67+66.
  const char* shares[] = {"-c 2 -qps 67 -n 67", "-c 1 -qps 67 -n 67", "-c 1 -qps 66 -n 66"};
  const std::int64_t calls[] = {67, 67, 66};
  std::vector<std::string> files;
  std::vector<std::int64_t> starts;
  for (int i = 0; i < shards; ++i) {
    const process_result r = pods[static_cast<std::size_t>(i)]->wait(std::chrono::seconds(60));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("Shard " + std::to_string(i) + " of 3 (indexes 0..2): " + shares[i] +
                         ", its share of -c 4 -qps 200 -n 200"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("All done " + std::to_string(calls[i]) + " calls"), std::string::npos) << r.err;
    const std::size_t saved = r.err.find("Successfully wrote ");
    ASSERT_NE(saved, std::string::npos) << r.err;
    const std::size_t from = r.err.find(dir_, saved);
    files.push_back(r.err.substr(from, r.err.find(".json", from) + 5 - from));
    EXPECT_NE(files.back().find("_dist_shard" + std::to_string(i) + "of3.json"), std::string::npos) << files.back();
    const json::object result = read_json(files.back());
    EXPECT_EQ(result.at("Exact").at("ShardIndex").as_int64(), i);
    EXPECT_EQ(result.at("Exact").at("ShardCount").as_int64(), 3);
    starts.push_back(result.at("Exact").at("StartUnixNs").as_int64());
  }
  // Every shard waited for the start time (started 3 s ahead of it, a shard that did not wait
  // would start seconds early) and none started long after it. On an idle machine the shards
  // start within a millisecond of it; under the sanitizers on a loaded 2-CPU machine they have
  // been seen to start 17 ms apart, so the upper bound is loose.
  for (std::size_t i = 0; i < starts.size(); ++i) {
    EXPECT_GE(starts[i], start_at.unix_ns) << "shard " << i << " started before -start-at";
    EXPECT_LT(starts[i] - start_at.unix_ns, 1'000'000'000)
        << "shard " << i << " started " << (starts[i] - start_at.unix_ns) / 1e6 << " ms after -start-at";
  }

  std::vector<std::string> argv{loadgen_binary(), "merge", "-json", dir_ + "/merged.json"};
  argv.insert(argv.end(), files.begin(), files.end());
  const process_result merged = run(argv);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_NE(merged.err.find("Merged 3 results (exact histograms)"), std::string::npos) << merged.err;
  EXPECT_NE(merged.err.find("Shards : 3 of 3; start times within "), std::string::npos) << merged.err;
  // Every tenth call of each shard is a 503 (status=503:10 is 10%, decided per call at random by
  // the server), so only the total is exact: the Code lines add up to -n.
  const json::object all = read_json(dir_ + "/merged.json");
  std::int64_t coded = 0;
  for (const auto& [code, n] : all.at("RetCodes").as_object()) coded += n.as_int64();
  EXPECT_EQ(coded, 200);
  EXPECT_EQ(all.at("DurationHistogram").at("Count").as_int64(), 200);
  EXPECT_EQ(all.at("Exactly").as_int64(), 200);
  EXPECT_EQ(all.at("NumThreads").as_int64(), 4);
  EXPECT_EQ(all.at("RequestedQPS").as_string(), "200");
  EXPECT_EQ(all.at("Exact").as_object().count("ShardCount"), 0u) << "the merged run is no shard";
  // The merged histogram is the histogram of all calls: the shards' exact histograms (every
  // call's bucket, count, sum, min and max) merged here give the same encoding, bucket for bucket.
  histogram every_call;
  for (const auto& f : files) {
    const auto shard = decode_histogram(read_json(f).at("Exact").at("Histograms").at("Duration").as_string());
    ASSERT_TRUE(shard) << f;
    every_call.merge(*shard);
  }
  EXPECT_EQ(every_call.count(), 200u);
  EXPECT_EQ(all.at("Exact").at("Histograms").at("Duration").as_string(), encode_histogram(every_call));
}

TEST_F(distributed, a_missing_shard_is_named_by_merge) {
  std::vector<std::string> files;
  for (int i : {0, 2}) {
    const std::string file = dir_ + "/s" + std::to_string(i) + ".json";
    const process_result r = run({loadgen_binary(), "load", "-shards", "3", "-shard-index", std::to_string(i), "-c", "3",
                                  "-qps", "0", "-n", "9", "-json", file, url("/echo")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files.push_back(file);
  }
  files.push_back(files.front());
  std::vector<std::string> argv{loadgen_binary(), "merge"};
  argv.insert(argv.end(), files.begin(), files.end());
  const process_result merged = run(argv);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_NE(merged.err.find("Shards : 2 of 3, missing 1, given more than once 0; start times within "), std::string::npos)
      << merged.err;
  EXPECT_NE(merged.err.find("Code 200 : 9 (100.0 %)"), std::string::npos) << merged.err;
}

// What `kubectl logs` gives for a pod of deploy/k8s/distributed-load.yaml: the report, then the
// JSON (-json /dev/stderr), then log lines, in one stream. merge reads the result out of it.
TEST_F(distributed, merge_reads_results_out_of_pod_logs) {
  std::vector<std::string> argv{loadgen_binary(), "merge"};
  for (int i : {0, 1}) {
    const process_result r = run({loadgen_binary(), "load", "-shards", "2", "-shard-index", std::to_string(i), "-c", "2",
                                  "-qps", "0", "-n", "11", "-json", "/dev/stderr", url("/echo")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("Successfully wrote "), std::string::npos) << r.err;
    const std::string log = dir_ + "/shard-" + std::to_string(i) + ".log";
    std::ofstream(log) << r.err << "12:00:00.000 I a line after the result\n";
    argv.push_back(log);
  }
  const process_result merged = run(argv);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_NE(merged.err.find("Shards : 2 of 2;"), std::string::npos) << merged.err;
  EXPECT_NE(merged.err.find("Code 200 : 11 (100.0 %)"), std::string::npos) << merged.err;
}

TEST_F(distributed, a_malformed_assert_is_a_bad_flag_before_any_file_is_read) {
  const process_result r = run({loadgen_binary(), "merge", "-assert", "p99<250", dir_ + "/no-such-result.json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("a latency needs a unit"), std::string::npos) << r.err;
  EXPECT_EQ(count_lines_starting(r.err, "loadgen merge: "), 1) << r.err;
}

TEST_F(distributed, start_in_waits_before_the_first_call) {
  const process_result r =
      run({loadgen_binary(), "load", "-start-in", "1s", "-c", "1", "-qps", "0", "-n", "2", "-json", "-", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Under a second, printed to the millisecond: a wait of 0.9996 s shows as 1.000.
  EXPECT_TRUE(r.err.find("Waiting 0.") != std::string::npos || r.err.find("Waiting 1.000s") != std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Code 200 : 2 (100.0 %)"), std::string::npos) << r.err;
}

struct bad_distribution {
  std::vector<std::string> flags;
  std::map<std::string, std::string> env;
  std::string message;
};

class distribution_errors : public with_shared_server<distribution_errors, ::testing::TestWithParam<bad_distribution>> {};

TEST_P(distribution_errors, exit_2_with_one_line) {
  std::vector<std::string> argv{loadgen_binary(), "load", "-qps", "0", "-n", "6"};
  argv.insert(argv.end(), GetParam().flags.begin(), GetParam().flags.end());
  argv.push_back(url("/echo"));
  background_process p(argv, GetParam().env);
  const process_result r = p.wait(std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "loadgen load: " + GetParam().message + "\n");
}

INSTANTIATE_TEST_SUITE_P(
    flags, distribution_errors,
    ::testing::Values(
        bad_distribution{{"-shards", "3", "-c", "3"}, {},
                         "-shards 3: which shard is this? Give -shard-index, or set JOB_COMPLETION_INDEX (a Kubernetes "
                         "Indexed Job sets it in each pod)"},
        bad_distribution{{"-shards", "3", "-c", "3"}, {{"JOB_COMPLETION_INDEX", "one"}},
                         "JOB_COMPLETION_INDEX=\"one\" is not a shard index (0, 1, ...)"},
        bad_distribution{{"-shards", "3", "-c", "3"}, {{"JOB_COMPLETION_INDEX", "3"}}, "shard index 3 is not in 0..2 (-shards 3)"},
        bad_distribution{{"-shards", "3", "-c", "2", "-shard-index", "0"}, {}, "-shards 3 needs at least 3 connections to share (-c 2)"},
        bad_distribution{{"-shards", "7", "-c", "8", "-shard-index", "0"}, {}, "-shards 7 needs at least 7 calls to share (-n 6)"},
        bad_distribution{{"-shards", "0"}, {}, "-shards must be at least 1 (got 0)"},
        bad_distribution{{"-start-at", "2026-11-29T23:30:00"}, {},
                         "invalid -start-at \"2026-11-29T23:30:00\" (want an RFC 3339 time with its zone, e.g. 2026-11-29T23:30:00Z)"},
        bad_distribution{{"-start-at", "2026-11-29T23:30:00Z", "-start-in", "1s"}, {}, "-start-at and -start-in: give one of them"},
        bad_distribution{{"-start-in", "-1s"}, {}, "-start-in must not be negative"}));

}  // namespace
}  // namespace loadgen::test
