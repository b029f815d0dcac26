// TempDirectory: a fresh directory under $TMPDIR (or /tmp) for one test, removed with everything
// in it when the object goes out of scope. Tests build machine roots inside it.
#pragma once

#include <string>
#include <string_view>

namespace tseq::testing {

class TempDirectory {
 public:
  TempDirectory();
  ~TempDirectory();
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + relative.
  std::string Join(std::string_view relative) const;
  // Writes a file (creating parent directories) and returns its full path. Aborts the test
  // process with a message on failure: set-up errors are not what tests assert.
  std::string WriteFile(std::string_view relative, std::string_view contents) const;
  std::string MakeDirectory(std::string_view relative) const;

 private:
  std::string path_;
};

// The whole content of a file, or aborts with a message.
std::string ReadFileForTest(const std::string& path);

}  // namespace tseq::testing
