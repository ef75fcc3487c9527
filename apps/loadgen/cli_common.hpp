#pragma once
// What every command's CLI binding shares: the Go-style flag rewrite in front of CLI11, logging
// set-up, and turning parse results into exit codes. CLI11 lives only in apps/.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "loadgen/core/go_flags.hpp"
#include "loadgen/core/options.hpp"

namespace loadgen::cli {

// The flag spec (value flags vs boolean flags) read off the options declared on app, so the Go
// flag adapter and CLI11 never disagree. Declare every option with a long name, single-letter
// ones included ("--c", "--H"): the adapter turns "-c 3" into "--c=3".
flag_spec spec_of(const CLI::App& app);

// The command's flags in Go's flag.PrintDefaults layout, grouped by the group each option was
// given (->group("Load"), "HTTP", "TLS", "Output", "Server", "Logging", "loadgen"), after the
// app's description and a usage line. Declare a duration flag with ->type_name("duration") and it
// is shown and checked as one.
std::string go_usage_of(CLI::App& app);

// Rewrites args (everything after the command name) Go-style and parses them into app.
// Returns nullopt when the command should run, or the exit code to return now: 0 after printing
// help (-h, --help, -help) on stdout, 2 after a bad flag: Go's one line for a flag error (unknown
// flag, bad value) followed by the usage, or "loadgen <command>: <message>" for the rest.
std::optional<int> parse(CLI::App& app, const std::vector<std::string>& args);

// Adds -loglevel and -quiet (Fortio's names and meaning) bound to the given strings.
void add_logging_flags(CLI::App& app, std::string& level, bool& quiet);

// Sets spdlog's default logger to stderr with the level named (Debug, Verbose, Info, Warning,
// Error, Critical, Fatal; case-insensitive; LOGGER_LEVEL in the environment is the default).
// -quiet means Error. Returns the level in Fortio's terms (the report shows lines by it).
// Throws loadgen::error (exit 2) for an unknown level name.
log_level setup_logging(const std::string& level, bool quiet);

// Prints "loadgen <command>: <message>" on stderr, one line.
void print_error(const std::string& command, const std::string& message);

}  // namespace loadgen::cli
