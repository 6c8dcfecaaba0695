#include "providers/postgres/config/setting_value.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace pgdecl::pg {
namespace {

enum class Dimension { kNone, kMemory, kTime };

struct UnitScale {
  Dimension dimension;
  double factor;  // bytes or microseconds
};

std::optional<UnitScale> scale_of(const std::string& unit) {
  if (unit.empty()) return UnitScale{Dimension::kNone, 1};
  static const std::pair<const char*, UnitScale> kUnits[] = {{"B", {Dimension::kMemory, 1}},
                                                             {"kB", {Dimension::kMemory, 1024.0}},
                                                             {"MB", {Dimension::kMemory, 1048576.0}},
                                                             {"GB", {Dimension::kMemory, 1073741824.0}},
                                                             {"TB", {Dimension::kMemory, 1099511627776.0}},
                                                             {"us", {Dimension::kTime, 1}},
                                                             {"ms", {Dimension::kTime, 1e3}},
                                                             {"s", {Dimension::kTime, 1e6}},
                                                             {"min", {Dimension::kTime, 6e7}},
                                                             {"h", {Dimension::kTime, 3.6e9}},
                                                             {"d", {Dimension::kTime, 8.64e10}}};
  // pg_settings writes a multiple in front of some units: "8kB", "16MB".
  std::size_t digits = 0;
  while (digits < unit.size() && std::isdigit(static_cast<unsigned char>(unit[digits]))) ++digits;
  double multiple = digits ? std::atof(unit.substr(0, digits).c_str()) : 1;
  for (const auto& [name, scale] : kUnits) {
    if (unit.substr(digits) == name) return UnitScale{scale.dimension, scale.factor * multiple};
  }
  return std::nullopt;
}

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  auto end = text.find_last_not_of(" \t");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::optional<std::string> canonical_bool(const std::string& value) {
  std::string v = lower(trim(value));
  for (const char* yes : {"on", "true", "yes", "1", "t", "y"}) {
    if (v == yes) return std::string("on");
  }
  for (const char* no : {"off", "false", "no", "0", "f", "n"}) {
    if (v == no) return std::string("off");
  }
  return std::nullopt;
}

std::optional<std::string> canonical_number(const std::string& value, bool integer, const std::string& unit) {
  auto base = scale_of(unit);
  if (!base) return std::nullopt;
  std::string text = trim(value);
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return std::nullopt;
  std::string suffix = trim(end);
  double scaled = number * base->factor;
  if (!suffix.empty()) {
    auto given = scale_of(suffix);
    if (!given || given->dimension != base->dimension || base->dimension == Dimension::kNone)
      return std::nullopt;
    // The server keeps whole multiples of the parameter's unit.
    double in_units = number * given->factor / base->factor;
    scaled = (integer ? std::round(in_units) : in_units) * base->factor;
  }
  char out[64];
  std::snprintf(out, sizeof out, integer ? "%.0f" : "%.10g", scaled);
  return std::string(out);
}

}  // namespace

std::optional<std::string> canonical_setting(const std::string& value, const std::string& vartype,
                                             const std::string& unit) {
  if (vartype == "bool") return canonical_bool(value);
  if (vartype == "integer") return canonical_number(value, true, unit);
  if (vartype == "real") return canonical_number(value, false, unit);
  if (vartype == "enum") return lower(trim(value));
  return value;
}

std::optional<std::string> setting_value_problem(const std::string& value,
                                                 const SettingDefinition& definition) {
  auto canonical = canonical_setting(value, definition.vartype, definition.unit);
  const std::string unit = definition.unit.empty() ? "" : " (unit " + definition.unit + ")";
  if (!canonical) return "'" + value + "' is not a valid " + definition.vartype + unit;
  if (definition.vartype == "enum") {
    std::string choices;
    for (const auto& choice : definition.enum_values) {
      if (lower(choice) == *canonical) return std::nullopt;
      choices += (choices.empty() ? "" : ", ") + choice;
    }
    return "'" + value + "' is not one of " + choices;
  }
  if (definition.vartype != "integer" && definition.vartype != "real") return std::nullopt;
  double number = std::strtod(canonical->c_str(), nullptr);
  auto bound = [&](const std::string& text) {
    return std::strtod(canonical_setting(text, definition.vartype, definition.unit).value_or("0").c_str(),
                       nullptr);
  };
  if ((!definition.min_val.empty() && number < bound(definition.min_val)) ||
      (!definition.max_val.empty() && number > bound(definition.max_val))) {
    return "'" + value + "' is outside " + definition.min_val + " .. " + definition.max_val + unit;
  }
  return std::nullopt;
}

}  // namespace pgdecl::pg
