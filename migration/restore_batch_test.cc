#include "migration/restore_batch.h"

#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

RestoreBatch::File Waiting(RootedDirectory& directory, const std::string& relative, uint64_t index,
                           const std::string& content) {
  Result<std::unique_ptr<PendingFile>> file = directory.CreateFile(relative);
  REQUIRE(file.ok());
  REQUIRE((*file)->Append(content).ok());
  REQUIRE((*file)->Seal({}).ok());
  return {std::move(file).value(), index, relative, content.size(), relative, "/home/" + relative};
}

TEST_SUITE("RestoreBatch") {
  TEST_CASE("a batch is full at its number of files or of bytes") {
    testing::TempDirectory temp;
    auto directory = OpenRootedDirectory(temp.path());
    REQUIRE(directory.ok());
    RestoreBatch by_files(2, 1000);
    CHECK_FALSE(by_files.Add(Waiting(**directory, "a", 0, "1")));
    CHECK(by_files.Add(Waiting(**directory, "b", 1, "2")));
    CHECK(by_files.HasName("a"));
    CHECK(by_files.HasEntry(1));
    CHECK_FALSE(by_files.HasEntry(2));
    RestoreBatch by_bytes(100, 5);
    CHECK_FALSE(by_bytes.Add(Waiting(**directory, "c", 2, "1234")));
    CHECK(by_bytes.Add(Waiting(**directory, "d", 3, "5")));
  }

  TEST_CASE("a flush names every file in order, and a cleared batch leaves nothing behind") {
    testing::TempDirectory temp;
    auto directory = OpenRootedDirectory(temp.path());
    REQUIRE(directory.ok());
    RestoreBatch batch;
    batch.Add(Waiting(**directory, "b", 0, "B"));
    batch.Add(Waiting(**directory, "a", 1, "A"));
    std::vector<std::string> named;
    const Status flushed = batch.Flush(
        **directory, [&](const RestoreBatch::File& file) { named.push_back(file.machine_path); },
        [](const RestoreBatch::File&, const Status&) { return false; });
    REQUIRE(flushed.ok());
    CHECK(named == std::vector<std::string>{"/home/b", "/home/a"});
    CHECK(batch.empty());
    CHECK_FALSE(batch.HasName("a"));
    batch.Add(Waiting(**directory, "c", 2, "C"));
    batch.Clear();
    CHECK(*(*directory)->List("") == std::vector<std::string>{"a", "b"});
  }
}

}  // namespace
}  // namespace tseq
