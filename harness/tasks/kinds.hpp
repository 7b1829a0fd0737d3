// The task kinds the registry knows: each task file defines one `<kind>_kind()` that returns its
// summary, parameter declarations and factory. Internal to harness/tasks (use task.hpp outside).
#pragma once

#include <memory>

#include "harness/tasks/common.hpp"

namespace tbptt {

struct TaskKindEntry {
  TaskKindInfo info;
  std::unique_ptr<Task> (*make)(const TaskParams& params);
};

// The factory of a task class constructed from its TaskParams.
template <class T>
std::unique_ptr<Task> make_of(const TaskParams& params) {
  return std::make_unique<T>(params);
}

TaskKindEntry copy_kind();
TaskKindEntry adding_kind();
TaskKindEntry temporal_order_kind();
TaskKindEntry delayed_recall_kind();
TaskKindEntry add_stream_kind();
TaskKindEntry anbn_kind();
TaskKindEntry copy_stream_kind();
TaskKindEntry sine_kind();
TaskKindEntry mackey_glass_kind();
TaskKindEntry text_kind();
TaskKindEntry influence_kind();

}  // namespace tbptt
