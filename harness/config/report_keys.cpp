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

void read_report_keys(const Settings& settings, ReportConfig& config) {
  const auto text_of = [&](const char* path) -> const std::string* {
    const auto it = settings.find(path);
    return it == settings.end() ? nullptr : std::get_if<std::string>(&it->second.value);
  };
  if (const std::string* metric = text_of("report.metric")) {
    config.metric = *metric;
  } else if (const std::string* eval_metric = text_of("eval.metric"); eval_metric != nullptr && !eval_metric->empty()) {
    config.metric = *eval_metric;
  }
  if (const std::string* tolerance = text_of("report.tolerance")) {
    const auto t = parse_tolerance_text(*tolerance);  // validated by parse_field: never nullopt here
    config.tolerance = t->value;
    config.tolerance_relative = t->relative;
  }
  const auto target = settings.find("report.target");
  if (target == settings.end()) return;
  const Value& v = target->second.value;
  if (const double* level = std::get_if<double>(&v)) {
    config.target = *level;
  } else if (const std::string* pair = std::get_if<std::string>(&v)) {
    // parse_field's form of {metric: NAME, value: NUMBER}: "NAME=NUMBER" (a number has no '=').
    const size_t eq = pair->rfind('=');
    config.target_metric = pair->substr(0, eq);
    config.target = scalar_number(ConfigNode::scalar(pair->substr(eq + 1), Loc{}));
  }
}

}  // namespace tbptt
