#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "cli/choice_option.h"

namespace leakrank::cli {
namespace {

constexpr size_t kDefaultColumns = 80;

bool is_set(const char* variable) {
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0';
}

// COLUMNS as a positive number, 0 when unset or not one.
size_t columns_from_environment() {
  const char* value = std::getenv("COLUMNS");
  if (value == nullptr) return 0;
  std::string_view text(value);
  size_t columns = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), columns);
  return error == std::errc{} && end == text.data() + text.size() ? columns : 0;
}

}  // namespace

CLI::Option* add_color_option(CLI::App& verb, ColorChoice& choice) {
  return add_choice_option(
      verb, "--color", choice,
      Choices<ColorChoice>{{"auto", ColorChoice::automatic}, {"always", ColorChoice::always}, {"never", ColorChoice::never}},
      "auto (default): on a terminal unless NO_COLOR is set or TERM=dumb; always; never");
}

bool wants_color(ColorChoice choice, int fd) {
  if (choice != ColorChoice::automatic) return choice == ColorChoice::always;
  const char* term = std::getenv("TERM");
  bool dumb = term != nullptr && std::string_view(term) == "dumb";
  return isatty(fd) && !is_set("NO_COLOR") && !dumb;
}

size_t output_columns(int fd) {
  if (size_t columns = columns_from_environment()) return columns;
  winsize size{};
  if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return kDefaultColumns;
}

}  // namespace leakrank::cli
