#include "harness/sweep/where_expr.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace tbptt {

struct WhereExpr::Val {
  enum class Kind { number, text, boolean } kind;
  double number = 0;
  std::string text;
  bool boolean = false;

  static Val of_text(const std::string& t, bool quoted) {
    Val v{Kind::text, 0, t, false};
    if (quoted) return v;
    if (t == "full" || t == "off") {
      v.kind = Kind::number;
      v.number = std::numeric_limits<double>::infinity();
    } else if (t == "true" || t == "false") {
      v.kind = Kind::boolean;
      v.boolean = t == "true";
    } else if (!t.empty()) {
      const char* b = t.data() + (t[0] == '+' ? 1 : 0);
      double d = 0;
      auto [p, ec] = std::from_chars(b, t.data() + t.size(), d);
      if (ec == std::errc() && p == t.data() + t.size()) {
        v.kind = Kind::number;
        v.number = d;
      }
    }
    return v;
  }
  bool is_word() const { return text == "full" || text == "off"; }
};

// Tokens: names/words, numbers, quoted texts, operators, parentheses.
class WhereParser {
 public:
  explicit WhereParser(WhereExpr& e) : e_(e), s_(e.text_) {}

  void run() {
    next();
    e_.root_ = parse_or();
    if (tok_ != Tok::end) throw WhereError(tok_pos_, "unexpected '" + tok_text_ + "' after a complete expression");
  }

 private:
  enum class Tok { end, word, number, quoted, op, lparen, rparen };

  void next() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    tok_pos_ = pos_;
    if (pos_ >= s_.size()) {
      tok_ = Tok::end;
      tok_text_ = "end of expression";
      return;
    }
    const char c = s_[pos_];
    auto is_name_char = [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-';
    };
    if (c == '(' || c == ')') {
      tok_ = c == '(' ? Tok::lparen : Tok::rparen;
      tok_text_ = std::string(1, c);
      ++pos_;
    } else if (c == '\'' || c == '"') {
      const size_t close = s_.find(c, pos_ + 1);
      if (close == std::string::npos) throw WhereError(pos_, "unterminated quoted text");
      tok_ = Tok::quoted;
      tok_text_ = s_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      std::string op(1, c);
      if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') op += '=';
      if (op == "=" || op == "!") throw WhereError(pos_, "unknown operator '" + op + "' (use == or !=)");
      tok_ = Tok::op;
      tok_text_ = op;
      pos_ += op.size();
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
               (c == '.' && pos_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])))) {
      size_t end = pos_ + 1;
      while (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '.' ||
                                 ((s_[end] == '-' || s_[end] == '+') && (s_[end - 1] == 'e' || s_[end - 1] == 'E'))))
        ++end;
      tok_ = Tok::number;
      tok_text_ = s_.substr(pos_, end - pos_);
      double d = 0;
      const char* b = tok_text_.data() + (tok_text_[0] == '+' ? 1 : 0);
      auto [p, ec] = std::from_chars(b, tok_text_.data() + tok_text_.size(), d);
      if (ec != std::errc() || p != tok_text_.data() + tok_text_.size())
        throw WhereError(pos_, "'" + tok_text_ + "' is not a number");
      pos_ = end;
    } else if (is_name_char(c)) {
      size_t end = pos_;
      while (end < s_.size() && is_name_char(s_[end])) ++end;
      tok_ = Tok::word;
      tok_text_ = s_.substr(pos_, end - pos_);
      pos_ = end;
    } else {
      throw WhereError(pos_, std::string("unexpected character '") + c + "'");
    }
  }

  int add(WhereExpr::Op op, std::string text, size_t offset, int a = -1, int b = -1) {
    e_.nodes_.push_back(WhereExpr::Node{op, std::move(text), offset, a, b});
    return static_cast<int>(e_.nodes_.size()) - 1;
  }

  int parse_or() {
    int left = parse_and();
    while (tok_ == Tok::word && tok_text_ == "or") {
      const size_t at = tok_pos_;
      next();
      left = add(WhereExpr::Op::or_, "or", at, left, parse_and());
    }
    return left;
  }

  int parse_and() {
    int left = parse_not();
    while (tok_ == Tok::word && tok_text_ == "and") {
      const size_t at = tok_pos_;
      next();
      left = add(WhereExpr::Op::and_, "and", at, left, parse_not());
    }
    return left;
  }

  int parse_not() {
    if (tok_ == Tok::word && tok_text_ == "not") {
      const size_t at = tok_pos_;
      next();
      return add(WhereExpr::Op::not_, "not", at, parse_not());
    }
    return parse_compare();
  }

  int parse_compare() {
    const int left = parse_primary();
    if (tok_ != Tok::op) return left;
    using Op = WhereExpr::Op;
    const Op op = tok_text_ == "==" ? Op::eq : tok_text_ == "!=" ? Op::ne : tok_text_ == "<" ? Op::lt
                : tok_text_ == "<=" ? Op::le : tok_text_ == ">" ? Op::gt : Op::ge;
    const std::string text = tok_text_;
    const size_t at = tok_pos_;
    next();
    const int right = parse_primary();
    if (tok_ == Tok::op) throw WhereError(tok_pos_, "comparisons do not chain; join them with and");
    return add(op, text, at, left, right);
  }

  int parse_primary() {
    const size_t at = tok_pos_;
    switch (tok_) {
      case Tok::lparen: {
        next();
        const int inner = parse_or();
        if (tok_ != Tok::rparen) throw WhereError(tok_pos_, "expected ')', got " + shown());
        next();
        return inner;
      }
      case Tok::number: {
        const std::string t = tok_text_;
        next();
        return add(WhereExpr::Op::literal, t, at);
      }
      case Tok::quoted: {
        const std::string t = tok_text_;
        next();
        // Quoted literals are marked by a leading '\'' in the node text.
        return add(WhereExpr::Op::literal, "'" + t, at);
      }
      case Tok::word: {
        const std::string t = tok_text_;
        if (t == "and" || t == "or" || t == "not") throw WhereError(at, "expected a value, got '" + t + "'");
        next();
        if (t == "full" || t == "off" || t == "true" || t == "false") return add(WhereExpr::Op::literal, t, at);
        e_.names_.push_back(WhereExpr::Name{t, at});
        return add(WhereExpr::Op::name, t, at);
      }
      default:
        throw WhereError(at, "expected a value, got " + shown());
    }
  }

  std::string shown() const { return tok_ == Tok::end ? tok_text_ : "'" + tok_text_ + "'"; }

  WhereExpr& e_;
  const std::string& s_;
  size_t pos_ = 0;
  Tok tok_ = Tok::end;
  std::string tok_text_;
  size_t tok_pos_ = 0;
};

WhereExpr WhereExpr::parse(const std::string& text) {
  WhereExpr e;
  e.text_ = text;
  WhereParser(e).run();
  return e;
}

WhereExpr::Val WhereExpr::eval_node(int i, const std::function<std::string(const std::string&)>& lookup) const {
  const Node& n = nodes_[static_cast<size_t>(i)];
  auto as_bool = [&](const Val& v, const Node& at) {
    if (v.kind != Val::Kind::boolean)
      throw WhereError(at.offset, "'" + at.text + "' needs true or false, got " + v.text);
    return v.boolean;
  };
  auto boolean = [](bool b) { return Val{Val::Kind::boolean, 0, b ? "true" : "false", b}; };
  switch (n.op) {
    case Op::literal:
      if (!n.text.empty() && n.text[0] == '\'') return Val::of_text(n.text.substr(1), true);
      return Val::of_text(n.text, false);
    case Op::name:
      return Val::of_text(lookup(n.text), false);
    case Op::not_:
      return boolean(!as_bool(eval_node(n.a, lookup), n));
    case Op::and_:
      return boolean(as_bool(eval_node(n.a, lookup), n) && as_bool(eval_node(n.b, lookup), n));
    case Op::or_:
      return boolean(as_bool(eval_node(n.a, lookup), n) || as_bool(eval_node(n.b, lookup), n));
    default:
      break;
  }
  const Val a = eval_node(n.a, lookup), b = eval_node(n.b, lookup);
  if (n.op == Op::eq || n.op == Op::ne) {
    bool same;
    if (a.kind == Val::Kind::number && b.kind == Val::Kind::number && !a.is_word() && !b.is_word())
      same = a.number == b.number;
    else
      same = a.text == b.text;
    return boolean(n.op == Op::eq ? same : !same);
  }
  if (a.kind != Val::Kind::number || b.kind != Val::Kind::number)
    throw WhereError(n.offset, "cannot order " + a.text + " and " + b.text + " with " + n.text);
  switch (n.op) {
    case Op::lt: return boolean(a.number < b.number);
    case Op::le: return boolean(a.number <= b.number);
    case Op::gt: return boolean(a.number > b.number);
    default: return boolean(a.number >= b.number);
  }
}

bool WhereExpr::eval(const std::function<std::string(const std::string&)>& lookup) const {
  const Val v = eval_node(root_, lookup);
  if (v.kind != Val::Kind::boolean)
    throw WhereError(0, "the expression gives " + v.text + ", not true or false");
  return v.boolean;
}

}  // namespace tbptt
