#pragma once
// What `leakrank plot` draws: one or more analysed recordings turned into a PlotSpec. Each run
// brings its RSS and heap, its peak and its top rising sites; several runs overlay for
// comparison, and the descendants of a run (run --include-children) get one series each,
// as `mprof plot` does for --multiprocess recordings.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/plot_renderer.h"
#include "analyzer/recorded_run.h"

namespace leakrank {

struct PlotOptions {
  std::string title;  // empty: named after the command or the compared files
  size_t top_sites = 5;  // per run
  std::optional<std::pair<double, double>> window;
  bool show_slope = false;
  int width = 1200;
  int height = 720;
};

// Series order: every run's RSS and heap first, then the children, then the sites, so that
// the renderer's n-th RSS and n-th heap belong to the same run.
PlotSpec build_plot(const std::vector<RecordedRun>& runs, const PlotOptions& options = {});

// "t.lrk" -> "t", "leakrank.tokenizer.4242.lrk" -> "tokenizer.4242": the prefix of a run's labels.
std::string short_recording_name(const std::string& path);

// "StringStore::intern(std::string_view) (string_store.cpp:42)"
std::string site_plot_label(const Site& site);

// "X0,X1" in seconds, X0 < X1. Throws std::invalid_argument with a one-line message.
std::pair<double, double> parse_plot_window(const std::string& text);

// "1200x720". Throws std::invalid_argument with a one-line message.
std::pair<int, int> parse_plot_size(const std::string& text);

}  // namespace leakrank
