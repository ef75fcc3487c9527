#pragma once
// SIGINT and SIGTERM during a load run: blocked in every thread and taken on one watcher thread
// with sigwait. The first asks the run to stop (no new calls, in-flight ones bounded by -timeout:
// Kubernetes sends SIGTERM, and the user still gets the report); a second exits at once with
// 128 + signal, as a shell reports it. When the watch ends, the caller's signal mask is restored,
// so a signal during the report is not dropped: it acts as it would without loadgen.
#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace loadgen {

class signal_watch {
public:
  // on_first(signal): called on the watcher thread for the first signal.
  explicit signal_watch(std::function<void(int)> on_first);
  ~signal_watch();
  signal_watch(const signal_watch&) = delete;
  signal_watch& operator=(const signal_watch&) = delete;

  bool interrupted() const noexcept { return signals_.load() > 0; }

private:
  void loop();

  std::function<void(int)> on_first_;
  sigset_t set_{}, old_{};
  std::atomic<bool> done_{false};
  std::atomic<int> signals_{0};
  std::thread thread_;
};

}  // namespace loadgen
