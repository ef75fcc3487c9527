#include "cli_common.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "loadgen/core/error.hpp"

namespace loadgen::cli {

flag_spec spec_of(const CLI::App& app) {
  flag_spec spec;
  for (const CLI::Option* opt : app.get_options()) {
    const bool is_flag = opt->get_expected_max() == 0;  // add_flag: takes no value
    auto& set = is_flag ? spec.bool_flags : spec.value_flags;
    for (const auto& n : opt->get_lnames()) set.insert(n);
    for (const auto& n : opt->get_snames()) set.insert(n);
  }
  return spec;
}

std::optional<int> parse(CLI::App& app, const std::vector<std::string>& args) {
  // Go's flag package keeps the last value of a repeated flag, and a repeatable flag (-H) takes
  // exactly one value each time: tell CLI11 so (it would otherwise reject "-c 3 -c 5", and let
  // "-H x" swallow the URL after it).
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_expected_max() == 0) continue;
    if (opt->get_expected_max() > 1) opt->allow_extra_args(false);
    else opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  try {
    std::vector<std::string> adapted = adapt_go_flags(args, spec_of(app));
    std::reverse(adapted.begin(), adapted.end());  // CLI11 takes the vector in reverse order
    app.parse(adapted);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    print_error(app.get_name(), e.what());
    return exit_bad_flags;
  } catch (const loadgen::error& e) {
    print_error(app.get_name(), e.what());
    return e.exit_code();
  }
  return std::nullopt;
}

void add_logging_flags(CLI::App& app, std::string& level, bool& quiet) {
  app.add_option("--loglevel", level,
                 "Log level: Debug, Verbose, Info, Warning, Error, Critical, Fatal (default Info, "
                 "or $LOGGER_LEVEL)");
  app.add_flag("--quiet", quiet, "Quiet mode: log level Error, and only the essential report lines");
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

log_level setup_logging(const std::string& level, bool quiet) {
  std::string name = level;
  if (name.empty()) {
    if (const char* env = std::getenv("LOGGER_LEVEL")) name = env;
  }
  // Fortio's levels and the spdlog level that shows the same messages.
  struct level_name {
    const char* name;
    log_level fortio;
    spdlog::level::level_enum spd;
  };
  static constexpr level_name levels[] = {
      {"debug", log_level::debug, spdlog::level::trace},     {"verbose", log_level::verbose, spdlog::level::debug},
      {"info", log_level::info, spdlog::level::info},        {"warning", log_level::warning, spdlog::level::warn},
      {"warn", log_level::warning, spdlog::level::warn},     {"error", log_level::error, spdlog::level::err},
      {"critical", log_level::critical, spdlog::level::critical}, {"fatal", log_level::fatal, spdlog::level::critical}};
  const std::string l = quiet ? "error" : name.empty() ? "info" : lower(name);
  const level_name* chosen = nullptr;
  for (const auto& candidate : levels)
    if (l == candidate.name) chosen = &candidate;
  if (!chosen)
    throw flag_error("invalid log level \"" + name +
                     "\" (use Debug, Verbose, Info, Warning, Error, Critical or Fatal)");
  const spdlog::level::level_enum lvl = chosen->spd;
  auto logger = spdlog::stderr_logger_st("loadgen");
  spdlog::drop("loadgen");
  logger = spdlog::stderr_logger_st("loadgen");
  logger->set_pattern("%H:%M:%S.%e %^%L%$ %v");
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  return chosen->fortio;
}

void print_error(const std::string& command, const std::string& message) {
  std::cerr << "loadgen " << command << ": " << message << '\n';
}

}  // namespace loadgen::cli
