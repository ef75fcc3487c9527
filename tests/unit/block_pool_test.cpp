#include "loadgen/core/block_pool.hpp"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "loadgen/wire/h2_memory.hpp"

namespace loadgen {
namespace {

bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

TEST(BlockPool, SizesRoundUpToTheirClassAndLargerOnesAreExact) {
  block_pool pool;
  const std::vector<std::pair<std::size_t, std::size_t>> cases = {
      {0, 16}, {1, 16}, {16, 16}, {17, 32}, {33, 48}, {100, 112}, {497, 512}, {512, 512}, {513, 513}, {16394, 16394}};
  for (const auto& [asked, cap] : cases) {
    void* p = pool.allocate(asked);
    ASSERT_NE(p, nullptr) << asked;
    EXPECT_TRUE(aligned16(p)) << asked;
    EXPECT_EQ(block_pool::capacity(p), cap) << asked;
    std::memset(p, 0xab, cap);  // the whole capacity is the caller's (ASan checks)
    pool.release(p);
  }
  EXPECT_EQ(pool.outstanding(), 0);
}

TEST(BlockPool, AReleasedBlockIsTheNextOfItsClassAndOnlyOfItsClass) {
  block_pool pool;
  void* a = pool.allocate(40);   // class 48
  void* b = pool.allocate(200);  // class 208
  pool.release(a);
  EXPECT_EQ(pool.cached_bytes(), 48u);
  void* c = pool.allocate(50);  // class 64: not a's
  EXPECT_NE(c, a);
  EXPECT_EQ(pool.fresh_blocks(), 3u);
  void* d = pool.allocate(48);  // class 48: a again
  EXPECT_EQ(d, a);
  EXPECT_EQ(pool.fresh_blocks(), 3u);
  EXPECT_EQ(pool.cached_bytes(), 0u);
  pool.release(b);
  pool.release(c);
  pool.release(d);
  // Last in, first out within a class.
  void* e = pool.allocate(33);  // class 48
  EXPECT_EQ(e, d);
  pool.release(e);
  EXPECT_EQ(pool.outstanding(), 0);
  EXPECT_EQ(pool.cached_bytes(), 48u + 208u + 64u);
}

TEST(BlockPool, LargeBlocksAreNeverKept) {
  block_pool pool;
  void* p = pool.allocate(600);
  ASSERT_NE(p, nullptr);
  pool.release(p);
  EXPECT_EQ(pool.cached_bytes(), 0u);
  EXPECT_EQ(pool.outstanding(), 0);
}

TEST(BlockPool, TheFreeListsHoldNoMoreThanTheCacheLimit) {
  block_pool pool(1024);
  std::vector<void*> blocks;
  for (int i = 0; i < 10; ++i) blocks.push_back(pool.allocate(256));  // the 256-byte class
  for (void* p : blocks) pool.release(p);
  EXPECT_EQ(pool.cached_bytes(), 1024u);  // four kept, six given back to free()
  EXPECT_EQ(pool.outstanding(), 0);
}

TEST(BlockPool, ReallocateKeepsTheBytesAndFollowsRealloc) {
  block_pool pool;
  auto* p = static_cast<char*>(pool.reallocate(nullptr, 20));  // null: an allocation
  ASSERT_NE(p, nullptr);
  std::memcpy(p, "0123456789abcdefghij", 20);
  EXPECT_EQ(pool.reallocate(p, 32), p);  // still fits its block
  auto* q = static_cast<char*>(pool.reallocate(p, 1000));
  ASSERT_NE(q, nullptr);
  EXPECT_NE(q, p);
  EXPECT_EQ(std::string(q, 20), "0123456789abcdefghij");
  EXPECT_EQ(block_pool::capacity(q), 1000u);  // larger than any class: its own size
  EXPECT_EQ(pool.outstanding(), 1);  // p went back
  auto* r = static_cast<char*>(pool.reallocate(q, 20'000));  // into a large block
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(std::string(r, 20), "0123456789abcdefghij");
  EXPECT_EQ(pool.reallocate(r, 0), nullptr);  // size 0: released
  EXPECT_EQ(pool.outstanding(), 0);
  pool.release(nullptr);  // as free(nullptr)
  EXPECT_EQ(pool.outstanding(), 0);
}

TEST(BlockPool, ZeroedBlocksAreZeroInEitherKind) {
  block_pool pool;
  auto* small = static_cast<unsigned char*>(pool.allocate(100));
  std::memset(small, 0xff, 112);
  pool.release(small);
  auto* again = static_cast<unsigned char*>(pool.allocate_zeroed(10, 10));  // the same block, cleared
  ASSERT_EQ(again, small);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(again), 100), std::string(100, '\0'));
  auto* large = static_cast<unsigned char*>(pool.allocate_zeroed(3, 1000));  // calloc() itself
  ASSERT_NE(large, nullptr);
  EXPECT_EQ(block_pool::capacity(large), 3000u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(large), 3000), std::string(3000, '\0'));
  pool.release(again);
  pool.release(large);
  EXPECT_EQ(pool.outstanding(), 0);
}

TEST(BlockPool, AllocationFailureIsNullNotAThrow) {
  block_pool pool;
  EXPECT_EQ(pool.allocate(SIZE_MAX - 8), nullptr);
  EXPECT_EQ(pool.outstanding(), 0);
  void* p = pool.allocate(10);
  EXPECT_EQ(pool.reallocate(p, SIZE_MAX - 8), nullptr);  // p is kept
  EXPECT_EQ(pool.outstanding(), 1);
  pool.release(p);
  nghttp2_mem mem = nghttp2_memory(pool);
  EXPECT_EQ(mem.calloc(SIZE_MAX / 2, 4, mem.mem_user_data), nullptr);  // n * size overflows
  EXPECT_EQ(pool.allocate_zeroed(1, SIZE_MAX - 8), nullptr);
}

TEST(BlockPool, ABlockMayGoBackToAnotherPool) {
  block_pool a, b;
  void* p = a.allocate(100);
  b.release(p);  // a session deleted on another thread gives its blocks to that thread's pool
  EXPECT_EQ(a.outstanding(), 1);
  EXPECT_EQ(b.outstanding(), -1);
  EXPECT_EQ(b.cached_bytes(), 112u);
  void* again = b.allocate(112);
  EXPECT_EQ(again, p);  // and b hands it out again
  b.release(again);
}

TEST(BlockPool, EachThreadHasItsOwnPoolForNghttp2) {
  block_pool* here = &thread_block_pool();
  block_pool* there = nullptr;
  void* from_there = nullptr;
  std::thread([&] {
    there = &thread_block_pool();
    nghttp2_mem mem = nghttp2_thread_memory();
    from_there = mem.calloc(4, 10, mem.mem_user_data);
  }).join();
  EXPECT_NE(here, there);
  ASSERT_NE(from_there, nullptr);
  EXPECT_EQ(std::string(static_cast<const char*>(from_there), 40), std::string(40, '\0'));  // calloc zeroes
  const std::size_t cached = here->cached_bytes();
  nghttp2_mem mem = nghttp2_thread_memory();
  mem.free(from_there, mem.mem_user_data);  // the other thread is gone: its block comes here
  EXPECT_EQ(here->cached_bytes(), cached + 48);
}

// The adaptor under nghttp2 itself: a client and a server session, each on a pool of its own,
// exchange requests and answers in memory. Every block comes back when the sessions end, and the
// client's second round of streams runs on blocks the first gave back.
struct h2_pair {
  block_pool client_pool, server_pool;
  nghttp2_session* client = nullptr;
  nghttp2_session* server = nullptr;
  int answered = 0;  // responses the client saw end

  h2_pair() {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_frame_recv_callback(
        cb, [](nghttp2_session* s, const nghttp2_frame* f, void* self) -> int {
          auto& pair = *static_cast<h2_pair*>(self);
          const bool request_end = f->hd.type == NGHTTP2_HEADERS && (f->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
          if (s == pair.server && request_end) {
            const nghttp2_nv status[] = {{const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(":status")),
                                          const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>("204")), 7, 3,
                                          NGHTTP2_NV_FLAG_NONE}};
            nghttp2_submit_response(s, f->hd.stream_id, status, 1, nullptr);
          } else if (s == pair.client && request_end) {
            ++pair.answered;
          }
          return 0;
        });
    nghttp2_mem cm = nghttp2_memory(client_pool);
    nghttp2_mem sm = nghttp2_memory(server_pool);
    EXPECT_EQ(nghttp2_session_client_new3(&client, cb, this, nullptr, &cm), 0);
    EXPECT_EQ(nghttp2_session_server_new3(&server, cb, this, nullptr, &sm), 0);
    nghttp2_session_callbacks_del(cb);
    nghttp2_submit_settings(client, NGHTTP2_FLAG_NONE, nullptr, 0);
    nghttp2_submit_settings(server, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~h2_pair() {
    nghttp2_session_del(client);
    nghttp2_session_del(server);
  }
  void request(int streams) {
    auto nv = [](const char* n, const char* v) {
      return nghttp2_nv{const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(n)),
                        const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(v)), std::strlen(n),
                        std::strlen(v), NGHTTP2_NV_FLAG_NONE};
    };
    const nghttp2_nv head[] = {nv(":method", "GET"), nv(":scheme", "http"), nv(":path", "/echo?size=10"),
                               nv(":authority", "localhost"), nv("user-agent", "block-pool-test")};
    for (int i = 0; i < streams; ++i) EXPECT_GT(nghttp2_submit_request(client, nullptr, head, 5, nullptr, nullptr), 0);
  }
  // Moves bytes both ways until neither side has anything to send.
  void exchange() {
    for (bool moved = true; moved;) {
      moved = false;
      for (auto [from, to] : {std::pair{client, server}, std::pair{server, client}}) {
        const std::uint8_t* data = nullptr;
        for (ssize_t n; (n = nghttp2_session_mem_send(from, &data)) > 0; moved = true)
          ASSERT_EQ(nghttp2_session_mem_recv(to, data, static_cast<std::size_t>(n)), n);
      }
    }
  }
};

TEST(BlockPool, UnderNghttp2EveryBlockComesBackAndIsUsedAgain) {
  h2_pair pair;
  pair.request(20);
  pair.exchange();
  EXPECT_EQ(pair.answered, 20);
  EXPECT_GT(pair.client_pool.cached_bytes(), 0u);  // the streams' blocks went back to the free lists
  const std::int64_t live = pair.client_pool.outstanding();
  const std::size_t client_fresh = pair.client_pool.fresh_blocks();
  pair.request(20);
  pair.exchange();
  EXPECT_EQ(pair.answered, 40);
  EXPECT_EQ(pair.client_pool.outstanding(), live);  // nothing held per finished stream
  // The second round's streams ran on the first round's blocks: not one new malloc(). (The
  // server side is not compared: an nghttp2 server keeps closed streams for priorities.)
  EXPECT_EQ(pair.client_pool.fresh_blocks(), client_fresh);
  nghttp2_session_del(std::exchange(pair.client, nullptr));
  nghttp2_session_del(std::exchange(pair.server, nullptr));
  EXPECT_EQ(pair.client_pool.outstanding(), 0);
  EXPECT_EQ(pair.server_pool.outstanding(), 0);
}

}  // namespace
}  // namespace loadgen
