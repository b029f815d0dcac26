// Replays saved inputs through a fuzz target without libFuzzer, so every build (gcc included)
// runs the corpus and every crash ever found as a regression test.
//
//   usage: TARGET_replay DIRECTORY_OR_FILE...
//
// Each directory's regular files are replayed in name order (names starting with '.' are skipped,
// so a .gitkeep can hold an empty folder in git). A missing path is an error: a mistyped corpus
// folder must not pass silently. An input that breaks the target aborts, like under libFuzzer;
// the driver prints its path first so the failure names it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// With stdio: GCC 12 at -O3 reports a null dereference inside libstdc++'s streambuf for the
// istreambuf_iterator idiom (-Wnull-dereference, an error here).
bool ReadWholeFile(const std::filesystem::path& path, std::string& contents) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  contents.clear();
  char buffer[65536];
  size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0) contents.append(buffer, count);
  const bool read_all = std::ferror(file) == 0;
  std::fclose(file);
  return read_all;
}

// The inputs under `argument`, sorted; false when it does not exist or cannot be listed.
bool CollectInputs(const std::filesystem::path& argument,
                   std::vector<std::filesystem::path>& inputs) {
  std::error_code error;
  if (std::filesystem::is_regular_file(argument, error)) {
    inputs.push_back(argument);
    return true;
  }
  if (!std::filesystem::is_directory(argument, error)) return false;
  std::vector<std::filesystem::path> found;
  for (std::filesystem::directory_iterator it(argument, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    if (it->is_regular_file(error)) found.push_back(it->path());
  }
  if (error) return false;
  std::sort(found.begin(), found.end());
  inputs.insert(inputs.end(), found.begin(), found.end());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIRECTORY_OR_FILE...\n", argv[0]);
    return 2;
  }
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  int replayed = 0;
  for (const std::string& argument : arguments) {
    std::vector<std::filesystem::path> inputs;
    if (!CollectInputs(argument, inputs)) {
      std::fprintf(stderr, "replay: cannot read '%s'\n", argument.c_str());
      return 1;
    }
    for (const std::filesystem::path& input : inputs) {
      std::string contents;
      if (!ReadWholeFile(input, contents)) {
        std::fprintf(stderr, "replay: cannot read '%s'\n", input.c_str());
        return 1;
      }
      std::fprintf(stderr, "replay: %s\n", input.c_str());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(contents.data()), contents.size());
      ++replayed;
    }
  }
  std::printf("replayed %d inputs\n", replayed);
  return 0;
}
