// Bad input gets one clear line and the right exit code: 2 for flags, 1 for a run that cannot
// start. Never a crash, a hang or a report with silently wrong numbers.
#include <gtest/gtest.h>

#include "process.hpp"

namespace loadgen::test {
namespace {

struct bad_input {
  std::vector<std::string> args;
  int exit_code;
  std::string message;  // a part of the one error line
  bool go_usage = false; // a flag error in Go's words: that exact line first, then the command's usage
};

class cli_errors : public ::testing::TestWithParam<bad_input> {};

TEST_P(cli_errors, one_line_and_exit_code) {
  const bad_input& in = GetParam();
  std::vector<std::string> argv{loadgen_binary()};
  argv.insert(argv.end(), in.args.begin(), in.args.end());
  const auto r = run(argv, std::chrono::seconds(20));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, in.exit_code) << r.err;
  EXPECT_NE(r.err.find(in.message), std::string::npos) << r.err;
  ASSERT_FALSE(r.err.empty());
  if (in.go_usage) {
    // As Go's flag package: the error line, exactly, then the usage (nothing run, no report).
    EXPECT_EQ(r.err.substr(0, r.err.find('\n')), in.message) << r.err;
    EXPECT_NE(r.err.find("\nUsage: loadgen " + in.args.front() + " [flags]"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Aggregated"), std::string::npos) << r.err;
    return;
  }
  // The error is the last line of stderr, alone on it.
  EXPECT_EQ(r.err.back(), '\n');
  const std::string last = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
  EXPECT_NE(last.find(in.message), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Aggregated"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    all, cli_errors,
    ::testing::Values(
        bad_input{{"frobnicate"}, 1, "unknown command \"frobnicate\""},
        bad_input{{"load"}, 1, "a URL is needed"},
        bad_input{{"load", "ftp://example.com/"}, 1, "unsupported scheme"},
        bad_input{{"load", "http:///path"}, 1, "host"},
        bad_input{{"load", "http://127.0.0.1:99999/"}, 1, "port"},
        bad_input{{"load", "http://127.0.0.1:80a/"}, 1, "port"},
        bad_input{{"load", "-qps", "fast", "http://127.0.0.1:1/"}, 2, "invalid value \"fast\" for flag -qps: parse error", true},
        bad_input{{"load", "-n", "ten", "http://127.0.0.1:1/"}, 2, "invalid value \"ten\" for flag -n: parse error", true},
        bad_input{{"load", "-c", "abc", "http://127.0.0.1:1/"}, 2, "invalid value \"abc\" for flag -c: parse error", true},
        bad_input{{"load", "-streamz", "http://127.0.0.1:1/"}, 2, "flag provided but not defined: -streamz", true},
        bad_input{{"load", "--streamz", "http://127.0.0.1:1/"}, 2, "flag provided but not defined: -streamz", true},
        bad_input{{"curl", "-stream", "-payload", "x", "http://127.0.0.1:1/"}, 2,
                  "-stream sends standard input as the body: give it without -payload, -payload-file or -payload-size"},
        bad_input{{"load", "-h2", "-streams", "0", "http://127.0.0.1:1/"}, 2, "-streams must be between 1 and 10000"},
        bad_input{{"load", "-h2", "-http1.0", "http://127.0.0.1:1/"}, 2, "-h2 and -http1.0 cannot be used together"},
        bad_input{{"curl", "-nope=1", "http://127.0.0.1:1/"}, 2, "flag provided but not defined: -nope", true},
        bad_input{{"server", "-bogus"}, 2, "flag provided but not defined: -bogus", true},
        bad_input{{"load", "-c"}, 2, "flag needs an argument: -c", true},
        bad_input{{"load", "---c", "1", "http://127.0.0.1:1/"}, 2, "bad flag syntax: ---c", true},
        bad_input{{"load", "-dns-method", "fastest", "http://127.0.0.1:1/"}, 2, "invalid value for dns method, should be one of cached-rr, first, rnd or rr"},
        bad_input{{"load", "-resolve-ip-type", "ipv4", "http://127.0.0.1:1/"}, 2, "invalid -resolve-ip-type \"ipv4\" (want ip4, ip6 or ip)"},
        bad_input{{"load", "-resolve", "127.0.0.1,nope", "http://h:1/"}, 2, "-resolve wants IP addresses, comma-separated: \"nope\" is not one"},
        bad_input{{"load", "-n", "1", "-resolve-ip-type", "ip6", "http://127.0.0.1.nip.invalid:1/"}, 1, "cannot resolve host"},
        bad_input{{"load", "-n", "1", "-profile", "/nonexistent/dir/p", "http://127.0.0.1:1/"}, 1, "cannot write -profile file \"/nonexistent/dir/p.cpu\""},
        bad_input{{"load", "-t", "5x", "http://127.0.0.1:1/"}, 2, "invalid value \"5x\" for flag -t: parse error", true},
        bad_input{{"load", "-t", "5", "http://127.0.0.1:1/"}, 2, "invalid value \"5\" for flag -t: parse error", true},
        bad_input{{"load", "-timeout", "soon", "http://127.0.0.1:1/"}, 2, "invalid value \"soon\" for flag -timeout: parse error", true},
        bad_input{{"load", "-p", "50,100", "http://127.0.0.1:1/"}, 2, "outside (0, 100)"},
        bad_input{{"load", "-p", "0", "http://127.0.0.1:1/"}, 2, "outside (0, 100)"},
        bad_input{{"load", "-no-such-flag", "http://127.0.0.1:1/"}, 2, "flag provided but not defined: -no-such-flag", true},
        bad_input{{"load", "-H", "no colon here", "http://127.0.0.1:1/"}, 2, "invalid header"},
        bad_input{{"load", "-keepalive=maybe", "http://127.0.0.1:1/"}, 2, "invalid boolean value \"maybe\" for -keepalive: parse error", true},
        bad_input{{"load", "-payload-file", "/nonexistent/file", "http://127.0.0.1:1/"}, 1, "cannot read -payload-file"},
        // A directory used to be read as an empty body and sent (exit 1 for the refused connect).
        bad_input{{"curl", "-payload-file", "/tmp", "http://127.0.0.1:1/"}, 1, "cannot read -payload-file \"/tmp\": it is a directory"},
        bad_input{{"load", "-n", "1", "-payload-file", "/tmp", "http://127.0.0.1:1/"}, 1, "it is a directory"},
        bad_input{{"load", "-n", "1", "http://no-such-host.invalid/"}, 1, "cannot resolve host"},
        bad_input{{"load", "-connection-reuse", "5:1", "http://127.0.0.1:1/"}, 2, "connection-reuse"},
        bad_input{{"load", "-loglevel", "Chatty", "http://127.0.0.1:1/"}, 2, "log level"},
        bad_input{{"load", "-measure-from", "start", "http://127.0.0.1:1/"}, 2, "measure-from"},
        bad_input{{"load", "-busy-wait", "-5us", "http://127.0.0.1:1/"}, 2, "-busy-wait must not be negative"},
        bad_input{{"load", "-busy-wait", "soon", "http://127.0.0.1:1/"}, 2, "invalid value \"soon\" for flag -busy-wait: parse error", true},
        bad_input{{"load", "-qps"}, 2, "flag needs an argument: -qps", true},
        // Extreme values that would overflow int64 nanoseconds (qps * t, the schedule's interval,
        // start + duration on the steady clock): refused up front, before any connection.
        bad_input{{"load", "-qps", "1e20", "-t", "10s", "http://127.0.0.1:1/"}, 2, "-qps must be at most 1e9"},
        bad_input{{"load", "-qps", "1e-12", "http://127.0.0.1:1/"}, 2, "-qps must be at least 1e-6"},
        bad_input{{"load", "-qps", "1e-6", "-c", "10000", "http://127.0.0.1:1/"}, 2, "below 1e-9 per connection"},
        bad_input{{"load", "-t", "15000w", "http://127.0.0.1:1/"}, 2, "-t must be at most 100 years"},
        bad_input{{"load", "-timeout", "15000w", "http://127.0.0.1:1/"}, 2, "-timeout must be at most 100 years"},
        bad_input{{"load", "-qps", "1", "-ramp", "15000w", "http://127.0.0.1:1/"}, 2, "-ramp must be at most 100 years"},
        bad_input{{"load", "-interval", "15000w", "http://127.0.0.1:1/"}, 2, "-interval must be at most 100 years"},
        bad_input{{"load", "-busy-wait", "15000w", "http://127.0.0.1:1/"}, 2, "-busy-wait must be at most 100 years"},
        bad_input{{"load", "-offset", "15000w", "http://127.0.0.1:1/"}, 2, "-offset must be within 100 years"},
        bad_input{{"load", "-offset", "-15000w", "http://127.0.0.1:1/"}, 2, "-offset must be within 100 years"},
        bad_input{{"load", "-t", "3000000h", "http://127.0.0.1:1/"}, 2, "-t must be at most 100 years"},
        bad_input{{"server", "-maxpayloadsizekb", "99999999999999"}, 2, "-maxpayloadsizekb 99999999999999 is too large"},
        bad_input{{"server", "-maxpayloadsizekb", "99999999999999999999"}, 2, "invalid value \"99999999999999999999\" for flag -maxpayloadsizekb: value out of range", true},
        bad_input{{"server", "-maxpayloadsizekb", "1048577"}, 2, "-maxpayloadsizekb 1048577 is too large"},
        bad_input{{"server", "-maxpayloadsizekb", "-1"}, 2, "-maxpayloadsizekb must not be negative"},
        // Fortio's words and exit code for -calc-qps without both -n and -t.
        bad_input{{"load", "-calc-qps", "-t", "2s", "http://127.0.0.1:1/"}, 1, "can't use `-calc-qps` without also specifying `-n` and `-t`"},
        bad_input{{"load", "-calc-qps", "-n", "5", "-t", "0", "http://127.0.0.1:1/"}, 1, "can't use `-calc-qps`"},
        bad_input{{"curl"}, 1, "a URL is needed"},
        bad_input{{"curl", "http://no-such-host.invalid/"}, 1, "cannot resolve host"}));

TEST(cli, help_and_version) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"help"}, {"-h"}, {"--help"}, {"load", "-h"},
                                                                {"load", "--help"}, {"curl", "-help"}, {"server", "-h"}}) {
    std::vector<std::string> argv{loadgen_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << args.back() << r.err;
    EXPECT_FALSE(r.out.empty()) << args.back();
  }
  const auto v = run({loadgen_binary(), "version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, std::string(LOADGEN_VERSION) + "\n");
  const auto none = run({loadgen_binary()});
  EXPECT_EQ(none.exit_code, 1);
}

}  // namespace
}  // namespace loadgen::test
