#include "scoring/profile_facts.h"

#include <algorithm>

namespace qunying::scoring {

ProfileFacts::ProfileFacts(std::initializer_list<value_type> facts) {
  for (const value_type& f : facts) emplace(f.first, f.second);
}

ProfileFacts::iterator ProfileFacts::LowerBound(std::string_view field) {
  return std::lower_bound(
      items_.begin(), items_.end(), field,
      [](const value_type& f, std::string_view v) { return f.first < v; });
}

ProfileFacts::iterator ProfileFacts::find(std::string_view field) {
  auto it = LowerBound(field);
  return it != items_.end() && it->first == field ? it : items_.end();
}

ProfileFacts::const_iterator ProfileFacts::find(std::string_view field) const {
  return const_cast<ProfileFacts*>(this)->find(field);
}

std::string& ProfileFacts::operator[](std::string_view field) {
  return emplace(field, {}).first->second;
}

std::pair<ProfileFacts::iterator, bool> ProfileFacts::emplace(
    std::string_view field, std::string_view value) {
  auto it = LowerBound(field);
  if (it != items_.end() && it->first == field) return {it, false};
  return {items_.emplace(it, std::string(field), std::string(value)), true};
}

}  // namespace qunying::scoring
