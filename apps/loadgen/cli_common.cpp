#include "cli_common.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <set>
#include <iostream>
#include <utility>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "loadgen/core/error.hpp"
#include "loadgen/core/go_usage.hpp"

namespace loadgen::cli {

namespace {

// The kind Go would check a value against, from the type CLI11 was given (see go_usage_of).
value_kind kind_of(const CLI::Option& opt) {
  const std::string t = opt.get_type_name();
  if (t == "INT" || t == "UINT") return value_kind::integer;
  if (t == "FLOAT") return value_kind::number;
  if (t == "duration") return value_kind::duration;
  return value_kind::text;
}

// Go's name for a value's type in the usage: CLI11's INT is Go's int, and so on; a name the
// binding set itself ("duration", "key:value") is kept.
std::string go_type_name(const CLI::Option& opt) {
  if (opt.get_expected_max() == 0) return "";
  const std::string t = opt.get_type_name();
  if (t == "INT" || t == "UINT") return "int";
  if (t == "FLOAT") return "float";
  if (t == "TEXT") return opt.get_expected_max() > 1 ? "value" : "string";
  return t;
}

// Group keys, in the order -h prints them, and their headings.
struct group_heading {
  const char* key;
  const char* heading;
};
constexpr group_heading group_order[] = {
    {"Load", "Load flags"},     {"HTTP", "HTTP flags"},     {"TLS", "TLS flags"},
    {"Output", "Output flags"}, {"Server", "Server flags"}, {"Logging", "Logging flags"},
    {"loadgen", "loadgen's own flags (not in Fortio)"},
    {"Fortio", "Fortio flags of other commands (accepted and ignored here, with a warning)"}};

// Every flag of Fortio 1.65's flag set that loadgen does not refuse. Go's flag set is global, so
// `fortio load` takes -http-port and `fortio server` takes -qps, ignoring them. Whatever of these
// a command does not declare itself, it accepts too, and says it ignores it (one warning each).
struct fortio_flag {
  const char* name;
  bool takes_value;
  const char* where;  // the loadgen command that uses it
};
constexpr fortio_flag fortio_flags[] = {
    {"H", true, "load and curl"}, {"L", false, "load and curl"}, {"M", true, "server"}, {"P", true, "server"},
    {"X", true, "load and curl"}, {"a", false, "load"}, {"abort-on", true, "load"},
    {"access-log-file", true, "load"}, {"access-log-format", true, "load"}, {"allow-initial-errors", false, "load"},
    {"base-url", true, "server"}, {"c", true, "load"}, {"cacert", true, "load and curl"}, {"calc-qps", false, "load"},
    {"cert", true, "load, curl and server"}, {"compression", false, "load and curl"}, {"config-dir", true, "server"},
    {"config-port", true, "server"}, {"connection-reuse", true, "load"}, {"content-type", true, "load and curl"},
    {"curl", false, "load"}, {"curl-stdout-headers", false, "curl"}, {"data-dir", true, "load and server"},
    {"dns-method", true, "load and curl"}, {"echo-debug-path", true, "server"},
    {"echo-server-default-params", true, "server"}, {"gomaxprocs", true, "load"}, {"halfclose", false, "load and curl"},
    {"grpc", false, "load"}, {"grpc-compression", false, "load"}, {"grpc-max-streams", true, "server"},
    {"grpc-ping-delay", true, "load"}, {"health", false, "grpcping"}, {"healthservice", true, "load, grpcping and server"}, {"ping", false, "load"},
    {"s", true, "load"}, {"grpc-port", true, "server"}, {"h2", false, "load and curl"}, {"http-port", true, "server"}, {"http1.0", false, "load and curl"}, {"httpbufferkb", true, "load"},
    {"httpccch", false, "load"}, {"https-insecure", false, "load and curl"}, {"jitter", false, "load"},
    {"json", true, "load"}, {"k", false, "load and curl"}, {"keepalive", false, "load and curl"}, {"key", true, "load, curl and server"},
    {"labels", true, "load"}, {"log-errors", false, "load"}, {"max-echo-delay", true, "server"},
    {"maxpayloadsizekb", true, "load, curl and server"}, {"mtls", false, "server"}, {"multi-mirror-origin", false, "server"},
    {"multi-serial-mode", false, "server"}, {"n", true, "load"}, {"nc-dont-stop-on-eof", false, "nc"},
    {"no-reresolve", false, "load and curl"}, {"nocatchup", false, "load"}, {"offset", true, "load"}, {"p", true, "load"},
    {"payload", true, "load and curl"}, {"payload-file", true, "load and curl"}, {"payload-size", true, "load and curl"},
    {"pprof", false, "server"}, {"profile", true, "load"}, {"proxy-all-headers", false, "server"}, {"qps", true, "load"},
    {"r", true, "load"}, {"redirect-port", true, "server"}, {"resolve", true, "load and curl"},
    {"resolve-ip-type", true, "load and curl"}, {"runid", true, "load"}, {"sequential-warmup", false, "load"},
    {"server-idle-timeout", true, "server"}, {"static-dir", true, "server"}, {"stdclient", false, "load"},
    {"sync", true, "server"}, {"sync-interval", true, "server"}, {"t", true, "load"}, {"tcp-port", true, "server"},
    {"timeout", true, "load and curl"}, {"udp-async", false, "load"}, {"udp-port", true, "server"},
    {"udp-timeout", true, "load"}, {"ui-path", true, "server"}, {"uniform", false, "load"},
    {"unix-socket", true, "load and curl"}, {"user", true, "load and curl"},
};

// The values the undeclared ones are parsed into (stable addresses), and the warnings owed.
std::deque<std::string> foreign_values;
std::deque<bool> foreign_switches;
std::vector<std::string> pending_warnings;

// Declares on app every Fortio flag it lacks, in the group "Fortio" (shown last by -h).
void add_foreign_fortio_flags(CLI::App& app) {
  std::set<std::string> declared;
  for (const CLI::Option* opt : app.get_options())
    for (const auto& n : opt->get_lnames()) declared.insert(n);
  for (const fortio_flag& f : fortio_flags) {
    if (declared.contains(f.name)) continue;
    const std::string text = std::string("Fortio's flag for `") + (std::string_view(f.where) == "nc" ? "fortio nc" : std::string("loadgen ") + f.where) +
                             "`: accepted and ignored here, with a warning";
    CLI::Option* opt = f.takes_value ? app.add_option(std::string("--") + f.name, foreign_values.emplace_back(), text)
                                     : app.add_flag(std::string("--") + f.name, foreign_switches.emplace_back(), text);
    opt->group("Fortio");
  }
}

// The warnings for the foreign flags the command line used.
void note_foreign_flags(const CLI::App& app) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group() != "Fortio" || opt->count() == 0) continue;
    pending_warnings.push_back("-" + opt->get_lnames().front() + " is not used by `loadgen " + app.get_name() +
                               "` (" + opt->get_description().substr(0, opt->get_description().find(':')) + "): ignored");
  }
}

}  // namespace

flag_spec spec_of(const CLI::App& app) {
  flag_spec spec;
  for (const CLI::Option* opt : app.get_options()) {
    const bool is_flag = opt->get_expected_max() == 0;  // add_flag: takes no value
    auto& set = is_flag ? spec.bool_flags : spec.value_flags;
    for (const auto& n : opt->get_lnames()) {
      set.insert(n);
      if (!is_flag) spec.kinds.emplace(n, kind_of(*opt));
    }
    for (const auto& n : opt->get_snames()) set.insert(n);
  }
  return spec;
}

std::string go_usage_of(CLI::App& app) {
  std::string positional;
  std::vector<go_flag_group> groups;
  for (const auto& g : group_order) groups.push_back({g.heading, {}});
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_lnames().empty()) {  // a positional argument: the URL
      positional += " " + opt->get_name();
      continue;
    }
    if (opt->get_lnames().front() == "help" || opt->get_group().empty()) continue;  // group "": hidden
    go_flag_doc doc;
    doc.name = opt->get_lnames().front();
    doc.type_name = go_type_name(*opt);
    doc.usage = opt->get_description();
    if (opt->get_expected_max() != 0 && opt->get_default_str().empty()) opt->capture_default_str();
    doc.default_value = opt->get_default_str();
    doc.quote_default = doc.type_name == "string";
    std::size_t g = 0;
    while (g < std::size(group_order) && opt->get_group() != group_order[g].key) ++g;
    if (g == std::size(group_order)) {  // not grouped yet: a group of its own, after the others
      groups.push_back({opt->get_group() + " flags", {}});
      g = groups.size() - 1;
      for (std::size_t i = std::size(group_order); i < groups.size() - 1; ++i)
        if (groups[i].heading == groups[g].heading) {
          groups.pop_back();
          g = i;
          break;
        }
    }
    groups[g].flags.push_back(std::move(doc));
  }
  std::string out = app.get_description() + "\n\nUsage: loadgen " + app.get_name() + " [flags]" + positional + "\n\n";
  return out + format_go_usage(groups);
}

void capture_defaults(CLI::App& app) {
  for (CLI::Option* opt : app.get_options())
    if (opt->get_expected_max() != 0 && opt->get_default_str().empty()) opt->capture_default_str();
}

namespace {

// Fortio's -logger-* flags (its log package's). One command runs per process, so one set.
struct logger_style {
  bool no_color = false, force_color = false, json = true, timestamp = true, file_line = true, goroutine = true;
  // JSON lines only when -logger-json is given (see setup_logging): parse() reads the option's
  // count into json_given and forgets the option, which dies with its app (`load` frees its
  // app before the run; logging may be set up after that).
  CLI::Option* json_flag = nullptr;
  bool json_given = false;
};
logger_style style;

}  // namespace

std::optional<int> parse(CLI::App& app, const std::vector<std::string>& args) {
  // Go's flag package keeps the last value of a repeated flag, and a repeatable flag (-H) takes
  // exactly one value each time: tell CLI11 so (it would otherwise reject "-c 3 -c 5", and let
  // "-H x" swallow the URL after it).
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_expected_max() == 0) continue;
    // A positional list (merge's result files) keeps taking every remaining argument.
    if (opt->get_expected_max() > 1 && opt->nonpositional()) opt->allow_extra_args(false);
    else opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  add_foreign_fortio_flags(app);
  capture_defaults(app);  // before parsing: -h shows the declared defaults, not the typed values
  try {
    std::vector<std::string> adapted = adapt_go_flags(args, spec_of(app));
    std::reverse(adapted.begin(), adapted.end());  // CLI11 takes the vector in reverse order
    app.parse(adapted);
    note_foreign_flags(app);
    if (style.json_flag) style.json_given = std::exchange(style.json_flag, nullptr)->count() > 0;
  } catch (const go_flag_error& e) {
    // Go's flag package: its one line, then the command's usage, on stderr; exit 2.
    std::cerr << e.what() << '\n' << go_usage_of(app);
    return exit_bad_flags;
  } catch (const CLI::CallForHelp&) {
    // On stdout (Go writes it to stderr): `loadgen load -h | less` works.
    std::cout << go_usage_of(app);
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

namespace {

// A log line's message as a JSON string's contents (for -logger-json).
class json_message final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    for (const char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      if (c == '"' || c == '\\') {
        dest.push_back('\\');
        dest.push_back(c);
      } else if (static_cast<unsigned char>(c) < 0x20) {
        fmt::format_to(std::back_inserter(dest), "\\u{:04x}", static_cast<unsigned char>(c));
      } else {
        dest.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<json_message>(); }
};

}  // namespace

void add_logging_flags(CLI::App& app, std::string& level, bool& quiet) {
  const auto logging = [](CLI::Option* opt) { opt->group("Logging"); };
  logging(app.add_option("--loglevel", level,
                         "Log level: Debug, Verbose, Info, Warning, Error, Critical, Fatal (default Info, or $LOGGER_LEVEL)")
              ->type_name("level"));
  logging(app.add_flag("--quiet", quiet, "Quiet mode: log level Error, and only the essential report lines"));
  logging(app.add_flag("--logger-no-color", style.no_color, "Prevent colorized output even if stderr is a terminal (NO_COLOR too)"));
  logging(app.add_flag("--logger-force-color", style.force_color, "Force color output even if stderr isn't a terminal"));
  style.json_flag = app.add_flag("--logger-json", style.json,
                                 "Log lines as JSON objects {\"ts\",\"level\",\"msg\"} (loadgen logs text unless this is given)")
                        ->default_str("true");
  logging(style.json_flag);
  logging(app.add_flag("--logger-timestamp", style.timestamp, "Timestamps in log lines; -logger-timestamp=false drops them")
              ->default_str("true"));
  logging(app.add_flag("--logger-file-line", style.file_line, "Accepted for Fortio compatibility; loadgen's log lines have no file:line")
              ->default_str("true"));
  logging(app.add_flag("--logger-goroutine", style.goroutine, "Accepted for Fortio compatibility; loadgen's log lines have no goroutine id")
              ->default_str("true"));
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
  // Colour as Fortio: on a terminal unless -logger-no-color or NO_COLOR; always with -logger-force-color.
  const char* no_color_env = std::getenv("NO_COLOR");
  const auto mode = style.force_color ? spdlog::color_mode::always
                    : style.no_color || (no_color_env && *no_color_env) ? spdlog::color_mode::never
                                                                        : spdlog::color_mode::automatic;
  spdlog::drop("loadgen");
  auto logger = spdlog::stderr_color_st("loadgen", mode);
  const bool json = style.json_given && style.json;
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (json) {
    formatter->add_flag<json_message>('*');
    formatter->set_pattern(style.timestamp ? R"({"ts":%E.%f,"level":"%l","msg":"%*"})" : R"({"level":"%l","msg":"%*"})");
  } else {
    formatter->set_pattern(style.timestamp ? "%H:%M:%S.%e %^%L%$ %v" : "%^%L%$ %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(lvl);
  for (const auto& w : pending_warnings) logger->warn("{}", w);
  pending_warnings.clear();
  spdlog::set_default_logger(logger);
  return chosen->fortio;
}

void print_error(const std::string& command, const std::string& message) {
  std::cerr << "loadgen " << command << ": " << message << '\n';
}

}  // namespace loadgen::cli
