#include "fake_sweep.hpp"

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tbptt::test {
namespace fs = std::filesystem;

Experiment fake_experiment(int seeds, const std::string& output) {
  Experiment e;
  e.name = "fake";
  e.file = "fake.yaml";
  e.output = output;
  e.swept_keys = {"train.tbptt.k1", "seed"};
  e.resolved = YAML::Load("name: fake\nsweep: {train.tbptt.k1: [5, 10, full], seed: [1, 2]}\n");
  e.report.metric = "loss";
  e.report.tolerance = 0.05;
  for (const std::string k1 : {"5", "10", "full"}) {
    for (int seed = 1; seed <= seeds; ++seed) {
      RunSpec r;
      r.id = "run-" + std::string(k1 == "full" ? "full" : (k1.size() == 1 ? "0" + k1 : k1)) + "-" +
             std::to_string(seed);
      r.config.seed = static_cast<uint64_t>(seed);
      r.config.train.tbptt.k1 = k1 == "full" ? Window::full() : Window(std::stoi(k1));
      r.resolved = YAML::Load("train: {tbptt: {k1: " + k1 + "}}\nseed: " + std::to_string(seed) + "\n");
      r.swept = {{"train.tbptt.k1", k1}, {"seed", std::to_string(seed)}};
      r.setting = "k1=" + k1;
      r.baseline_setting = "k1=full";
      r.is_baseline = k1 == "full";
      r.cost = k1 == "full" ? 30 : (k1 == "10" ? 20 : 10);
      e.runs.push_back(r);
    }
  }
  return e;
}

RunOutcome fake_outcome(const RunSpec& spec) {
  RunOutcome o;
  const double k = spec.config.train.tbptt.k1.is_full() ? 20.0 : static_cast<double>(spec.config.train.tbptt.k1.steps());
  const double seed = static_cast<double>(spec.config.seed);
  o.final_metrics["loss"] = 1.0 / k + 0.001 * seed;
  o.final_metrics["accuracy"] = 1.0 - 1.0 / k;
  o.final_metrics["cpu_seconds"] = spec.cost / 10.0 + 0.01 * seed;
  o.final_metrics["wall_seconds"] = spec.cost / 10.0;
  o.final_metrics["tokens"] = 1000;
  o.best_metrics["loss"] = o.final_metrics["loss"] * 0.9;
  for (int u = 1; u <= 3; ++u) {
    CurvePoint p;
    p.update = u * 10;
    p.tokens = u * 320;
    p.wall_seconds = 0.1 * u;
    p.cpu_seconds = 0.1 * u;
    p.train_loss = 2.0 / (u * k);
    p.grad_norm = 1.5 / u;
    p.clip_rate = 0.25;
    p.lr = 0.01;
    p.eval["loss"] = 1.0 / (u * k);
    p.eval["accuracy"] = 1.0 - 1.0 / (u * k);
    o.curve.push_back(p);
  }
  return o;
}

RunOutcome CountingRunner::operator()(const RunSpec& spec) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_[spec.id];
  }
  for (const auto& id : failing_) {
    if (id == spec.id) throw std::runtime_error("fake failure in " + spec.id);
  }
  return fake_outcome(spec);
}

std::map<std::string, int> CountingRunner::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counts_;
}

int CountingRunner::total() const {
  int n = 0;
  for (const auto& kv : counts()) n += kv.second;
  return n;
}

namespace {
// Removes every scratch folder when the test program ends.
struct ScratchRegistry {
  std::vector<fs::path> dirs;
  ~ScratchRegistry() {
    std::error_code ec;
    for (const auto& d : dirs) fs::remove_all(d, ec);
  }
};
}  // namespace

fs::path scratch_dir(const std::string& name) {
  static ScratchRegistry registry;
  const fs::path dir = fs::temp_directory_path() / ("tbptt-test-run-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  registry.dirs.push_back(dir);
  return dir;
}

std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path().filename().string().rfind(".tbptt-lock", 0) == 0) continue;  // who held it, when
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    files[fs::relative(entry.path(), root).string()] = ss.str();
  }
  return files;
}

}  // namespace tbptt::test
