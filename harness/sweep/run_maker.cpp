#include "harness/sweep/run_maker.hpp"

#include <stdexcept>

#include "harness/config/schema.hpp"
#include "harness/sweep/sweep_keys.hpp"
#include "harness/train/truncation.hpp"

namespace tbptt {
namespace {

void apply_node(ConfigNode& tree, const std::vector<std::string>& parts, const ConfigNode& v) {
  const ConfigNode* old = tree.find_path(parts);
  tree.set_path(parts, old != nullptr && old->is_map() && v.is_map() ? ConfigNode::merge(*old, v) : v, v.loc());
}

// The run's config with its truncation as it runs: a toolkit kind's flags mapped to the k1, k2
// and loss reduction they mean (rnnlm -bptt 3 -bptt-block 4 runs TBPTT(4, 5) with summed losses).
RunConfig as_run(RunConfig c) {
  try {
    c.train.tbptt = resolve_truncation(c.train.tbptt);
  } catch (const std::invalid_argument&) {
    // a flag missing: validation reports it; the label shows what was written
  }
  return c;
}

// The value of a swept key as a table shows it: for a toolkit kind's k1, k2, recompute and loss
// reduction, what the run uses (its flags set them), else as written, else the canonical resolved value; "-" when the run has no
// such setting.
std::string leaf_text(const Settings& settings, const std::string& key, const RunConfig& c, const RunConfig& ran) {
  const Field* f = find_field(key);
  const bool mapped = key == "train.tbptt.k1" || key == "train.tbptt.k2" || key == "train.tbptt.recompute" ||
                      key == "train.tbptt.loss_reduction";
  if (mapped && is_toolkit_kind(c.train.tbptt.kind)) return value_text(f->get(ran));
  // A setting the run does not use (another truncation scheme's parameter) is not shown.
  if (f != nullptr && f->relevant != nullptr && !f->relevant(c) && key != "train.tbptt.kind") return "-";
  if (auto it = settings.find(key); it != settings.end() && it->second.text) return *it->second.text;
  if (key.rfind("task.", 0) == 0)
    if (auto it = c.task.params.find(key.substr(5)); it != c.task.params.end())
      return value_text(param_to_value(it->second));
  if (key == "task.kind") return c.task.kind;
  if (f != nullptr && f->get != nullptr) return value_text(f->get(c));
  return "-";  // not a setting of this run (e.g. a parameter of another task kind)
}

}  // namespace

RunMaker::RunMaker(ConfigNode base_tree, Settings base, Axes axes, Baseline baseline, const Loc& sweep_loc)
    : base_tree_(std::move(base_tree)),
      base_(std::move(base)),
      axes_(std::move(axes)),
      baseline_(std::move(baseline)),
      combinations_(axes_.axes, sweep_loc),
      swept_keys_(tbptt::swept_keys(axes_, baseline_)) {
  for (const auto& k : swept_keys_) short_names_.push_back(short_name(k, swept_keys_));
}

Settings RunMaker::settings_of(const std::vector<size_t>& digits, bool with_baseline) const {
  Settings s = base_;
  for (size_t a = 0; a < axes_.axes.size(); ++a) apply(s, axes_.axes[a].assignments[digits[a]]);
  if (with_baseline)
    for (const auto& b : baseline_.settings) apply(s, b.assignment);
  return s;
}

ConfigNode RunMaker::tree_of(const std::vector<size_t>& digits, bool with_baseline) const {
  ConfigNode tree = base_tree_;
  for (size_t a = 0; a < axes_.axes.size(); ++a) apply_node(tree, axes_.axes[a].parts, axes_.axes[a].values[digits[a]]);
  if (with_baseline)
    for (const auto& b : baseline_.settings) apply_node(tree, b.parts, b.value);
  return tree;
}

RunSpec RunMaker::spec_of(const Settings& settings, bool is_baseline) const {
  RunSpec spec;
  spec.config = build_run_config(settings);
  const RunConfig ran = as_run(spec.config);
  for (const auto& k : swept_keys_) spec.swept[k] = leaf_text(settings, k, spec.config, ran);
  spec.setting = setting_of(spec.swept, false);
  spec.is_baseline = is_baseline;
  return spec;
}

std::string RunMaker::setting_of(const std::map<std::string, std::string>& swept, bool with_seed) const {
  std::string s;
  for (size_t i = 0; i < swept_keys_.size(); ++i) {
    const std::string& k = swept_keys_[i];
    if (k == "seed" && !with_seed) continue;
    s += (s.empty() ? "" : " ") + short_names_[i] + "=" + swept.at(k);
  }
  return s;
}

}  // namespace tbptt
