#include "harness/sweep/expand.hpp"

#include <unordered_map>
#include <unordered_set>

#include "harness/config/error.hpp"
#include "harness/config/validate.hpp"
#include "harness/sweep/axes.hpp"
#include "harness/sweep/run_id.hpp"
#include "harness/sweep/run_maker.hpp"
#include "harness/sweep/where_filter.hpp"
#include "harness/train/truncation.hpp"
#include "models/cell_registry.hpp"

namespace tbptt {
namespace {

// The implicit full-BPTT baseline cannot run on an endless stream (or unaligned lanes): such runs
// have no baseline. Anything else wrong with it is reported by check_run.
bool full_bptt_impossible(const RunConfig& c) {
  try {
    return full_window_problem(c).has_value();
  } catch (const std::exception&) {
    return false;
  }
}

// The streaming pass over the combinations: each is checked as a whole once, duplicates and
// `where` dropped, and only its index kept; then the list is assembled (users, then the
// baselines not among them).
class Assembler {
 public:
  Assembler(std::shared_ptr<const RunMaker> maker, const WhereFilter& where)
      : maker_(std::move(maker)), m_(*maker_), where_(where) {
    // Sized once (the product is capped, combinations.hpp): no rehash of a million ids.
    const size_t n = static_cast<size_t>(m_.combinations().size());
    user_index_.reserve(n);
    if (m_.baseline().use) baseline_index_.reserve(n);
  }

  void add(uint64_t n) {
    const std::vector<size_t> digits = m_.combinations().digits(n);
    const Settings settings = m_.settings_of(digits, false);
    RunSpec spec = m_.spec_of(settings, false);
    uint64_t baseline = 0;
    bool has_baseline = false;
    if (m_.baseline().use) {
      Settings bs = settings;
      for (const auto& b : m_.baseline().settings) apply(bs, b.assignment);
      RunSpec b = m_.spec_of(bs, true);
      const uint64_t bid = run_id_number(b.config);
      if (!baseline_index_.count(bid) && !impossible_.count(bid)) {
        if (m_.baseline().implicit && full_bptt_impossible(b.config)) {
          impossible_.insert(bid);
        } else {
          check_run(b.config, [&] { return m_.tree_of(digits, true); },
                    " (in the baseline run " + m_.setting_of(b.swept, true) + ")");
          baseline_index_[bid] = static_cast<uint32_t>(baselines_.size());
          baselines_.push_back({n, bid, std::move(b.setting)});
        }
      }
      has_baseline = !impossible_.count(bid);
      baseline = bid;
    }
    if (!where_.keep(spec.swept, [&] { return m_.setting_of(spec.swept, true); })) return;
    check_run(spec.config, [&] { return m_.tree_of(digits, false); },
              m_.axes().axes.empty() ? "" : " (in the run " + m_.setting_of(spec.swept, true) + ")");
    const uint64_t id = run_id_number(spec.config);
    if (user_index_.emplace(id, static_cast<uint32_t>(users_.size())).second)
      users_.push_back({n, id, baseline, has_baseline});
  }

  RunList finish() {
    // Each baseline's setting, as the run with its id shows it (a swept run when it is one).
    std::vector<std::string> settings;
    for (const auto& b : baselines_) settings.push_back(b.setting);
    for (size_t i = 0; i < baselines_.size(); ++i)
      if (auto u = user_index_.find(baselines_[i].id); u != user_index_.end())
        settings[i] = m_.spec_of(m_.settings_of(m_.combinations().digits(users_[u->second].combination), false), false).setting;
    std::vector<RunList::Entry> entries;
    entries.reserve(users_.size() + baselines_.size());
    for (const auto& u : users_) {
      RunList::Entry e;
      e.combination = u.combination;
      e.id = u.id;
      if (u.has_baseline) e.baseline_setting = baseline_index_.at(u.baseline);
      entries.push_back(e);
    }
    for (const auto& b : baselines_)
      if (auto u = user_index_.find(b.id); u != user_index_.end()) entries[u->second].is_baseline = true;
    for (size_t i = 0; i < baselines_.size(); ++i) {
      if (user_index_.count(baselines_[i].id)) continue;  // a swept run, marked above
      RunList::Entry e;
      e.combination = baselines_[i].combination;
      e.id = baselines_[i].id;
      e.from_baseline = e.is_baseline = true;
      entries.push_back(e);
    }
    return RunList(maker_, std::move(entries), std::move(settings));
  }

 private:
  struct User {
    uint64_t combination;
    uint64_t id;
    uint64_t baseline;  // its baseline's id (when has_baseline)
    bool has_baseline;
  };
  struct BaselineRun {
    uint64_t combination;
    uint64_t id;
    std::string setting;
  };
  std::shared_ptr<const RunMaker> maker_;
  const RunMaker& m_;
  const WhereFilter& where_;
  std::vector<User> users_;
  std::vector<BaselineRun> baselines_;  // in the order of their first combination
  std::unordered_map<uint64_t, uint32_t> user_index_, baseline_index_;  // id -> index
  std::unordered_set<uint64_t> impossible_;
};

}  // namespace

double run_cost(const RunConfig& c) {
  TaskInfo info;
  try {
    info = task_info_of(c.task);
  } catch (const std::exception&) {
  }
  // Chunk and window lengths are the truncation policy's (full: the longest episode, >= 1 step).
  const TruncationPolicy policy(c.train.tbptt, info.max_episode_length, info.aligned_episodes, 0);
  const double k1 = policy.mean_chunk(), k2 = policy.mean_window();
  const double tokens = c.train.tokens > 0 ? static_cast<double>(c.train.tokens)
                                           : static_cast<double>(c.train.updates) * static_cast<double>(c.train.batch) * k1;
  const double gates = static_cast<double>(cell_type(c.model.cell).shape.gates);
  const double h = static_cast<double>(c.model.hidden);
  return tokens * h * h * static_cast<double>(c.model.layers) * gates * (1.0 + 2.0 * k2 / k1);
}

ExpandedSweep expand_sweep(const ConfigNode& root, const Settings& base_settings) {
  ConfigNode base = root;
  base.erase("sweep");
  base.erase("baseline");
  base.erase("base");
  Diagnostics d;
  Axes axes = read_axes(root, base, d);
  Baseline baseline = read_baseline(root, base, axes, d);
  d.throw_if_any();
  const WhereFilter where(axes.where, axes.leaves);
  auto maker = std::make_shared<const RunMaker>(std::move(base), base_settings, std::move(axes), std::move(baseline),
                                                    root.find("sweep") != nullptr ? root.find("sweep")->loc() : root.loc());
  Assembler assembler(maker, where);
  for (uint64_t n = 0; n < maker->combinations().size(); ++n) assembler.add(n);
  return ExpandedSweep{maker->swept_keys(), assembler.finish()};
}

}  // namespace tbptt
