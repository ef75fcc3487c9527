#pragma once
// -profile FILE (Fortio's flag, which writes Go pprof files FILE.cpu and FILE.mem): loadgen writes
// the same two names, as plain text a person can read, with what a C++ process can say about
// itself from getrusage(2): CPU time (user, system, per call), context switches, peak RSS and
// page faults. Not pprof: `go tool pprof` cannot read them (the README says so).
#include <cstdint>
#include <string>

#include "loadgen/core/clock.hpp"

namespace loadgen::cli {

// Creates FILE.cpu (empty) so that a path that cannot be written stops the run before it
// starts. Throws loadgen::error (exit 1).
void check_profile_writable(const std::string& file);

// Writes FILE.cpu and FILE.mem for a run of calls over elapsed, and says where on stderr.
// Throws loadgen::error (exit 1) when a file cannot be written.
void write_profile(const std::string& file, std::int64_t calls, nanos elapsed);

}  // namespace loadgen::cli
