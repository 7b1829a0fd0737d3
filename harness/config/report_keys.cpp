#include "harness/config/report_keys.hpp"

#include <cmath>

#include "harness/config/yaml_reader.hpp"

namespace tbptt {

std::optional<Tolerance> parse_tolerance_text(const std::string& text) {
  std::string number = text;
  Tolerance t;
  if (!number.empty() && number.back() == '%') {
    t.relative = true;
    number.pop_back();
    while (!number.empty() && number.back() == ' ') number.pop_back();
  }
  const auto v = scalar_number(ConfigNode::scalar(number, Loc{}));
  if (!v || !std::isfinite(*v) || *v < 0) return std::nullopt;
  t.value = t.relative ? *v / 100.0 : *v;
  return t;
}

void read_report_keys(const ConfigNode& tree, ReportConfig& config) {
  if (const ConfigNode* n = tree.find_path({"report", "tolerance"}); n != nullptr && n->is_scalar()) {
    if (const auto t = parse_tolerance_text(n->text())) {
      config.tolerance = t->value;
      config.tolerance_relative = t->relative;
    }
  }
  const ConfigNode* n = tree.find_path({"report", "target"});
  if (n == nullptr) return;
  if (n->is_scalar()) {
    config.target = scalar_number(*n);  // null / ~: nullopt
  } else if (n->is_map()) {
    const ConfigNode* metric = n->find("metric");
    const ConfigNode* value = n->find("value");
    if (metric != nullptr && value != nullptr) {
      config.target_metric = metric->text();
      config.target = scalar_number(*value);
    }
  }
}

}  // namespace tbptt
