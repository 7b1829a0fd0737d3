#include "harness/sweep/run_list.hpp"

#include "harness/sweep/expand.hpp"
#include "harness/sweep/run_id.hpp"

namespace tbptt {

RunList::RunList(std::shared_ptr<const RunMaker> maker, std::vector<Entry> entries,
                 std::vector<std::string> baseline_settings)
    : maker_(std::move(maker)), entries_(std::move(entries)), baseline_settings_(std::move(baseline_settings)) {}

RunSpec RunList::at(size_t i) const {
  const Entry& e = entries_.at(i);
  RunSpec spec = maker_->spec_of(maker_->settings_of(maker_->combinations().digits(e.combination), e.from_baseline),
                                 e.is_baseline);
  spec.id = run_id_text(e.id);
  spec.cost = run_cost(spec.config);
  spec.baseline_setting = e.is_baseline ? spec.setting
                          : e.baseline_setting == kNone ? std::string()
                                                        : baseline_settings_[e.baseline_setting];
  return spec;
}

std::vector<RunSpec> RunList::materialize() const {
  std::vector<RunSpec> out;
  out.reserve(size());
  for (size_t i = 0; i < size(); ++i) out.push_back(at(i));
  return out;
}

}  // namespace tbptt
