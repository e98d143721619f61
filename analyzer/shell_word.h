#pragma once
// Words of the commands leakrank suggests (`next:` lines): a path as a shell reads it back
// when the line is pasted, quoted only when it needs to be.
#include <string>
#include <string_view>

namespace leakrank {

std::string shell_word(std::string_view word);

}  // namespace leakrank
