// "Did you mean": the closest valid name to a misspelt one, by edit distance (optimal string
// alignment: insertions, deletions, substitutions and adjacent transpositions cost 1).
#pragma once

#include <string>
#include <vector>

namespace tbptt {

int edit_distance(const std::string& a, const std::string& b);
// The candidate nearest to `word` if it is close enough (distance <= max(1, |word| / 3), and
// less than |word|); empty otherwise. Ties go to the earlier candidate.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);
// "a, b, c"
std::string join_names(const std::vector<std::string>& names);

}  // namespace tbptt
