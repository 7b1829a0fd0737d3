#include "harness/sweep/expand.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "harness/config/error.hpp"
#include "harness/config/memory.hpp"
#include "harness/config/schema.hpp"
#include "harness/config/suggest.hpp"
#include "harness/config/validate.hpp"
#include "harness/config/yaml_reader.hpp"
#include "harness/sweep/run_id.hpp"
#include "harness/sweep/where_expr.hpp"
#include "models/cell_registry.hpp"
#include "harness/train/truncation.hpp"
#include "models/rng.hpp"

namespace tbptt {
namespace {

struct Axis {
  std::string path;
  std::vector<std::string> parts;
  std::vector<const ConfigNode*> values;
};

struct Setting {  // one baseline entry
  std::vector<std::string> parts;
  ConfigNode value;
};

bool whole_experiment_key(const std::string& path) {
  const std::string first = path.substr(0, path.find('.'));
  return first == "name" || first == "base" || first == "run" || first == "report" || first == "sweep" ||
         first == "baseline";
}

// Every dotted path a sweep or baseline key may name, for "did you mean".
std::vector<std::string> all_paths(const ConfigNode& base) {
  std::vector<std::string> out;
  for (const auto& f : schema_fields()) {
    if (whole_experiment_key(f.path)) continue;
    const std::vector<std::string> parts = split_path(f.path);
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string prefix = join_path(parts, i);
      if (std::find(out.begin(), out.end(), prefix) == out.end()) out.push_back(prefix);
    }
    out.push_back(f.path);
  }
  const ConfigNode* kind = base.find_path({"task", "kind"});
  if (const TaskKindInfo* k = find_task_kind(kind != nullptr ? kind->text() : TaskConfig{}.kind))
    for (const auto& p : k->params) out.push_back("task." + p.name);
  return out;
}

// Whether a is b or an ancestor/descendant of b, component-wise.
bool overlaps(const std::string& a, const std::string& b) {
  const std::string& s = a.size() < b.size() ? a : b;
  const std::string& l = a.size() < b.size() ? b : a;
  return l.compare(0, s.size(), s) == 0 && (l.size() == s.size() || l[s.size()] == '.');
}

void check_key(const std::string& section, const std::string& key, const ConfigNode& value,
               const ConfigNode& base, Diagnostics& d, bool& ok) {
  const std::string p = section + "." + key;
  ok = false;
  if (whole_experiment_key(key)) {
    d.add(value.key_loc(), p, std::string("cannot be ") + (section == "sweep" ? "swept" : "part of a baseline") +
                                  " (name, base, run.* and report.* apply to the whole experiment)");
  } else if (!schema_has_path(key)) {
    const std::string near = closest_name(key, all_paths(base));
    d.add(value.key_loc(), p, near.empty() ? "unknown key" : "unknown key (did you mean " + near + "?)");
  } else {
    ok = true;
  }
}

void add_leaves(const ConfigNode& n, const std::string& prefix, std::vector<std::string>& out) {
  if (n.is_map()) {
    for (const auto& [k, v] : n.entries()) add_leaves(v, prefix + "." + k, out);
  } else if (std::find(out.begin(), out.end(), prefix) == out.end()) {
    out.push_back(prefix);
  }
}

void apply(ConfigNode& tree, const std::vector<std::string>& parts, const ConfigNode& v) {
  const ConfigNode* old = tree.find_path(parts);
  tree.set_path(parts, old != nullptr && old->is_map() && v.is_map() ? ConfigNode::merge(*old, v) : v, v.loc());
}

// The value of a swept key as a table shows it: as written, else the canonical resolved value,
// "-" when the run has no such setting.
std::string leaf_text(const ConfigNode& tree, const std::string& key, const RunConfig& c) {
  // A setting the run does not use (another truncation scheme's parameter) is not shown.
  if (const Field* f = find_field(key); f != nullptr && f->relevant != nullptr && !f->relevant(c) && key != "train.tbptt.kind")
    return "-";
  if (const ConfigNode* n = tree.find_path(split_path(key)); n != nullptr && n->is_scalar()) return n->text();
  if (key.rfind("task.", 0) == 0)
    if (auto it = c.task.params.find(key.substr(5)); it != c.task.params.end())
      return value_text(param_to_value(it->second));
  if (key == "task.kind") return c.task.kind;
  if (const Field* f = find_field(key); f != nullptr && f->get != nullptr) return value_text(f->get(c));
  return "-";  // not a setting of this run (e.g. a parameter of another task kind)
}

// "train.tbptt.k1" ends with the component "k1".
bool ends_with_component(const std::string& key, const std::string& last) {
  return key.size() > last.size() && key.compare(key.size() - last.size() - 1, std::string::npos, "." + last) == 0;
}

std::string short_name(const std::string& key, const std::vector<std::string>& all) {
  const std::string last = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  const auto same = std::count_if(all.begin(), all.end(),
                                  [&](const std::string& k) { return k == last || ends_with_component(k, last); });
  return same == 1 ? last : key;
}

struct Candidate {
  RunSpec spec;
  std::string baseline_id;  // empty: none
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

ExpandedSweep expand_sweep(const ConfigNode& root) {
  ConfigNode base = root;
  base.erase("sweep");
  base.erase("baseline");
  base.erase("base");
  Diagnostics d;

  // Axes and `where`.
  std::vector<Axis> axes;
  const ConfigNode* where_node = nullptr;
  if (const ConfigNode* sweep = root.find("sweep"); sweep != nullptr && !sweep->is_null()) {
    if (!sweep->is_map()) {
      d.add(sweep->loc(), "sweep", "expected a map of dotted keys to lists of values, got " + sweep->shown());
    } else {
      for (const auto& [key, v] : sweep->entries()) {
        if (key == "where") {
          if (!v.is_scalar())
            d.add(v.loc(), "sweep.where", "expected an expression such as \"k2 >= k1\", got " + v.shown());
          else
            where_node = &v;
          continue;
        }
        bool ok = false;
        check_key("sweep", key, v, base, d, ok);
        if (!ok) continue;
        if (!v.is_list() || v.items().empty()) {
          d.add(v.loc(), "sweep." + key,
                "expected a non-empty list of values, got " + (v.is_list() ? std::string("an empty list") : v.shown()));
          continue;
        }
        const auto other = std::find_if(axes.begin(), axes.end(), [&, &name = key](const Axis& a) { return overlaps(a.path, name); });
        if (other != axes.end()) {
          d.add(v.key_loc(), "sweep." + key, "overlaps sweep." + other->path + "; sweep one of them");
          continue;
        }
        Axis axis{key, split_path(key), {}};
        for (const auto& item : v.items()) {
          check_value_at(base, key, item, d);
          axis.values.push_back(&item);
        }
        axes.push_back(std::move(axis));
      }
    }
  }

  // Baseline settings.
  std::vector<Setting> baseline;
  bool use_baseline = true, default_baseline = false;
  const ConfigNode* bnode = root.find("baseline");
  if (bnode == nullptr || bnode->is_null()) {
    default_baseline = true;
    const Loc unknown{};
    // Full BPTT is the fixed scheme with k1 = k2 = full; `kind` is named only where the
    // experiment mentions it (so that tables of fixed-only sweeps keep their columns).
    bool mentions_kind = base.find_path({"train", "tbptt", "kind"}) != nullptr;
    for (const auto& a : axes) {
      std::vector<std::string> leaves;
      for (const ConfigNode* v : a.values) add_leaves(*v, a.path, leaves);
      for (const auto& l : leaves) mentions_kind = mentions_kind || l == "train.tbptt.kind";
    }
    if (mentions_kind) baseline.push_back(Setting{{"train", "tbptt", "kind"}, ConfigNode::scalar("fixed", unknown)});
    baseline.push_back(Setting{{"train", "tbptt", "k1"}, ConfigNode::scalar("full", unknown)});
    baseline.push_back(Setting{{"train", "tbptt", "k2"}, ConfigNode::scalar("full", unknown)});
  } else if (scalar_is(*bnode, "none")) {
    use_baseline = false;
  } else if (!bnode->is_map() || bnode->entries().empty()) {
    d.add(bnode->loc(), "baseline", "expected a map of dotted keys to values, or none, got " + bnode->shown());
  } else {
    for (const auto& [key, v] : bnode->entries()) {
      bool ok = false;
      check_key("baseline", key, v, base, d, ok);
      if (!ok) continue;
      if (v.is_list()) {
        d.add(v.loc(), "baseline." + key, "expected one value, got a list (lists of values belong under sweep:)");
        continue;
      }
      check_value_at(base, key, v, d);
      baseline.push_back(Setting{split_path(key), v});
    }
  }
  d.throw_if_any();

  // Swept keys: the axes' leaves, then the baseline's other leaves.
  ExpandedSweep out;
  std::vector<std::string> axis_leaves;
  for (const auto& a : axes)
    for (const ConfigNode* v : a.values) add_leaves(*v, a.path, axis_leaves);
  out.swept_keys = axis_leaves;
  for (const auto& s : baseline) add_leaves(s.value, join_path(s.parts), out.swept_keys);

  // `where`, its names resolved to swept keys.
  WhereExpr where;
  std::map<std::string, std::string> name_to_key;
  auto where_loc = [&](size_t offset) {
    Loc l = where_node->loc();
    l.column += static_cast<int>(offset) + (where_node->quoted() ? 1 : 0);
    return l;
  };
  if (where_node != nullptr) {
    try {
      where = WhereExpr::parse(where_node->text());
    } catch (const WhereError& e) {
      throw ConfigError(where_loc(e.offset()), "sweep.where", e.what());
    }
    std::vector<std::string> shorts;
    for (const auto& k : axis_leaves) shorts.push_back(short_name(k, axis_leaves));
    for (const auto& name : where.names()) {
      std::vector<std::string> hits;
      for (const auto& k : axis_leaves)
        if (k == name.text || ends_with_component(k, name.text)) hits.push_back(k);
      if (std::find(axis_leaves.begin(), axis_leaves.end(), name.text) != axis_leaves.end()) hits = {name.text};
      if (hits.empty())
        throw ConfigError(where_loc(name.offset), "sweep.where",
                          "unknown name " + name.text + ", expected a swept key (" + join_names(shorts) +
                              "); quote text values: '" + name.text + "'");
      if (hits.size() > 1)
        throw ConfigError(where_loc(name.offset), "sweep.where",
                          "ambiguous name " + name.text + " (" + join_names(hits) + "); write the full path");
      name_to_key[name.text] = hits.front();
    }
  }

  // The product, refused before anything is built when the run list would not fit.
  double combinations = 1;
  for (const auto& a : axes) combinations *= static_cast<double>(a.values.size());
  const uint64_t cap = max_sweep_runs();
  if (combinations > static_cast<double>(cap)) {
    const std::string count = combinations < 1e18 ? std::to_string(static_cast<uint64_t>(combinations)) : format_number(combinations);
    throw ConfigError(root.find("sweep")->loc(), "sweep",
                      count + " combinations, more than the " + std::to_string(cap) + " runs " + sweep_cap_reason() +
                          "; split the sweep into several experiments or narrow it");
  }
  const size_t total = static_cast<size_t>(combinations);
  auto texts_of = [&](const ConfigNode& tree, const RunConfig& c) {
    std::map<std::string, std::string> texts;
    for (const auto& k : out.swept_keys) texts[k] = leaf_text(tree, k, c);
    return texts;
  };
  auto setting_of = [&](const std::map<std::string, std::string>& texts, bool with_seed) {
    std::string s;
    for (const auto& k : out.swept_keys) {
      if (k == "seed" && !with_seed) continue;
      s += (s.empty() ? "" : " ") + short_name(k, out.swept_keys) + "=" + texts.at(k);
    }
    return s;
  };
  auto make_spec = [&](const ConfigNode& tree, bool is_baseline) {
    RunSpec spec;
    spec.config = build_run_config(tree);
    spec.swept = texts_of(tree, spec.config);
    spec.setting = setting_of(spec.swept, false);
    spec.is_baseline = is_baseline;
    return spec;
  };
  auto finish = [&](RunSpec& spec, const ConfigNode& tree, const std::string& note) {
    check_run(spec.config, tree, note);
    spec.id = run_id(spec.config);
    spec.run_seed = mix_seed(spec.config.seed, hash_string(spec.id));
    spec.cost = run_cost(spec.config);
  };

  std::vector<Candidate> users;
  std::vector<RunSpec> baselines;
  std::set<std::string> user_ids, baseline_ids, impossible_baselines;
  std::vector<size_t> index(axes.size(), 0);
  for (size_t n = 0; n < total; ++n) {
    ConfigNode tree = base;
    for (size_t a = 0; a < axes.size(); ++a) apply(tree, axes[a].parts, *axes[a].values[index[a]]);
    RunSpec spec = make_spec(tree, false);
    Candidate cand;

    if (use_baseline) {
      ConfigNode btree = tree;
      for (const auto& s : baseline) apply(btree, s.parts, s.value);
      RunSpec b = make_spec(btree, true);
      b.id = run_id(b.config);
      cand.baseline_id = b.id;
      if (!baseline_ids.count(b.id) && !impossible_baselines.count(b.id)) {
        try {
          finish(b, btree, " (in the baseline run " + setting_of(b.swept, true) + ")");
          baseline_ids.insert(b.id);
          baselines.push_back(std::move(b));
        } catch (const ConfigError& e) {
          // The implicit full-BPTT baseline cannot run on an endless stream: such runs have no
          // baseline (an explicit `baseline:` that cannot run is still an error).
          if (!default_baseline || e.diagnostics().front().message.find("full needs") == std::string::npos) throw;
          impossible_baselines.insert(b.id);
        }
      }
      if (impossible_baselines.count(cand.baseline_id)) cand.baseline_id.clear();
    }

    bool keep = true;
    if (where_node != nullptr) {
      try {
        keep = where.eval([&](const std::string& name) { return spec.swept.at(name_to_key.at(name)); });
      } catch (const WhereError& e) {
        throw ConfigError(where_loc(e.offset()), "sweep.where", std::string(e.what()) + " (in the run " +
                                                                    setting_of(spec.swept, true) + ")");
      }
    }
    if (keep) {
      finish(spec, tree, axes.empty() ? "" : " (in the run " + setting_of(spec.swept, true) + ")");
      if (user_ids.insert(spec.id).second) {
        cand.spec = std::move(spec);
        users.push_back(std::move(cand));
      }
    }
    for (size_t a = axes.size(); a-- > 0;) {
      if (++index[a] < axes[a].values.size()) break;
      index[a] = 0;
    }
  }

  // Assemble: user runs, then the baselines not among them.
  std::map<std::string, size_t> position;
  for (auto& c : users) {
    position[c.spec.id] = out.runs.size();
    out.runs.push_back(c.spec);
  }
  for (auto& b : baselines) {
    if (auto it = position.find(b.id); it != position.end()) {
      out.runs[it->second].is_baseline = true;
      continue;
    }
    position[b.id] = out.runs.size();
    out.runs.push_back(std::move(b));
  }
  for (size_t i = 0; i < users.size(); ++i)
    if (!users[i].baseline_id.empty()) out.runs[i].baseline_setting = out.runs[position.at(users[i].baseline_id)].setting;
  for (auto& r : out.runs)
    if (r.is_baseline) r.baseline_setting = r.setting;
  return out;
}

}  // namespace tbptt
