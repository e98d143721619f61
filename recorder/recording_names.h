#pragma once
// The names recordings get when -o does not give one: safe to paste into a shell, and never
// the name of a recording that is already there (a second attach to one pid keeps the first).
#include <cstdint>
#include <string>
#include <string_view>

namespace leakrank {

// The first run of characters a shell and a file name take as they are, from the first one
// that is not a dot: retitled processes become "redis-server" ("redis-server *:6379"),
// "nginx" ("nginx: master process"), "sd-pam" ("(sd-pam)"); no name is hidden or "..".
std::string file_safe_program_name(std::string_view program);

// -o itself, <stem>.<pid>.lrk for descendants of -o <stem>.lrk, and without -o
// leakrank.<prog>.<pid>.lrk, or leakrank.<prog>.<pid>.<n>.lrk for the first n from 2 that
// no file has.
std::string recording_path_for(const std::string& output, std::string_view program, int32_t pid, bool descendant);

// Throws std::runtime_error (one line) unless recordings can be created where output goes:
// checked before a target is started or touched, not when its first block is written.
void check_recording_folder(const std::string& output);

}  // namespace leakrank
