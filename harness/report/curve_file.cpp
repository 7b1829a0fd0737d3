#include "harness/report/curve_file.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "harness/report/text.hpp"

namespace tbptt {
namespace {

double number_or_nan(const std::string& cell, int line) {
  if (cell.empty()) return std::nan("");
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(cell, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != cell.size())
    throw std::invalid_argument("curve.csv:" + std::to_string(line) + ": not a number: \"" + cell + "\"");
  return v;
}

}  // namespace

// curve.csv holds numbers and metric names only, so no field is ever quoted.
std::vector<CurvePoint> parse_curve_csv(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::vector<CurvePoint> out;
  if (!std::getline(in, line)) return out;
  const std::vector<std::string> header = split_fields(line, ',');
  int number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const std::vector<std::string> cells = split_fields(line, ',');
    if (cells.size() != header.size())
      throw std::invalid_argument("curve.csv:" + std::to_string(number) + ": " + std::to_string(cells.size()) +
                                  " fields, the header has " + std::to_string(header.size()));
    CurvePoint p;
    for (size_t i = 0; i < header.size(); ++i) {
      const double v = number_or_nan(cells[i], number);
      const std::string& h = header[i];
      if (h == "update") p.update = std::isfinite(v) ? static_cast<long long>(v) : 0;
      else if (h == "tokens") p.tokens = std::isfinite(v) ? static_cast<long long>(v) : 0;
      else if (h == "wall_s") p.wall_seconds = v;
      else if (h == "cpu_s") p.cpu_seconds = v;
      else if (h == "train_loss") p.train_loss = v;
      else if (h == "grad_norm") p.grad_norm = v;
      else if (h == "clip_rate") p.clip_rate = v;
      else if (h == "lr") p.lr = v;
      else if (!cells[i].empty()) p.eval[h] = v;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace tbptt
