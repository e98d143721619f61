#pragma once
// Options that every verb reading recordings shares, declared once.
#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "analyzer/analysis.h"

namespace leakrank::cli {

inline CLI::Option* add_group_by_option(CLI::App& verb, GroupBy& group_by) {
  return verb.add_option("--group-by", group_by, "Site identity: function, line (default), or stack")
      ->transform(CLI::CheckedTransformer(std::map<std::string, GroupBy>{
          {"function", GroupBy::function}, {"line", GroupBy::line}, {"stack", GroupBy::stack}}));
}

}  // namespace leakrank::cli
