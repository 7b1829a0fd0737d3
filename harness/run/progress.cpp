#include "harness/run/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "harness/report/metric_names.hpp"
#include "harness/report/text.hpp"

namespace tbptt {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long long s = std::llround(seconds);
  char buffer[32];
  if (s < 60) {
    std::snprintf(buffer, sizeof buffer, "%llds", s);
  } else if (s < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  }
  return buffer;
}

Progress::Progress(ProgressStyle style, std::ostream& out, std::string metric, std::string label)
    : style_(style), out_(out), metric_(std::move(metric)), label_(std::move(label)),
      start_(std::chrono::steady_clock::now()) {
  if (style_ == ProgressStyle::automatic) {
    style_ = ::isatty(STDERR_FILENO) ? ProgressStyle::terminal : ProgressStyle::lines;
  }
}

std::string Progress::status_line_locked() const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double eta = NAN;
  if (total_cost_ > 0 && done_cost_ > 0) {
    eta = elapsed * (total_cost_ - done_cost_) / done_cost_;
  } else if (total_cost_ <= 0 && done_ > 0) {
    eta = elapsed * (total_ - done_) / done_;
  }
  return label_ + "runs " + std::to_string(done_) + "/" + std::to_string(total_) + ", running " +
         std::to_string(running_) + ", failed " + std::to_string(failed_) + ", elapsed " +
         format_duration(elapsed) + ", ETA " + (done_ == total_ ? "0s" : format_duration(eta));
}

void Progress::redraw_locked() {
  if (style_ != ProgressStyle::terminal) return;
  out_ << "\r\x1b[K" << status_line_locked() << std::flush;
  line_open_ = true;
}

void Progress::begin(const SweepStart& start) {
  std::lock_guard<std::mutex> lock(mutex_);
  total_ = static_cast<int>(start.todo);
  total_cost_ = start.todo_cost;
  start_ = std::chrono::steady_clock::now();
}

void Progress::run_started(const RunSpec&) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++running_;
  redraw_locked();
}

void Progress::run_finished(const RunSpec& spec, const RunOutcome& outcome, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  --running_;
  ++done_;
  done_cost_ += spec.cost;
  if (outcome.status == RunStatus::failed) ++failed_;
  if (style_ == ProgressStyle::none) return;

  std::string line = label_ + "[" + std::to_string(done_) + "/" + std::to_string(total_) + "] " +
                     spec.id + " " + (spec.setting.empty() ? "(single)" : spec.setting) + " " +
                     to_string(outcome.status);
  if (outcome.status == RunStatus::ok) {
    const std::string name = metric_.empty() ? default_report_metric(outcome.final_metrics) : metric_;
    auto it = outcome.final_metrics.find(name);
    if (it != outcome.final_metrics.end()) line += " " + name + "=" + table_number(it->second);
  } else if (!outcome.reason.empty()) {
    line += ": " + outcome.reason;
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, " %.1fs", seconds);
  line += secs;

  if (style_ == ProgressStyle::lines) {
    // One write per line: std::cerr is unbuffered, and under mpirun several ranks share it.
    out_ << (line + "\n") << std::flush;
  } else {
    if (outcome.status != RunStatus::ok) out_ << "\r\x1b[K" << line << "\n";
    redraw_locked();
  }
}

void Progress::run_abandoned(const RunSpec& spec) {
  std::lock_guard<std::mutex> lock(mutex_);
  --running_;
  if (style_ == ProgressStyle::none) return;
  const std::string line = label_ + spec.id + " " + (spec.setting.empty() ? "(single)" : spec.setting) +
                           " abandoned (it runs again on resume)";
  if (style_ == ProgressStyle::terminal) out_ << "\r\x1b[K";
  out_ << (line + "\n") << std::flush;  // one write: ranks share stderr under mpirun
  redraw_locked();
}

void Progress::end(const SweepEnd&) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (line_open_) out_ << "\n" << std::flush;
  line_open_ = false;
}

}  // namespace tbptt
