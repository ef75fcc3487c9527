#pragma once
// The Go-style flag adapter (pure). Fortio's users type flags the way Go's flag package takes
// them: "-qps 0", "-qps=0", "--qps 0", "--qps=0", "-keepalive=false", "-H 'a: b'" (repeatable).
// CLI11 only takes single-dash names of one letter, so this rewrites argv into a canonical form
// before CLI11 sees it:
//   * a value flag becomes one token "--name=value" (so a value that starts with '-', like
//     "-qps -1", is never mistaken for a flag); Go takes the next argument as the value whatever
//     it looks like ("-H --" gives "--H=--"). An empty value ("-labels=" or "-labels ''") becomes
//     the two tokens "--labels" "" instead, because CLI11 2.1.2 reads "--labels=" as "no value
//     attached" and takes the NEXT argument (the URL) as the value;
//   * a boolean flag becomes "--name" or "--name=false" / "--name=true" (Go accepts 1, 0, t, f,
//     T, F, true, false, TRUE, FALSE, True, False after '=' and never consumes the next argument);
//   * single-letter flags are treated exactly like long ones ("-c 3" -> "--c=3"), so the CLI
//     binding declares them as long names ("--c") too;
//   * arguments that do not start with '-' (the URL), and a lone "-", are kept in place; flags
//     after the URL are still flags (Fortio would stop parsing there; we do not);
//   * "--" ends flag processing: it and everything after it are copied unchanged;
//   * "-h", "-help", "--h", "--help" (with or without "=value") become "--help" (CLI11's help
//     flag), unless the spec declares "h" or "help";
//   * a repeated flag stays repeated, in order;
//   * a value of an integer, float or duration flag is checked as Go checks it (an integer may be
//     written 0x1f, 0o17, 0b101 or 017 as in Go, and reaches CLI11 in decimal);
//   * every error is a go_flag_error carrying the line Go's flag package prints, so that scripts
//     and people see what Fortio would have said: "flag provided but not defined: -h2",
//     "invalid value \"abc\" for flag -c: parse error", "invalid boolean value \"x\" for -k:
//     parse error", "flag needs an argument: -c", "bad flag syntax: ---x" (exit 2, the caller
//     prints the command's usage after it, as Go does).
//
// What the CLI binding must know about CLI11 2.1.2 (checked by the CLI11 test in
// tests/unit/go_flags_test.cpp):
//   * a bool flag with default true, declared add_flag("--keepalive", keepalive) on a bool that
//     holds true, is turned off by "--keepalive=false" (the adapter normalises every Go spelling
//     to "true"/"false"); "--keepalive" alone sets true; when repeated, the last one wins;
//   * a std::vector option ("--H") must be declared with ->allow_extra_args(false): otherwise,
//     even after "--H=a: b", CLI11 keeps taking the following positional arguments (the URL)
//     as more values of the vector;
//   * a scalar option given twice ("-c 3 -c 5") is an error in CLI11 by default; Go keeps the
//     last value, so declare scalars with ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
//   * single-letter long names ("--c", "--k", "--H") work; declare them without a "-c" short name;
//   * an empty value ("--n" "") converts to 0 for numeric options where Go would reject it; the
//     binding should check for an empty string if that matters.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "loadgen/core/error.hpp"

namespace loadgen {

// What a value flag holds, for the checks Go's flag package makes before any command sees it.
enum class value_kind { text, integer, number, duration };

struct flag_spec {
  std::set<std::string, std::less<>> value_flags;  // flags that take a value, e.g. "qps", "c", "H"
  std::set<std::string, std::less<>> bool_flags;   // flags that take no value, e.g. "keepalive", "k"
  std::map<std::string, value_kind, std::less<>> kinds;  // value flags not listed are text
};

// A command-line error in the words of Go's flag package (exit 2); the usage follows it.
class go_flag_error : public error {
public:
  explicit go_flag_error(const std::string& message) : error(exit_bad_flags, message) {}
};

// Returns the rewritten arguments (argv without the program name and command). Throws
// go_flag_error for an unknown flag, a value flag last with no value, a value Go would not
// accept, or bad flag syntax ("---x", "-=x").
std::vector<std::string> adapt_go_flags(const std::vector<std::string>& args, const flag_spec& spec);

}  // namespace loadgen
