#pragma once
// Whether a command can be started, asked before anything is created for it: run then says
// "cannot run X: No such file or directory" and leaves no recording behind.
#include <string>

namespace leakrank::cli {

// 0 when execvp would find program and may execute it; else the errno it would fail with:
// ENOENT when no file of that name is found (in PATH when the name has no '/'), EACCES when
// one is found but none can be executed.
int command_error(const std::string& program);

// The exit code a shell gives such a failure: 127 for a command not found, 126 otherwise.
int exit_code_for_command_error(int error);

}  // namespace leakrank::cli
