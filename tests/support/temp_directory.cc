#include "tests/support/temp_directory.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace tseq::testing {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "test set-up failed: %s\n", message.c_str());
  std::abort();
}

}  // namespace

TempDirectory::TempDirectory() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                        "/tseq-test-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) Die("mkdtemp " + pattern);
  path_ = buffer.data();
}

TempDirectory::~TempDirectory() {
  std::error_code error;
  // Tests may leave read-only directories behind; make them writable so removal succeeds.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_directory(error) && !it->is_symlink(error)) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, error);
    }
  }
  std::filesystem::remove_all(path_, error);
}

std::string TempDirectory::Join(std::string_view relative) const {
  return path_ + "/" + std::string(relative);
}

std::string TempDirectory::WriteFile(std::string_view relative, std::string_view contents) const {
  const std::string full = Join(relative);
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(full).parent_path(), error);
  if (error) Die("create_directories for " + full + ": " + error.message());
  std::ofstream out(full, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out) Die("write " + full);
  return full;
}

std::string TempDirectory::MakeDirectory(std::string_view relative) const {
  const std::string full = Join(relative);
  std::error_code error;
  std::filesystem::create_directories(full, error);
  if (error) Die("create_directories " + full + ": " + error.message());
  return full;
}

std::string ReadFileForTest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("open " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace tseq::testing
