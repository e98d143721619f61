#pragma once
// Words of the commands leakrank suggests (`next:` lines): a path as a shell reads it back
// when the line is pasted, quoted only when it needs to be.
#include <string>
#include <string_view>

namespace leakrank {

// A path, also kept from reading as an option of the verb it follows.
std::string shell_word(std::string_view word);
// Any word, as the shell reads it back: quoted only when it needs to be.
std::string shell_quoted(std::string_view word);

}  // namespace leakrank
