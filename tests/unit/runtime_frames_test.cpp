#include <doctest/doctest.h>

#include <string>

#include "analyzer/symbolizer.h"

namespace leakrank {
namespace {

Frame python_frame(std::string file) { return Frame{.function = "f", .file = std::move(file), .line = 1, .python = true}; }
Frame native_frame(std::string module) { return Frame{.function = "f", .module = std::move(module)}; }

TEST_CASE("the Python standard library's frames are the runtime's, wherever the interpreter lives") {
  CHECK(is_runtime_frame(python_frame("/usr/lib/python3.11/json/decoder.py")));
  CHECK(is_runtime_frame(python_frame("/usr/local/lib/python3.12/socketserver.py")));
  CHECK(is_runtime_frame(python_frame("/root/.pyenv/versions/3.11.7/lib/python3.11/threading.py")));
  CHECK(is_runtime_frame(python_frame("<frozen importlib._bootstrap>")));
  CHECK(is_runtime_frame(native_frame("/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so")));
}

TEST_CASE("third-party packages and the program's own code are not") {
  CHECK_FALSE(is_runtime_frame(python_frame("/srv/app/service.py")));
  CHECK_FALSE(is_runtime_frame(python_frame("/usr/lib/python3/dist-packages/requests/models.py")));
  CHECK_FALSE(is_runtime_frame(python_frame("/opt/venv/lib/python3.11/site-packages/numpy/core/numeric.py")));
  CHECK_FALSE(is_runtime_frame(python_frame("/usr/local/lib/python3.11/dist-packages/yaml/parser.py")));
  CHECK_FALSE(is_runtime_frame(python_frame("/srv/lib/python3.11x/tool.py")));  // not a version folder
  CHECK_FALSE(is_runtime_frame(
      native_frame("/opt/venv/lib/python3.11/site-packages/tokenizers/tokenizers.cpython-311-x86_64-linux-gnu.so")));
}

}  // namespace
}  // namespace leakrank
