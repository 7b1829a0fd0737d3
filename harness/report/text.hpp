// Small text helpers shared by the result files and the report: number formatting and CSV
// quoting (RFC 4180).
#pragma once

#include <string>
#include <vector>

namespace tbptt {

// Shortest text that reads back as exactly the same double (std::to_chars); "" if not finite.
std::string exact_number(double value);

// For tables: 4 significant digits ("0.1235", "12.35", "1.235e-05"); values from 1e4 to 1e9
// print as integers ("123457"). "-" if not finite.
std::string table_number(double value);

// Quotes a CSV field when it holds a comma, quote, or line break (quotes doubled).
std::string csv_field(const std::string& text);
std::string csv_row(const std::vector<std::string>& fields);  // with the trailing '\n'

// A markdown table cell: '|' escaped as "\|".
std::string markdown_cell(const std::string& text);

// The fields of `text` between `sep` characters, empty ones included ("a,,b" -> a, "", b).
std::vector<std::string> split_fields(const std::string& text, char sep);

// Escapes LaTeX special characters (\ & % $ # _ { } ~ ^).
std::string latex_escape(const std::string& text);

}  // namespace tbptt
