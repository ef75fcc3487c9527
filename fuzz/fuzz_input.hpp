#pragma once
// Shared by the fuzz targets: reading a few control bytes off the front of the input, feeding
// the rest in pieces, and a check that stops the run (a crash libFuzzer records) when an
// invariant does not hold.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace loadgen::fuzz {

// Aborts with the invariant's text: libFuzzer saves the input as a crash.
#define LOADGEN_FUZZ_CHECK(cond)                                                       \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

// The input as a stream of control bytes, then the payload.
class input {
public:
  input(const std::uint8_t* data, std::size_t size) : data_(reinterpret_cast<const char*>(data)), size_(size) {}

  // One control byte (0 when the input is used up).
  std::uint8_t byte() {
    if (pos_ >= size_) return 0;
    return static_cast<std::uint8_t>(data_[pos_++]);
  }
  // The rest of the input.
  std::string_view rest() const { return {data_ + pos_, size_ - pos_}; }

private:
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// Split points for feeding a payload in pieces: a small xorshift generator seeded from control
// bytes, so the same input always splits the same way. next() gives a piece length >= 1.
class splitter {
public:
  explicit splitter(std::uint32_t seed) : state_(seed | 1u) {}
  std::size_t next(std::size_t left) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    // Mostly small pieces (1..16 bytes), sometimes everything that is left.
    if ((state_ & 7u) == 0) return left;
    const std::size_t n = 1 + (state_ >> 8) % 16;
    return n < left ? n : left;
  }

private:
  std::uint32_t state_;
};

}  // namespace loadgen::fuzz
