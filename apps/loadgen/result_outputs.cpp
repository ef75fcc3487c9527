#include "result_outputs.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "loadgen/core/error.hpp"

namespace loadgen::cli {

namespace {

// "-" (and /dev/stdout) is standard output; /dev/stderr is standard error, written in order
// after the report there, never reopened (which would truncate a redirected file). A pod that
// gives -json /dev/stderr has one stream for `kubectl logs`: runtimes interleave two streams.
std::FILE* standard_stream(const std::string& path) {
  if (path == "-" || path == "/dev/stdout") return stdout;
  if (path == "/dev/stderr") return stderr;
  return nullptr;
}

}  // namespace

void write_output(const std::string& text, const std::string& path, const char* flag) {
  if (std::FILE* stream = standard_stream(path)) {
    std::fwrite(text.data(), 1, text.size(), stream);
    if (stream == stderr && !text.empty() && text.back() != '\n') std::fputc('\n', stream);  // before the next log line
    std::fflush(stream);
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw run_error(std::string("cannot write ") + flag + " file \"" + path + "\": " + std::strerror(errno));
}

void check_writable(const std::string& path, const char* flag) {
  if (standard_stream(path) != nullptr) return;
  std::ofstream out(path, std::ios::binary | std::ios::app);
  if (!out) throw run_error(std::string("cannot write ") + flag + " file \"" + path + "\": " + std::strerror(errno));
}

void write_json_to(const std::string& json, const std::string& path, const char* flag) {
  write_output(json, path, flag);
  std::fprintf(stderr, "Successfully wrote %zu bytes of Json data to %s\n", json.size(),
               path == "-" ? "stdout" : path.c_str());
}

void write_html_to(const std::string& html, const std::string& path) {
  write_output(html, path, "-html");
  std::fprintf(stderr, "Wrote the HTML report (%zu bytes) to %s\n", html.size(), path == "-" ? "stdout" : path.c_str());
}

std::vector<assertion> parse_assertions(const std::vector<std::string>& texts, const run_options& options) {
  std::vector<assertion> out;
  for (const auto& t : texts) out.push_back(parse_assertion(t));
  check_assertions_apply(out, options);
  return out;
}

int report_assertions(const std::vector<assertion>& assertions, const run_options& options, const run_result& result) {
  bool failed = false;
  std::string lines;
  for (const auto& a : judge_assertions(assertions, options, result)) {
    lines += a.line;
    failed = failed || !a.pass;
  }
  std::fwrite(lines.data(), 1, lines.size(), stderr);
  std::fflush(stderr);
  return failed ? exit_assertion_failed : exit_ok;
}

}  // namespace loadgen::cli
