#pragma once
// Steps deferred to a later turn of one thread's io_context, with one posted handler per batch.
// net::post() makes an operation per step (an allocation from Asio's recycler, a queue push, a
// work count and a pass through the scheduler); at max speed the keep-alive fast path defers
// one step per call, and the handlers that end in one turn of the loop all defer theirs into the
// same batch. Order is kept: steps run in the order they were deferred, and a step deferred while
// a batch runs goes to the next batch (so a step that defers again cannot recurse).
//
// Single-threaded: defer() only from the io_context's own thread. Whoever defers keeps ctx
// alive until its step has run. A batch that has not run when the io_context is destroyed is
// dropped with it, as posted handlers are.
#include <cstddef>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace loadgen {

class next_turn {
public:
  using step = void (*)(void* ctx);

  explicit next_turn(boost::asio::io_context& io) : io_(io) {}
  next_turn(const next_turn&) = delete;
  next_turn& operator=(const next_turn&) = delete;

  // f(ctx) runs on a later turn, after the handlers already queued on the io_context.
  void defer(step f, void* ctx);
  std::size_t pending() const noexcept { return queued_.size(); }

private:
  struct entry {
    step f;
    void* ctx;
  };
  void post_batch();
  void run_batch();

  boost::asio::io_context& io_;
  std::vector<entry> queued_;   // the next batch
  std::vector<entry> running_;  // the batch being run (its capacity is kept)
  bool posted_ = false;         // a handler for queued_ is on the io_context
};

}  // namespace loadgen
