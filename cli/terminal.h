#pragma once
// What the terminal a verb writes to allows: its width, and whether colour is wanted.
#include <CLI/CLI.hpp>
#include <cstddef>

namespace leakrank::cli {

enum class ColorChoice { automatic, always, never };

// --color=auto|always|never, on every verb that colours its text.
CLI::Option* add_color_option(CLI::App& verb, ColorChoice& choice);

// always and never as asked; auto: only on a terminal, and not when NO_COLOR is set
// (https://no-color.org) or TERM is dumb.
bool wants_color(ColorChoice choice, int fd);

// Columns text written to fd may take: COLUMNS when set, as git and ls honour it; else the
// terminal's width (TIOCGWINSZ); else 80.
size_t output_columns(int fd);

}  // namespace leakrank::cli
