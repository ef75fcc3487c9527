#pragma once
// Set-up errors. Exceptions are only for set-up (parsing, validation, resolving, opening files);
// on the request path errors are values (see outcome.hpp). main() prints what() as one line and
// exits with exit_code().
#include <stdexcept>
#include <string>

namespace loadgen {

// Exit codes, as Fortio's: 0 the run completed (even with 100% errors), 1 the run could not start
// (bad URL, unresolvable host, unreadable file, warmup failure), 2 bad flags; and loadgen's 3: an
// -assert failed.
inline constexpr int exit_ok = 0;
inline constexpr int exit_run_failed = 1;
inline constexpr int exit_bad_flags = 2;
// loadgen's own: the run (or merge) completed and its report was printed, but an -assert failed.
inline constexpr int exit_assertion_failed = 3;

class error : public std::runtime_error {
public:
  error(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

private:
  int exit_code_;
};

// A flag whose value cannot be parsed or is out of range: exit 2.
inline error flag_error(const std::string& message) { return error(exit_bad_flags, message); }
// A run that cannot start (bad URL, DNS, files): exit 1.
inline error run_error(const std::string& message) { return error(exit_run_failed, message); }

}  // namespace loadgen
