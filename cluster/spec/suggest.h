#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgdecl::spec {

// Edit distance where swapping two neighbouring letters costs one edit, not
// two: "replicsa" is one typo away from "replicas", as a user sees it.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate the user most likely meant by `word`, or "" when none is
// close enough to be worth suggesting. Case is ignored; ties go to the
// earliest candidate, so callers list the likelier names first.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace pgdecl::spec
