// What the filesystem contract tests (filesystem_contract*_test.cc) share: the filesystem under
// test, a folder in it, and writing a file there. Each test runs its checks on the POSIX
// filesystem in a temporary folder and on a MemoryFilesystem.
#pragma once

#include <string>
#include <string_view>

#include <doctest/doctest.h>
#include <sys/types.h>

#include "platform/filesystem.h"

namespace tseq::filesystem_contract {

// A filesystem under test and a directory in it that tests may fill.
struct Subject {
  Filesystem& filesystem;
  std::string base;
  // The real filesystem may lack the immutable attribute (tmpfs, overlay) or the privilege to set
  // it.
  bool immutable_may_fail = false;

  std::string Path(const std::string& relative) const { return base + "/" + relative; }
};

inline void Write(const Subject& subject, const std::string& relative, std::string_view contents,
                  mode_t mode = 0644) {
  REQUIRE(subject.filesystem.WriteFileAtomically(subject.Path(relative), contents, mode).ok());
}

}  // namespace tseq::filesystem_contract
