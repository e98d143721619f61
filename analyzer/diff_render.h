#pragma once
// `leakrank diff` output: a text table for terminals, JSON for scripts, and markdown for a
// CI job summary. Each names the sites that failed the --fail-on-growth gate.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "analyzer/recording_diff.h"

namespace leakrank {

enum class DiffFormat { text, json, markdown };

struct DiffRenderOptions {
  size_t top = 20;                                // sites shown (0: all); JSON always has all
  std::optional<uint64_t> fail_on_growth_bytes;  // the gate, when one was asked for
  size_t columns = 80;                            // the text's width, as the report's
  std::string working_dir;                        // the text's paths are relative to it
};

// "function file:line", as the tables show a site.
std::string site_label(const SiteDiff& site);

std::string render_diff_text(const RecordingDiff& diff, const DiffRenderOptions& options = {});
std::string render_diff_json(const RecordingDiff& diff, const DiffRenderOptions& options = {});
std::string render_diff_markdown(const RecordingDiff& diff, const DiffRenderOptions& options = {});
std::string render_diff(const RecordingDiff& diff, DiffFormat format, const DiffRenderOptions& options = {});

}  // namespace leakrank
