// Signals for real: a run that is sent SIGINT or SIGTERM mid-way prints its full report and
// exits 0 (Fortio dies silently on SIGTERM, which is what Kubernetes sends); a second signal
// exits at once.
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "process.hpp"

namespace loadgen::test {
namespace {

class signal_test : public with_shared_server<signal_test, ::testing::TestWithParam<int>> {};

TEST_P(signal_test, first_signal_prints_the_report_and_exits_0) {
  background_process load({loadgen_binary(), "load", "-c", "2", "-qps", "200", "-t", "0", "-loglevel", "Warning",
                           url("/echo")});
  ASSERT_TRUE(load.wait_for_output("until interrupted")) << load.err_so_far();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  load.signal(GetParam());
  const auto r = load.wait(std::chrono::seconds(10));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code 200 : "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("All done "), std::string::npos) << r.err;
}

TEST_P(signal_test, in_flight_calls_are_waited_for_and_counted) {
  // Calls take 300 ms; the signal comes while both connections wait for their answers.
  background_process load({loadgen_binary(), "load", "-c", "2", "-qps", "0", "-n", "1000", "-loglevel", "Warning",
                           "-json", "-", url("/echo?delay=300ms")});
  ASSERT_TRUE(load.wait_for_output("Starting at")) << load.err_so_far();
  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  load.signal(GetParam());
  const auto r = load.wait(std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // 2 connections x (1 finished + 1 in flight at the signal) = 4 calls, all 200.
  EXPECT_NE(r.err.find("Code 200 : 4 (100.0 %)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"RequestedDuration\": \"exactly 1000 calls, interrupted after 4\""), std::string::npos) << r.out;
}

TEST_P(signal_test, second_signal_exits_at_once) {
  background_process load({loadgen_binary(), "load", "-c", "1", "-qps", "0", "-n", "5", "-timeout", "20s",
                           "-loglevel", "Warning", url("/echo?delay=1.4s")});
  ASSERT_TRUE(load.wait_for_output("Starting at")) << load.err_so_far();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  load.signal(GetParam());
  ASSERT_TRUE(load.wait_for_output("received")) << load.err_so_far();
  load.signal(GetParam());
  // Had it waited for the in-flight call, it would print the report and exit 0; the exit status
  // 128 + signal shows it left at once. (No wall-clock bound here: sanitizers slow the exit.)
  const auto r = load.wait(std::chrono::seconds(30));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + GetParam());
  EXPECT_EQ(r.err.find("All done"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(sigint_and_sigterm, signal_test, ::testing::Values(SIGINT, SIGTERM),
                         [](const ::testing::TestParamInfo<int>& p) { return std::string(p.param == SIGINT ? "SIGINT" : "SIGTERM"); });

}  // namespace
}  // namespace loadgen::test
