#include "next_turn.hpp"

#include <iterator>

#include <boost/asio/post.hpp>

namespace loadgen {

void next_turn::defer(step f, void* ctx) {
  queued_.push_back({f, ctx});  // may throw (bad_alloc) before anything is posted: nothing lost
  if (!posted_) post_batch();
}

void next_turn::post_batch() {
  boost::asio::post(io_, [this] { run_batch(); });
  posted_ = true;  // after: a post that throws leaves it false, and the next defer() posts again
}

void next_turn::run_batch() {
  posted_ = false;
  running_.swap(queued_);  // steps deferred from here on go to the next batch
  std::size_t i = 0;
  try {
    for (; i < running_.size(); ++i) running_[i].f(running_[i].ctx);
  } catch (...) {
    // A step threw: the ones after it still run, on the next turn, ahead of any deferred since.
    queued_.insert(queued_.begin(), running_.begin() + static_cast<std::ptrdiff_t>(i) + 1, running_.end());
    running_.clear();
    if (!queued_.empty() && !posted_) post_batch();
    throw;
  }
  running_.clear();
}

}  // namespace loadgen
