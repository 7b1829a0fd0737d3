// describe_schema(): the text of `tbptt list`, generated from the schema table and the task
// registry so that it cannot drift from what the loader accepts.
#include <sstream>

#include "harness/config/experiment.hpp"
#include "harness/config/schema.hpp"
#include "harness/config/suggest.hpp"
#include "models/cell_registry.hpp"

namespace tbptt {
namespace {

std::string type_and_default(const Field& f) {
  std::string s = expected_text(f);
  if (f.type == ValueType::choice && f.path != "task.kind") s = "one of " + join_names(f.choices);
  if (!f.default_text.empty()) s += "; default " + f.default_text;
  return s;
}

void section(std::ostringstream& out, const std::string& title, const std::string& prefix,
             const std::string& kind_field) {
  out << title << "\n";
  if (const Field* k = find_field(kind_field)) {
    for (const auto& c : k->choices) {
      out << "  " << c << (c == k->default_text ? " (default)" : "");
      if (kind_field == "model.cell") out << ": " << cell_type(c).summary;
      out << "\n";
    }
  }
  for (const auto& f : schema_fields()) {
    if (f.path.rfind(prefix, 0) != 0 || f.path == kind_field) continue;
    out << "    " << f.path.substr(prefix.size()) << ": " << type_and_default(f) << " -- " << f.doc << "\n";
  }
  out << "\n";
}

}  // namespace

std::string describe_schema() {
  std::ostringstream out;
  out << "tasks (task.kind; default " << TaskConfig{}.kind << ")\n";
  for (const auto& k : task_kinds()) {
    out << "  " << k.kind << ": " << k.summary << "\n";
    for (const auto& p : k.params) {
      const Field f = task_param_field(p);
      out << "    " << p.name << ": " << type_and_default(f) << " -- " << p.doc << "\n";
    }
  }
  out << "\n";
  section(out, "cells (model.cell)", "model.", "model.cell");
  section(out, "optimizers (train.optimizer.kind)", "train.optimizer.", "train.optimizer.kind");
  section(out, "schedules (train.schedule.kind)", "train.schedule.", "train.schedule.kind");
  section(out, "clippers (train.clip.kind)", "train.clip.", "train.clip.kind");
  section(out, "truncation (train.tbptt)", "train.tbptt.", "");
  out << "other keys\n";
  for (const auto& f : schema_fields()) {
    const std::string& p = f.path;
    if (p.rfind("model.", 0) == 0 || p.rfind("train.optimizer.", 0) == 0 || p.rfind("train.schedule.", 0) == 0 ||
        p.rfind("train.clip.", 0) == 0 || p.rfind("train.tbptt.", 0) == 0 || p == "task.kind")
      continue;
    out << "    " << p << ": " << type_and_default(f) << " -- " << f.doc << "\n";
  }
  out << "    sweep: map of dotted key -> list of values, plus where: \"expression\"\n";
  out << "    baseline: map of dotted key -> value, or none; default {train.tbptt.k1: full, train.tbptt.k2: full}\n";
  return out.str();
}

}  // namespace tbptt
