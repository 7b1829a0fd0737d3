// Progress of a sweep on stderr. On a terminal: one line rewritten in place,
//   "runs 12/40, running 2, failed 1, elapsed 1m05s, ETA 3m40s"
// (ETA = elapsed x cost left / cost done, from RunSpec::cost; by run count if costs are 0),
// with failed runs also printed as lines of their own. Otherwise one plain line per finished
// run: "[12/40] <id> <setting> <status> <metric>=<value> <seconds>s" (failed: the reason).
// A SweepReporter (reporter.hpp): the totals come from begin(). All methods are safe to call from
// several threads.
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>
#include <string>

#include "harness/run/reporter.hpp"

namespace tbptt {

enum class ProgressStyle { automatic, terminal, lines, none };  // automatic: isatty(stderr)

class Progress : public SweepReporter {
 public:
  // `metric` is shown per finished run ("": default_report_metric); `label` prefixes every line
  // (e.g. "[rank 1] ").
  Progress(ProgressStyle style, std::ostream& out, std::string metric, std::string label = {});
  void begin(const SweepStart& start) override;  // total = start.todo, cost = start.todo_cost
  void run_started(const RunSpec& spec) override;
  void run_finished(const RunSpec& spec, const RunOutcome& outcome, double seconds) override;
  void run_abandoned(const RunSpec& spec) override;  // "<id> <setting> abandoned" (not counted as done)
  void end(const SweepEnd& end) override;        // ends the terminal line

 private:
  void redraw_locked();
  std::string status_line_locked() const;

  ProgressStyle style_;
  std::ostream& out_;
  int total_ = 0, done_ = 0, running_ = 0, failed_ = 0;
  double total_cost_ = 0, done_cost_ = 0;
  std::string metric_, label_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  bool line_open_ = false;
};

// "45s", "3m05s", "2h04m".
std::string format_duration(double seconds);

}  // namespace tbptt
