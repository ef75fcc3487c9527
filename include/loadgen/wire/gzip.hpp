#pragma once
// gzip (RFC 1952) of whole byte strings, with zlib (pure). The echo server's gzip=true answers and
// gRPC's grpc-encoding: gzip messages; streamed response bodies are gunzip_observer.hpp's.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

std::string gzip_compress(std::string_view in);
// The inflated bytes, at most max_size; nullopt when `in` is not one whole gzip member or
// inflates beyond max_size.
std::optional<std::string> gzip_inflate(std::string_view in, std::size_t max_size);

}  // namespace loadgen
