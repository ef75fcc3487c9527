#pragma once
// Flag help in the layout of Go's flag.PrintDefaults, which Fortio users know (pure):
//
//   -c int
//     	Number of connections (default 4)
//   -k	Do not verify the server's TLS certificate
//
// Two spaces, "-name", then " type" when the flag takes a value; a one-letter boolean keeps its
// description on the same line after a tab, every other flag puts it on the next line after four
// spaces and a tab. The default follows "(default …)" unless it is the type's zero value (0,
// false, "", 0s), quoted for strings as Go quotes them. Flags are grouped (Load, HTTP, TLS, …), each
// group under its own heading, and sorted by name inside a group as Go sorts them (byte order:
// "H" before "a").
#include <string>
#include <vector>

namespace loadgen {

struct go_flag_doc {
  std::string name;           // without the dash: "c", "keepalive"
  std::string type_name;      // "int", "float", "string", "duration", "key:value"; "" for a boolean
  std::string usage;          // one or more lines
  std::string default_value;  // as the user would type it; shown unless it is a zero value
  bool quote_default = false; // a string flag: Go prints (default "5s") with quotes
};

struct go_flag_group {
  std::string heading;  // "Load flags", printed with a colon
  std::vector<go_flag_doc> flags;
};

// One flag, ending with a newline.
std::string format_go_flag(const go_flag_doc& flag);

// The groups in the order given (empty groups left out), a blank line between them.
std::string format_go_usage(const std::vector<go_flag_group>& groups);

}  // namespace loadgen
