#pragma once
// A small JSON writer that reproduces Go's encoding/json output byte for byte (pure): fields in
// the order written, 2-space indentation (json.MarshalIndent), strings escaped as Go does
// (including <, > and & as \u003c, \u003e, \u0026), numbers as go_json_number. Boost.JSON is not
// used here because its number and escape formats differ from Go's.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loadgen {

class json_writer {
public:
  void begin_object();            // "{"
  void end_object();              // "}"; an empty object prints "{}"
  void begin_array();
  void end_array();               // an empty array prints "[]"
  void key(std::string_view k);   // the next value belongs to this key
  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(double v);
  void value(std::int64_t v);
  void value(int v) { value(static_cast<std::int64_t>(v)); }
  void value(bool v);
  void null();
  // key(k) then value(v): one field of the current object.
  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

  // The document so far, plus a trailing newline once the top-level value is closed.
  std::string str() const;

private:
  void before_value();
  void newline_indent();
  std::string out_;
  std::vector<int> counts_;  // values written per open container
  bool after_key_ = false;
};

// Go's string escaping for JSON (quotes included).
std::string go_json_string(std::string_view s);

}  // namespace loadgen
