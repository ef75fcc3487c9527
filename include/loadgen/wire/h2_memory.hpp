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

// The calling thread's pool: 64 KB of free lists at most (one read can end 32 streams, whose
// blocks come back together), freed when the thread ends.
inline block_pool& thread_block_pool() noexcept {
  thread_local block_pool pool(64 * 1024);
  return pool;
}

namespace h2_memory_detail {

inline block_pool& given_pool(void* user) noexcept { return *static_cast<block_pool*>(user); }
inline block_pool& callers_pool(void*) noexcept { return thread_block_pool(); }

// The four functions nghttp2 calls, each going to Pool(mem_user_data).
template <block_pool& (*Pool)(void*) noexcept>
nghttp2_mem over(void* user) noexcept {
  nghttp2_mem m{};
  m.mem_user_data = user;
  m.malloc = [](std::size_t size, void* u) { return Pool(u).allocate(size); };
  m.free = [](void* p, void* u) { Pool(u).release(p); };
  m.calloc = [](std::size_t n, std::size_t size, void* u) { return Pool(u).allocate_zeroed(n, size); };
  m.realloc = [](void* p, std::size_t size, void* u) { return Pool(u).reallocate(p, size); };
  return m;
}

}  // namespace h2_memory_detail

inline nghttp2_mem nghttp2_thread_memory() noexcept {
  return h2_memory_detail::over<h2_memory_detail::callers_pool>(nullptr);
}

inline nghttp2_mem nghttp2_memory(block_pool& pool) noexcept {
  return h2_memory_detail::over<h2_memory_detail::given_pool>(&pool);
}

}  // namespace loadgen
