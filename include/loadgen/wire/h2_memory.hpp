#pragma once
// nghttp2's allocator (nghttp2_mem) over a block_pool (core/block_pool.hpp): give it to
// nghttp2_session_client_new3() / nghttp2_session_server_new3(). nghttp2 copies the struct; the
// pool must outlive the session, and the session must be used from one thread at a time.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <nghttp2/nghttp2.h>

#include "loadgen/core/block_pool.hpp"

namespace loadgen {

inline nghttp2_mem nghttp2_memory(block_pool& pool) noexcept {
  nghttp2_mem m{};
  m.mem_user_data = &pool;
  m.malloc = [](std::size_t size, void* self) { return static_cast<block_pool*>(self)->allocate(size); };
  m.free = [](void* p, void* self) { static_cast<block_pool*>(self)->release(p); };
  m.calloc = [](std::size_t n, std::size_t size, void* self) -> void* {
    if (size != 0 && n > SIZE_MAX / size) return nullptr;
    void* p = static_cast<block_pool*>(self)->allocate(n * size);
    if (p) std::memset(p, 0, n * size);
    return p;
  };
  m.realloc = [](void* p, std::size_t size, void* self) { return static_cast<block_pool*>(self)->reallocate(p, size); };
  return m;
}

}  // namespace loadgen
