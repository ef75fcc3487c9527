#include "loadgen/core/go_usage.hpp"

#include <algorithm>

namespace loadgen {
namespace {

// Go's isZeroValue for the flag types loadgen declares.
bool is_zero_default(const go_flag_doc& f) {
  const std::string& d = f.default_value;
  return d.empty() || d == "0" || d == "false" || d == "0s" || d == "[]";
}

// Go's %q for the plain strings flags have as defaults: backslash and double quote escaped.
std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

}  // namespace

std::string format_go_flag(const go_flag_doc& f) {
  std::string out = "  -" + f.name;
  if (!f.type_name.empty()) out += " " + f.type_name;
  out += out.size() <= 4 ? "\t" : "\n    \t";
  for (const char c : f.usage) {
    out += c;
    if (c == '\n') out += "    \t";
  }
  if (!is_zero_default(f))
    out += " (default " + (f.quote_default ? go_quote(f.default_value) : f.default_value) + ")";
  return out + '\n';
}

std::string format_go_usage(const std::vector<go_flag_group>& groups) {
  std::string out;
  for (const auto& g : groups) {
    if (g.flags.empty()) continue;
    if (!out.empty()) out += '\n';
    out += g.heading + ":\n";
    std::vector<const go_flag_doc*> sorted;
    for (const auto& f : g.flags) sorted.push_back(&f);
    std::sort(sorted.begin(), sorted.end(), [](const go_flag_doc* a, const go_flag_doc* b) { return a->name < b->name; });
    for (const go_flag_doc* f : sorted) out += format_go_flag(*f);
  }
  return out;
}

}  // namespace loadgen
