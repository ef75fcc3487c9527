#pragma once
// nghttp2's allocator (nghttp2_mem) over a block_pool (core/block_pool.hpp): give it to
// nghttp2_session_client_new3() / nghttp2_session_server_new3(); nghttp2 copies the struct.
//
// nghttp2_thread_memory(): each call goes to the calling thread's own pool, so the sessions of a
// worker share their free lists (a pool per session would keep each connection's freed blocks to
// itself), and a session may be used, or deleted, from any thread, one at a time.
// nghttp2_memory(pool): that one pool, which must outlive the session (tests).
#include <cstddef>

#include <nghttp2/nghttp2.h>

#include "loadgen/core/block_pool.hpp"

namespace loadgen {

// The calling thread's pool: 64 KB of free lists at most (what one read's worth of finished
// streams gives back: 32 streams of about 1 KB), freed when the thread ends.
inline block_pool& thread_block_pool() noexcept {
  thread_local block_pool pool(64 * 1024);
  return pool;
}

inline nghttp2_mem nghttp2_thread_memory() noexcept {
  nghttp2_mem m{};
  m.malloc = [](std::size_t size, void*) { return thread_block_pool().allocate(size); };
  m.free = [](void* p, void*) { thread_block_pool().release(p); };
  m.calloc = [](std::size_t n, std::size_t size, void*) { return thread_block_pool().allocate_zeroed(n, size); };
  m.realloc = [](void* p, std::size_t size, void*) { return thread_block_pool().reallocate(p, size); };
  return m;
}

inline nghttp2_mem nghttp2_memory(block_pool& pool) noexcept {
  nghttp2_mem m{};
  m.mem_user_data = &pool;
  m.malloc = [](std::size_t size, void* self) { return static_cast<block_pool*>(self)->allocate(size); };
  m.free = [](void* p, void* self) { static_cast<block_pool*>(self)->release(p); };
  m.calloc = [](std::size_t n, std::size_t size, void* self) {
    return static_cast<block_pool*>(self)->allocate_zeroed(n, size);
  };
  m.realloc = [](void* p, std::size_t size, void* self) { return static_cast<block_pool*>(self)->reallocate(p, size); };
  return m;
}

}  // namespace loadgen
