// The `where:` filter of a sweep: a small boolean expression over the swept values.
//
//   expr    := or
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | compare
//   compare := primary (("==" | "!=" | "<" | "<=" | ">" | ">=") primary)?
//   primary := "(" expr ")" | number | 'text' | "text" | full | off | true | false | name
// A name is a swept key: its last component (k1) or its full dotted path (train.tbptt.k1); the
// caller resolves it to the value's text. Values that read as numbers compare as numbers; `full`
// and `off` order as +infinity (k2 >= k1 holds for k2 = full); == and != compare text otherwise.
// and/or/not take booleans (comparisons, or a swept true/false). Errors carry the 0-based offset
// in the expression text of the token at fault.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tbptt {

class WhereError : public std::runtime_error {
 public:
  WhereError(size_t offset, const std::string& message) : std::runtime_error(message), offset_(offset) {}
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

class WhereExpr {
 public:
  struct Name {
    std::string text;
    size_t offset;
  };

  static WhereExpr parse(const std::string& text);  // throws WhereError
  const std::string& text() const { return text_; }
  const std::vector<Name>& names() const { return names_; }  // every name used, in order
  // lookup(name) gives the value's text in the combination being filtered. Throws WhereError
  // for a comparison that has no meaning (ordering two texts) or a non-boolean result.
  bool eval(const std::function<std::string(const std::string&)>& lookup) const;

 private:
  enum class Op { literal, name, not_, and_, or_, eq, ne, lt, le, gt, ge };
  struct Node {
    Op op;
    std::string text;   // literal or name
    size_t offset = 0;  // of the token
    int a = -1, b = -1; // operands (indices into nodes_)
  };
  struct Val;
  Val eval_node(int i, const std::function<std::string(const std::string&)>& lookup) const;

  std::string text_;
  std::vector<Node> nodes_;
  int root_ = -1;
  std::vector<Name> names_;
  friend class WhereParser;
};

}  // namespace tbptt
