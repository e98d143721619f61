#pragma once
// Options that take one of a few names (--format text|json). Help and errors list the names,
// and only a name is accepted: not the number of the enum behind it, as CLI11's
// CheckedTransformer would.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leakrank::cli {

template <typename T>
using Choices = std::vector<std::pair<std::string, T>>;

// "text|json"
template <typename T>
std::string choice_names(const Choices<T>& choices) {
  std::string names;
  for (const auto& [name, value] : choices) names += (names.empty() ? "" : "|") + name;
  return names;
}

template <typename T>
const T* find_choice(const Choices<T>& choices, std::string_view name) {
  for (const auto& [choice, value] : choices)
    if (choice == name) return &value;
  return nullptr;
}

// target keeps its value unless the option is given; description says which is the default.
template <typename T>
CLI::Option* add_choice_option(CLI::App& verb, const std::string& name, T& target, Choices<T> choices,
                               const std::string& description) {
  auto shared = std::make_shared<const Choices<T>>(std::move(choices));
  const std::string names = choice_names(*shared);
  auto is_choice = [shared, names](std::string& value) {
    return find_choice(*shared, value) ? std::string() : fmt::format("'{}' is not one of {}", value, names);
  };
  auto assign = [shared, &target](const std::string& value) { target = *find_choice(*shared, value); };
  return verb.add_option_function<std::string>(name, assign, description)
      ->type_name(names)
      ->check(CLI::Validator(is_choice, ""));
}

}  // namespace leakrank::cli
