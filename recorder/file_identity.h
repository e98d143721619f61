#pragma once
// Whether two paths name one file (device and inode): how the recorder tells that a
// process in another mount namespace sees the very file it sees, under the same path.
#include <string>

namespace leakrank {

bool same_file(const std::string& a, const std::string& b);  // false when either cannot be stat'ed

}  // namespace leakrank
