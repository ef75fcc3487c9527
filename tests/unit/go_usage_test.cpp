#include "loadgen/core/go_usage.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

TEST(GoUsage, FlagLayoutAsGoPrintDefaults) {
  // Go: a one-letter boolean keeps its text on the same line after a tab.
  EXPECT_EQ(format_go_flag({"k", "", "Do not verify certs", "", false}), "  -k\tDo not verify certs\n");
  // Anything longer: the text on the next line after four spaces and a tab.
  EXPECT_EQ(format_go_flag({"c", "int", "Number of connections", "4", false}),
            "  -c int\n    \tNumber of connections (default 4)\n");
  EXPECT_EQ(format_go_flag({"keepalive", "", "Keep connection alive", "true", false}),
            "  -keepalive\n    \tKeep connection alive (default true)\n");
  // Zero values show no default; strings are quoted as Go's %q.
  EXPECT_EQ(format_go_flag({"n", "int", "Exact number of calls", "0", false}), "  -n int\n    \tExact number of calls\n");
  EXPECT_EQ(format_go_flag({"t", "duration", "How long", "0s", false}), "  -t duration\n    \tHow long\n");
  EXPECT_EQ(format_go_flag({"labels", "string", "Labels", "", true}), "  -labels string\n    \tLabels\n");
  EXPECT_EQ(format_go_flag({"p", "string", "Percentiles", "50,75", true}),
            "  -p string\n    \tPercentiles (default \"50,75\")\n");
  EXPECT_EQ(format_go_flag({"x", "string", "Quote", "a\"b", true}), "  -x string\n    \tQuote (default \"a\\\"b\")\n");
  // A multi-line text keeps Go's indent on every line.
  EXPECT_EQ(format_go_flag({"ab", "", "one\ntwo", "", false}), "  -ab\n    \tone\n    \ttwo\n");
}

TEST(GoUsage, GroupsInOrderSortedAsGoInside) {
  const std::vector<go_flag_group> groups{
      {"Load flags", {{"qps", "float", "Rate", "8", false}, {"c", "int", "Conns", "4", false}}},
      {"Empty flags", {}},
      {"HTTP flags", {{"keepalive", "", "Keep", "true", false}, {"H", "key:value", "Header", "", false}}},
  };
  EXPECT_EQ(format_go_usage(groups),
            "Load flags:\n"
            "  -c int\n    \tConns (default 4)\n"
            "  -qps float\n    \tRate (default 8)\n"
            "\n"
            "HTTP flags:\n"
            "  -H key:value\n    \tHeader\n"  // byte order: upper case first, as Go sorts
            "  -keepalive\n    \tKeep (default true)\n");
}

}  // namespace
}  // namespace loadgen
