#include "signal_watch.hpp"

#include <pthread.h>
#include <unistd.h>

namespace loadgen {

// SIGUSR2, sent by the destructor to the watcher thread alone, ends the watch.
signal_watch::signal_watch(std::function<void(int)> on_first) : on_first_(std::move(on_first)) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);  // threads started from now on inherit the mask
  thread_ = std::thread([this] { loop(); });
}

signal_watch::~signal_watch() {
  done_.store(true);
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

void signal_watch::loop() {
  while (!done_.load()) {
    int sig = 0;
    if (sigwait(&set_, &sig) != 0 || sig == SIGUSR2) continue;
    if (signals_.fetch_add(1) > 0) _exit(128 + sig);
    if (on_first_) on_first_(sig);
  }
}

}  // namespace loadgen
