// The task registry: every kind with its parameters (for validation, defaults and `tbptt list`),
// and the factory. An unknown kind lists the valid ones (as tiny-cuda-nn's factories do).
#include <algorithm>

#include "harness/tasks/kinds.hpp"

namespace tbptt {
namespace {

const std::vector<TaskKindEntry>& entries() {
  static const std::vector<TaskKindEntry> kEntries = {
      copy_kind(),       adding_kind(),      temporal_order_kind(), delayed_recall_kind(),
      add_stream_kind(), anbn_kind(),        copy_stream_kind(),    sine_kind(),
      mackey_glass_kind(), text_kind(),       influence_kind(),
  };
  return kEntries;
}

}  // namespace

const std::vector<TaskKindInfo>& task_kinds() {
  static const std::vector<TaskKindInfo> kKinds = [] {
    std::vector<TaskKindInfo> kinds;
    for (const auto& e : entries()) kinds.push_back(e.info);
    return kinds;
  }();
  return kKinds;
}

std::unique_ptr<Task> make_task(const std::string& kind, const ParamMap& params) {
  const auto& all = entries();
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const TaskKindEntry& e) { return e.info.kind == kind; });
  if (it == all.end()) {
    std::string valid;
    for (const auto& e : all) valid += (valid.empty() ? "" : ", ") + e.info.kind;
    throw std::invalid_argument("unknown task kind '" + kind + "' (valid kinds: " + valid + ")");
  }
  return it->make(TaskParams(kind, it->info.params, params));
}

}  // namespace tbptt
