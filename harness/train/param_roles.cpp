#include "harness/train/param_roles.hpp"

#include <string_view>

namespace tbptt {

double GradScale::of(ParamRole role) const {
  switch (role) {
    case ParamRole::input: return input;
    case ParamRole::embedding: return embedding;
    case ParamRole::recurrent: return recurrent;
    case ParamRole::bias: return bias;
    case ParamRole::head: return 1;
  }
  return 1;
}

std::vector<ParamRole> param_roles(const ParamLayout& layout, bool token_input) {
  auto ends_with = [](std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
  };
  std::vector<ParamRole> roles;
  for (const ParamSpec& s : layout.specs()) {
    const std::string_view name = s.name;
    if (name.substr(0, 4) == "out.")
      roles.push_back(ParamRole::head);
    else if (ends_with(name, ".Wx"))
      roles.push_back(token_input && name.substr(0, 3) == "l0." ? ParamRole::embedding : ParamRole::input);
    else if (ends_with(name, ".Wh"))
      roles.push_back(ParamRole::recurrent);
    else
      roles.push_back(ParamRole::bias);
  }
  return roles;
}

}  // namespace tbptt
