#pragma once
// The version string, set by CMake from project(VERSION ...).
#include <string_view>

namespace loadgen {
inline constexpr std::string_view version = LOADGEN_VERSION;
}  // namespace loadgen
