// What one run reports back: its status, final and best metrics, and the curve.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tbptt {

// ok: ran to the end. diverged: stopped by the divergence rule (non-finite loss or gradient,
// or a loss far above chance: harness/run/execute.cpp). failed: threw (the reason is the
// message). time_limit: stopped by run.time_limit. Only ok runs enter the tables' comparisons.
enum class RunStatus { ok, diverged, failed, time_limit };
const char* to_string(RunStatus);  // "ok", "diverged", "failed", "time_limit"
// Inverse of to_string; throws std::invalid_argument for any other text.
RunStatus parse_run_status(const std::string& text);

// One row of curve.csv, written at each evaluation point.
struct CurvePoint {
  long long update = 0;
  long long tokens = 0;
  double wall_seconds = 0, cpu_seconds = 0;
  double train_loss = 0;         // mean of the update losses since the previous point
  double grad_norm = 0;          // mean gradient norm before clipping since the previous point
  double clip_rate = 0;          // fraction of updates since the previous point that clipped
  double lr = 0;
  std::map<std::string, double> eval;  // e.g. loss, accuracy, bpc, mse, error_rate, fidelity_cos
};

struct RunOutcome {
  RunStatus status = RunStatus::ok;
  std::string reason;                       // diverged / failed: why, with the update number
  std::map<std::string, double> final_metrics;  // eval metrics at the end plus timings, memory
  std::map<std::string, double> best_metrics;
  std::vector<CurvePoint> curve;
  // Named series that are not one number, e.g. "grad_lag_profile": ||dL/ds_{t-k}|| for k = 0..K.
  std::map<std::string, std::vector<double>> series;
};

}  // namespace tbptt
