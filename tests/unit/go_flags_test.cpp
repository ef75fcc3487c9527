#include "loadgen/core/go_flags.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

#include "loadgen/core/error.hpp"

namespace loadgen {
namespace {

using args = std::vector<std::string>;

const flag_spec& spec() {
  static const flag_spec s{
      .value_flags = {"qps", "c", "n", "t", "H", "labels", "json", "payload", "X"},
      .bool_flags = {"keepalive", "k", "quiet", "uniform"},
      .kinds = {{"qps", value_kind::number}, {"c", value_kind::integer}, {"n", value_kind::integer}, {"t", value_kind::duration}},
  };
  return s;
}

args adapt(const args& in) { return adapt_go_flags(in, spec()); }

// The message of the loadgen::error adapt() throws (and checks the exit code is 2).
std::string error_of(const args& in) {
  try {
    adapt(in);
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_bad_flags);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(AdaptGoFlags, ValueFlagsInEveryGoSpelling) {
  EXPECT_EQ(adapt({"-qps", "0"}), args{"--qps=0"});
  EXPECT_EQ(adapt({"-qps=0"}), args{"--qps=0"});
  EXPECT_EQ(adapt({"--qps", "0"}), args{"--qps=0"});
  EXPECT_EQ(adapt({"--qps=0"}), args{"--qps=0"});
  EXPECT_EQ(adapt({"-c", "3"}), args{"--c=3"});
  EXPECT_EQ(adapt({"-t", "1d4h"}), args{"--t=1d4h"});
}

TEST(AdaptGoFlags, ValuesAreTakenVerbatim) {
  EXPECT_EQ(adapt({"-qps", "-1"}), args{"--qps=-1"});
  EXPECT_EQ(adapt({"-n", "-5", "u"}), (args{"--n=-5", "u"}));
  EXPECT_EQ(adapt({"-H", "a: b"}), args{"--H=a: b"});
  EXPECT_EQ(adapt({"-H=x=y"}), args{"--H=x=y"});  // only the first '=' separates
  EXPECT_EQ(adapt({"-payload", "--"}), args{"--payload=--"});
  EXPECT_EQ(adapt({"-payload", "-keepalive"}), args{"--payload=-keepalive"});
  EXPECT_EQ(adapt({"-X", "-"}), args{"--X=-"});
  EXPECT_EQ(adapt({"-labels", "a b\tc"}), args{"--labels=a b\tc"});
}

TEST(AdaptGoFlags, EmptyValuesBecomeTwoTokens) {
  EXPECT_EQ(adapt({"-labels=", "http://h/"}), (args{"--labels", "", "http://h/"}));
  EXPECT_EQ(adapt({"--labels=", "http://h/"}), (args{"--labels", "", "http://h/"}));
  EXPECT_EQ(adapt({"-labels", "", "http://h/"}), (args{"--labels", "", "http://h/"}));
  EXPECT_EQ(adapt({"-H="}), (args{"--H", ""}));
}

TEST(AdaptGoFlags, BoolFlags) {
  EXPECT_EQ(adapt({"-keepalive"}), args{"--keepalive"});
  EXPECT_EQ(adapt({"--keepalive"}), args{"--keepalive"});
  EXPECT_EQ(adapt({"-k"}), args{"--k"});
  for (const char* t : {"1", "t", "T", "true", "TRUE", "True"}) {
    EXPECT_EQ(adapt({std::string("-keepalive=") + t}), args{"--keepalive=true"}) << t;
  }
  for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
    EXPECT_EQ(adapt({std::string("-keepalive=") + f}), args{"--keepalive=false"}) << f;
    EXPECT_EQ(adapt({std::string("--k=") + f}), args{"--k=false"}) << f;
  }
  // A bool flag never consumes the next argument: "false" stays positional, as in Go.
  EXPECT_EQ(adapt({"-keepalive", "false"}), (args{"--keepalive", "false"}));
  EXPECT_EQ(adapt({"-k", "https://h/"}), (args{"--k", "https://h/"}));
}

TEST(AdaptGoFlags, BadBoolValues) {
  EXPECT_EQ(error_of({"-keepalive=maybe"}),
            "invalid boolean value \"maybe\" for -keepalive: parse error");
  EXPECT_EQ(error_of({"--k="}), "invalid boolean value \"\" for -k: parse error");
  EXPECT_EQ(error_of({"-quiet=yes"}), "invalid boolean value \"yes\" for -quiet: parse error");
  EXPECT_EQ(error_of({"-quiet=tRUE"}), "invalid boolean value \"tRUE\" for -quiet: parse error");
}

TEST(AdaptGoFlags, MissingValue) {
  EXPECT_EQ(error_of({"-qps"}), "flag needs an argument: -qps");
  EXPECT_EQ(error_of({"http://h/", "--c"}), "flag needs an argument: -c");
}

TEST(AdaptGoFlags, BadSyntax) {
  EXPECT_EQ(error_of({"---qps", "1"}), "bad flag syntax: ---qps");
  EXPECT_EQ(error_of({"-=1"}), "bad flag syntax: -=1");
  EXPECT_EQ(error_of({"--=1"}), "bad flag syntax: --=1");
}

TEST(AdaptGoFlags, PositionalsAndOrder) {
  EXPECT_EQ(adapt({}), args{});
  EXPECT_EQ(adapt({"http://h/"}), args{"http://h/"});
  EXPECT_EQ(adapt({"-c", "2", "http://h/", "-qps", "0", "-keepalive=false"}),
            (args{"--c=2", "http://h/", "--qps=0", "--keepalive=false"}));
  EXPECT_EQ(adapt({"-"}), args{"-"});
  EXPECT_EQ(adapt({""}), args{""});
  EXPECT_EQ(adapt({"a", "b"}), (args{"a", "b"}));
}

TEST(AdaptGoFlags, RepeatedFlagsStayInOrder) {
  EXPECT_EQ(adapt({"-H", "a: b", "-H=c: d", "--H", "e: f"}), (args{"--H=a: b", "--H=c: d", "--H=e: f"}));
  EXPECT_EQ(adapt({"-c", "1", "-c", "2"}), (args{"--c=1", "--c=2"}));
  EXPECT_EQ(adapt({"-k", "-k=false"}), (args{"--k", "--k=false"}));
}

TEST(AdaptGoFlags, DoubleDashEndsFlags) {
  EXPECT_EQ(adapt({"-c", "2", "--", "-qps", "1", "-k=maybe"}),
            (args{"--c=2", "--", "-qps", "1", "-k=maybe"}));
  EXPECT_EQ(adapt({"--"}), args{"--"});
}

TEST(AdaptGoFlags, Help) {
  EXPECT_EQ(adapt({"-h"}), args{"--help"});
  EXPECT_EQ(adapt({"-help"}), args{"--help"});
  EXPECT_EQ(adapt({"--help"}), args{"--help"});
  EXPECT_EQ(adapt({"--h"}), args{"--help"});
  EXPECT_EQ(adapt({"-c", "1", "-h", "u"}), (args{"--c=1", "--help", "u"}));
  const flag_spec with_h{.value_flags = {"h"}, .bool_flags = {}, .kinds = {}};
  EXPECT_EQ(adapt_go_flags({"-h", "x"}, with_h), args{"--h=x"});  // a declared -h wins
}

TEST(AdaptGoFlags, UnknownFlagsAreGoErrors) {
  // Go's words, with the name as Go prints it (one dash, no value), whatever the user typed.
  EXPECT_EQ(error_of({"-nope"}), "flag provided but not defined: -nope");
  EXPECT_EQ(error_of({"-nope=3", "u"}), "flag provided but not defined: -nope");
  EXPECT_EQ(error_of({"--h2"}), "flag provided but not defined: -h2");
  EXPECT_EQ(error_of({"-Qps=1"}), "flag provided but not defined: -Qps");  // names are case-sensitive, as in Go
  EXPECT_EQ(error_of({"-1"}), "flag provided but not defined: -1");
  try {
    adapt({"-h2"});
    ADD_FAILURE() << "no error";
  } catch (const go_flag_error& e) {
    EXPECT_EQ(e.exit_code(), 2);
  }
}

TEST(AdaptGoFlags, ValuesCheckedAsGoDoes) {
  EXPECT_EQ(error_of({"-c", "abc"}), "invalid value \"abc\" for flag -c: parse error");
  EXPECT_EQ(error_of({"-c="}), "invalid value \"\" for flag -c: parse error");
  EXPECT_EQ(error_of({"-c", "1.5"}), "invalid value \"1.5\" for flag -c: parse error");
  EXPECT_EQ(error_of({"-c", "08"}), "invalid value \"08\" for flag -c: parse error");  // octal in Go
  EXPECT_EQ(error_of({"-n", "9223372036854775808"}), "invalid value \"9223372036854775808\" for flag -n: value out of range");
  EXPECT_EQ(error_of({"-qps", "fast"}), "invalid value \"fast\" for flag -qps: parse error");
  EXPECT_EQ(error_of({"-qps", " 1"}), "invalid value \" 1\" for flag -qps: parse error");
  EXPECT_EQ(error_of({"-qps", "1e999"}), "invalid value \"1e999\" for flag -qps: value out of range");
  EXPECT_EQ(error_of({"-t", "5"}), "invalid value \"5\" for flag -t: parse error");
  EXPECT_EQ(error_of({"-t", "abc"}), "invalid value \"abc\" for flag -t: parse error");
  EXPECT_EQ(error_of({"-c", "a\"b"}), "invalid value \"a\\\"b\" for flag -c: parse error");
  // Go's integer literals reach CLI11 in decimal; floats and durations unchanged.
  EXPECT_EQ(adapt({"-c", "0x10", "-n=0o17", "-c=017", "-n", "0b101", "-c", "1_000", "-n=-3", "-c=+4"}),
            (args{"--c=16", "--n=15", "--c=15", "--n=5", "--c=1000", "--n=-3", "--c=4"}));
  EXPECT_EQ(adapt({"-n", "-9223372036854775808"}), (args{"--n=-9223372036854775808"}));
  EXPECT_EQ(adapt({"-qps", "1e3", "-qps=-1", "-t", "1m30s", "-t=0"}), (args{"--qps=1e3", "--qps=-1", "--t=1m30s", "--t=0"}));
  EXPECT_EQ(error_of({"-c", "1__0"}), "invalid value \"1__0\" for flag -c: parse error");
}

// The adapter's output through a real CLI11 2.1.2 app declared the way the CLI binding declares
// its options (see go_flags.hpp for why each modifier is there).
struct cli_result {
  int c = 4;
  double qps = 8;
  std::vector<std::string> headers;
  bool keepalive = true;
  bool k = false;
  std::string labels = "default";
  std::string url;
};

cli_result parse_with_cli11(const args& go_args) {
  cli_result r;
  CLI::App app{"test"};
  app.add_option("--c", r.c)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--qps", r.qps)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--H", r.headers)->allow_extra_args(false);
  app.add_option("--labels", r.labels)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_flag("--keepalive", r.keepalive);
  app.add_flag("--k", r.k);
  app.add_option("url", r.url);
  const flag_spec s{.value_flags = {"c", "qps", "H", "labels"}, .bool_flags = {"keepalive", "k"}, .kinds = {}};
  std::vector<std::string> adapted = adapt_go_flags(go_args, s);
  std::reverse(adapted.begin(), adapted.end());  // CLI11's vector form wants them reversed
  app.parse(adapted);
  return r;
}

TEST(AdaptGoFlagsWithCli11, Defaults) {
  const cli_result r = parse_with_cli11({"http://h/"});
  EXPECT_EQ(r.c, 4);
  EXPECT_EQ(r.qps, 8);
  EXPECT_TRUE(r.keepalive);
  EXPECT_FALSE(r.k);
  EXPECT_TRUE(r.headers.empty());
  EXPECT_EQ(r.url, "http://h/");
}

TEST(AdaptGoFlagsWithCli11, FlagsBeforeTheUrl) {
  const cli_result r = parse_with_cli11(
      {"-c", "3", "-qps", "-1", "-H", "a: b", "-H", "c: d", "-keepalive=false", "-k", "http://h/x"});
  EXPECT_EQ(r.c, 3);
  EXPECT_EQ(r.qps, -1);
  EXPECT_EQ(r.headers, (args{"a: b", "c: d"}));
  EXPECT_FALSE(r.keepalive);
  EXPECT_TRUE(r.k);
  EXPECT_EQ(r.url, "http://h/x");
}

TEST(AdaptGoFlagsWithCli11, FlagsAfterTheUrl) {
  const cli_result r = parse_with_cli11({"http://h/x", "--c=3", "-H=a: b", "--H", "c: d", "-keepalive=0"});
  EXPECT_EQ(r.c, 3);
  EXPECT_EQ(r.headers, (args{"a: b", "c: d"}));
  EXPECT_FALSE(r.keepalive);
  EXPECT_EQ(r.url, "http://h/x");
}

TEST(AdaptGoFlagsWithCli11, BoolSpellingsAndRepeats) {
  EXPECT_FALSE(parse_with_cli11({"-keepalive=F", "u"}).keepalive);
  EXPECT_FALSE(parse_with_cli11({"-keepalive=FALSE", "u"}).keepalive);
  EXPECT_TRUE(parse_with_cli11({"-keepalive=false", "-keepalive=true", "u"}).keepalive);
  EXPECT_TRUE(parse_with_cli11({"-keepalive=false", "-keepalive", "u"}).keepalive);
  EXPECT_FALSE(parse_with_cli11({"-keepalive", "-keepalive=false", "u"}).keepalive);
  EXPECT_FALSE(parse_with_cli11({"-k=t", "-k=0", "u"}).k);
  EXPECT_EQ(parse_with_cli11({"-c", "3", "-c", "5", "u"}).c, 5);  // Go: the last one wins
}

TEST(AdaptGoFlagsWithCli11, EmptyValueDoesNotSwallowTheUrl) {
  const cli_result r = parse_with_cli11({"-labels=", "-H", "", "http://h/"});
  EXPECT_EQ(r.labels, "");
  EXPECT_EQ(r.headers, args{""});
  EXPECT_EQ(r.url, "http://h/");
}

TEST(AdaptGoFlagsWithCli11, Errors) {
  // "-keepalive false": "false" is a second positional argument, as in Fortio.
  EXPECT_THROW(parse_with_cli11({"-keepalive", "false", "http://h/"}), CLI::ParseError);
  EXPECT_THROW(parse_with_cli11({"-nope", "http://h/"}), go_flag_error);  // before CLI11 sees it
  EXPECT_THROW(parse_with_cli11({"a", "b"}), CLI::ParseError);  // a second URL
  EXPECT_THROW(parse_with_cli11({"-c", "x", "http://h/"}), CLI::ParseError);  // no kinds given: CLI11 checks
  EXPECT_THROW(parse_with_cli11({"-h"}), CLI::CallForHelp);
}

// The CLI11 2.1.2 pitfalls that go_flags.hpp documents; if CLI11 changes, these tell us.
TEST(Cli11Pitfalls, AsDocumentedInGoFlagsHeader) {
  {  // A vector option without allow_extra_args(false) takes the URL as one more value.
    CLI::App app{"test"};
    std::vector<std::string> h;
    std::string url;
    app.add_option("--H", h);
    app.add_option("url", url);
    app.parse(std::vector<std::string>{"http://h/", "--H=a: b"});  // reversed: --H=a: b http://h/
    EXPECT_EQ(h, (args{"a: b", "http://h/"}));
    EXPECT_EQ(url, "");
  }
  {  // "--labels=" is read as "no value attached": the next argument becomes the value.
    CLI::App app{"test"};
    std::string labels = "default";
    std::string url;
    app.add_option("--labels", labels);
    app.add_option("url", url);
    app.parse(std::vector<std::string>{"http://h/", "--labels="});
    EXPECT_EQ(labels, "http://h/");
  }
  {  // A repeated scalar is an error without TakeLast.
    CLI::App app{"test"};
    int c = 0;
    app.add_option("--c", c);
    EXPECT_THROW(app.parse(std::vector<std::string>{"--c=5", "--c=3"}), CLI::ParseError);
  }
}

}  // namespace
}  // namespace loadgen
