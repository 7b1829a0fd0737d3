// The one list of recurrent cells: name, a line of description, row counts and factory. Everything
// that names or counts cells (the schema, the memory estimate, `tbptt list`, the benchmarks, the
// tests, the Python cross-check through `tbptt list --json`) reads it from here.
//
// Adding a cell: its own header and source (a Cell subclass with a kShape), and one line in
// cell_registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/cell.hpp"

namespace tbptt {

struct CellType {
  std::string name;
  std::string summary;  // the equations in one line, for `tbptt list`
  CellShape shape;
  std::unique_ptr<Cell<float>> (*make_float)(Index input, Index hidden);
  std::unique_ptr<Cell<double>> (*make_double)(Index input, Index hidden);
  // The cell registers prefix.Wx, prefix.Wh, prefix.b and initialises them by the scheme of
  // models/init.hpp (the init tests check it). False for a fixed system with its own parameters
  // and start (influence).
  bool scheme_init = true;
};

// Every cell, in a fixed order.
const std::vector<CellType>& cell_types();
// The names of cell_types(), in that order.
std::vector<std::string> cell_names();
// The names of the cells with scheme_init, in that order.
std::vector<std::string> scheme_init_cell_names();
// The cell called `name`; throws ShapeError listing the known names.
const CellType& cell_type(std::string_view name);

template <class S>
std::unique_ptr<Cell<S>> make_cell(std::string_view name, Index input, Index hidden);

// Scalars of a cell's parameters for the given sizes (exactly what its add_params registers).
Index cell_param_count(std::string_view name, Index input, Index hidden);

}  // namespace tbptt
