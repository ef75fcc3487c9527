#pragma once
// Recycled memory blocks for one single-threaded owner: an HTTP/2 session's nghttp2 allocations
// (wire/h2_memory.hpp). nghttp2 allocates about eleven small blocks per stream (the stream, its
// frames, header buffers) and frees them when the stream closes; through glibc's malloc that was
// about 2,400 instructions per request, 15% of the client's own at -c 8 -streams 32. Here a block
// freed goes on a free list of its size class and the next allocation of that class takes it back.
//
// Size classes are every multiple of 16 bytes up to 512 (a stream's blocks are 40 to 310 bytes,
// and a connection keeps small blocks of its own for as long as it lives, so a block wastes at
// most 15 bytes: power-of-two classes made a run at -h2 -c 64 0.5 MB larger, these 0.2 MB).
// Larger blocks (the session itself, a connection's frame buffers) go to malloc(), calloc(),
// realloc() and free() at their own size. Every block carries a 16-byte header with its capacity
// (nghttp2's free() gives no size), so blocks keep malloc's 16-byte alignment. The free lists hold
// at most cache_limit bytes; what would go beyond is given back to free().
//
// C semantics, for nghttp2's nghttp2_mem: allocation failure returns nullptr (never throws).
// Not thread-safe: one owner thread at a time. A block may be released to another pool than the
// one that gave it (blocks are plain malloc() memory with a header): the HTTP/2 code uses one pool
// per thread (wire/h2_memory.hpp), and a session deleted on another thread gives its blocks to
// that thread's pool. The destructor frees the cached blocks; blocks still out stay valid.
#include <array>
#include <cstddef>
#include <cstdint>

namespace loadgen {

class block_pool {
public:
  static constexpr std::size_t granule = 16;  // class sizes are its multiples
  static constexpr std::size_t largest_pooled = 512;

  // cache_limit: the bytes the free lists may hold.
  explicit block_pool(std::size_t cache_limit = 64 * 1024) noexcept : cache_limit_(cache_limit) {}
  ~block_pool();
  block_pool(const block_pool&) = delete;
  block_pool& operator=(const block_pool&) = delete;

  // At least `size` bytes (a pooled class rounds up), 16-byte aligned; nullptr when out of memory.
  void* allocate(std::size_t size) noexcept;
  // calloc(): n * size bytes, zeroed (nullptr also when n * size overflows). A block larger than
  // the classes comes from calloc() itself, which need not write pages the kernel gave it zeroed.
  void* allocate_zeroed(std::size_t n, std::size_t size) noexcept;
  // p from this pool (or nullptr: nothing happens).
  void release(void* p) noexcept;
  // realloc(): nullptr p allocates; size 0 releases p and returns nullptr; a size p's block
  // already holds returns p; a large block growing stays large through realloc() (which may grow
  // it where it lies); otherwise a new block with p's bytes, p released. On failure p is kept and
  // nullptr returned.
  void* reallocate(void* p, std::size_t size) noexcept;

  // The bytes a block holds (its class's size, or the size asked for when larger than a class).
  static std::size_t capacity(const void* p) noexcept;
  std::size_t cached_bytes() const noexcept { return cached_bytes_; }  // on the free lists
  // Blocks handed out minus blocks released here (below zero when others' blocks came back here).
  std::int64_t outstanding() const noexcept { return outstanding_; }
  std::size_t fresh_blocks() const noexcept { return fresh_; }        // blocks malloc() gave, ever

private:
  static constexpr std::size_t class_count = largest_pooled / granule;  // 16, 32, 48 .. 512 B
  struct free_block {
    free_block* next;
  };

  std::array<free_block*, class_count> free_{};
  std::size_t cache_limit_;
  std::size_t cached_bytes_ = 0;
  std::int64_t outstanding_ = 0;
  std::size_t fresh_ = 0;
};

}  // namespace loadgen
