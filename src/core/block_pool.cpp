#include "loadgen/core/block_pool.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace loadgen {

namespace {

// In front of every block: the payload's capacity. 16 bytes, so the payload keeps the 16-byte
// alignment malloc() gives the whole.
struct alignas(16) header {
  std::size_t capacity;
};
static_assert(sizeof(header) == 16);

header* header_of(const void* p) noexcept {
  return reinterpret_cast<header*>(static_cast<char*>(const_cast<void*>(p)) - sizeof(header));
}

// The pooled class for `size` bytes (its capacity is class_size(class)), or SIZE_MAX when the
// size is larger than any class.
std::size_t class_of(std::size_t size) noexcept {
  if (size > block_pool::largest_pooled) return SIZE_MAX;
  return size <= block_pool::granule ? 0 : (size - 1) / block_pool::granule;  // 1..16 -> 0, 17..32 -> 1, ...
}

constexpr std::size_t class_size(std::size_t c) noexcept { return (c + 1) * block_pool::granule; }

}  // namespace

block_pool::~block_pool() {
  for (free_block* head : free_) {
    while (head) {
      free_block* next = head->next;
      std::free(header_of(head));
      head = next;
    }
  }
}

std::size_t block_pool::capacity(const void* p) noexcept { return header_of(p)->capacity; }

void* block_pool::allocate(std::size_t size) noexcept {
  const std::size_t c = class_of(size);
  if (c < class_count) {
    if (free_block* b = free_[c]) {
      free_[c] = b->next;
      cached_bytes_ -= class_size(c);
      ++outstanding_;
      return b;
    }
  }
  const std::size_t cap = c < class_count ? class_size(c) : size;
  if (cap > SIZE_MAX - sizeof(header)) return nullptr;
  auto* h = static_cast<header*>(std::malloc(sizeof(header) + cap));
  if (!h) return nullptr;
  h->capacity = cap;
  ++fresh_;
  ++outstanding_;
  return h + 1;
}

void* block_pool::allocate_zeroed(std::size_t n, std::size_t size) noexcept {
  if (size != 0 && n > SIZE_MAX / size) return nullptr;
  const std::size_t bytes = n * size;
  if (class_of(bytes) < class_count) {
    void* p = allocate(bytes);
    if (p) std::memset(p, 0, bytes);
    return p;
  }
  if (bytes > SIZE_MAX - sizeof(header)) return nullptr;
  auto* h = static_cast<header*>(std::calloc(1, sizeof(header) + bytes));
  if (!h) return nullptr;
  h->capacity = bytes;
  ++fresh_;
  ++outstanding_;
  return h + 1;
}

void block_pool::release(void* p) noexcept {
  if (!p) return;
  --outstanding_;
  const std::size_t cap = capacity(p);
  const std::size_t c = class_of(cap);
  if (c >= class_count || cached_bytes_ + cap > cache_limit_) {
    std::free(header_of(p));
    return;
  }
  auto* b = static_cast<free_block*>(p);
  b->next = free_[c];
  free_[c] = b;
  cached_bytes_ += cap;
}

void* block_pool::reallocate(void* p, std::size_t size) noexcept {
  if (!p) return allocate(size);
  if (size == 0) {
    release(p);
    return nullptr;
  }
  const std::size_t cap = capacity(p);
  if (size <= cap) return p;
  if (cap > largest_pooled && size > largest_pooled) {
    // Both outside the classes: realloc() may grow the block where it lies.
    if (size > SIZE_MAX - sizeof(header)) return nullptr;
    auto* h = static_cast<header*>(std::realloc(header_of(p), sizeof(header) + size));
    if (!h) return nullptr;
    h->capacity = size;
    return h + 1;
  }
  void* q = allocate(size);
  if (!q) return nullptr;
  std::memcpy(q, p, cap);
  release(p);
  return q;
}

}  // namespace loadgen
