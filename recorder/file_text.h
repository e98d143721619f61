#pragma once
// Whole small files, /proc's above all, read without surprises: a process can exit between
// finding it and reading its files, and then read() fails with ESRCH, which std::ifstream's
// buffer turns into an exception. Here that is an empty answer.
#include <string>

namespace leakrank {

std::string read_file_text(const std::string& path);  // empty when it cannot be read

}  // namespace leakrank
