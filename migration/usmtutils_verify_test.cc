// usmtutils /verify, the key options and the command line as a whole, through RunUsmtUtils.
#include <doctest/doctest.h>

#include "archive/directory_store.h"
#include "migration/migration_test_support.h"
#include "platform/fault_injecting_filesystem.h"

namespace tseq {
namespace {

using migration_testing::Directory;
using migration_testing::File;
using migration_testing::Fixture;
using migration_testing::kTestKey;
using migration_testing::RunResult;

const std::vector<migration_testing::StoreItem>& SampleItems() {
  static const std::vector<migration_testing::StoreItem> items = {
      Directory("docs"),
      File("docs/a.txt", "alpha"),
      File("docs/big.bin", archive::testing::SampleContent(3 * archive::kMinimumBlockSize, 5)),
      File("docs/z.txt", "zulu"),
  };
  return items;
}

std::string KeyFile(Fixture& fixture, const std::string& content) {
  return fixture.temp.WriteFile("key.txt", content);
}

void Rewrite(const std::string& path, const std::string& bytes) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size());
  std::fclose(file);
}

TEST_SUITE("usmtutils /verify") {
  TEST_CASE("a good store verifies with exit 0, from its folder or its USMT.MIG") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", SampleItems());
    for (const std::string& argument : {store, store + "/", store + "/USMT/USMT.MIG"}) {
      CAPTURE(argument);
      const RunResult result = fixture.Run({"/verify", argument, "/decrypt", "/key", kTestKey});
      CHECK(result.code == 0);
      CHECK(result.error == "");
      CHECK(result.out == "Store:              " + store +
                              "/USMT/USMT.MIG\n"
                              "Catalog:            OK\n"
                              "Intact entries:     4\n"
                              "Corrupted entries:  0\n");
    }
  }

  TEST_CASE("the report types list entries by the name /extract gives them") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", SampleItems());
    const std::string key_file = KeyFile(fixture, std::string(kTestKey) + "\n");
    const auto run = [&](const std::string& command) {
      return fixture.Run({command, store, "/decrypt:AES_256", "/keyfile:" + key_file});
    };
    RunResult result = run("/verify:all");
    CHECK(result.code == 0);
    CHECK(result.out ==
          "home/alice/docs\tOK\nhome/alice/docs/a.txt\tOK\nhome/alice/docs/big.bin\tOK\n"
          "home/alice/docs/z.txt\tOK\nCATALOG\tOK\n");
    result = run("/verify:failureonly");
    CHECK(result.code == 0);
    CHECK(result.out == "");
    result = run("--verify=catalog");
    CHECK(result.code == 0);
    CHECK(result.out == "CATALOG\tOK\n");
  }

  TEST_CASE("a corrupted block marks the files in it and exits 42, naming block and offset") {
    Fixture fixture;
    archive::StoreWriterOptions options = archive::testing::FastOptions();
    options.compression = archive::Compression::kNone;
    const std::string store = fixture.WriteStore("store", SampleItems(), kTestKey, options);
    const std::string path = store + "/USMT/USMT.MIG";
    std::string bytes = tseq::testing::ReadFileForTest(path);
    // Inside the second data block (uncompressed, so at a known offset): only big.bin is there.
    const size_t offset = archive::kHeaderSize + archive::kMinimumBlockSize + 200;
    REQUIRE(offset < bytes.size());
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x01);
    Rewrite(path, bytes);
    RunResult result =
        fixture.Run({"/verify:all", store, "/decrypt", "/key:" + std::string(kTestKey)});
    CHECK(result.code == 42);
    CHECK(result.out ==
          "home/alice/docs\tOK\nhome/alice/docs/a.txt\tOK\nhome/alice/docs/big.bin\tCORRUPTED\n"
          "home/alice/docs/z.txt\tOK\nCATALOG\tOK\n");
    CHECK(result.error.starts_with("usmtutils: " + path + ": block 1 at offset "));
    CHECK(result.error.ends_with("failed authentication: the data is corrupted\n"));
    result =
        fixture.Run({"/verify:failureonly", store, "/decrypt", "/key:" + std::string(kTestKey)});
    CHECK(result.code == 42);
    CHECK(result.out == "home/alice/docs/big.bin\tCORRUPTED\n");
    result = fixture.Run({"/verify", store, "/decrypt", "/key:" + std::string(kTestKey)});
    CHECK(result.out.ends_with("Intact entries:     3\nCorrupted entries:  1\n"));
  }

  TEST_CASE("a damaged catalog is reported as CATALOG CORRUPTED") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", SampleItems());
    const std::string path = store + "/USMT/USMT.MIG";
    const std::string bytes = tseq::testing::ReadFileForTest(path);
    Rewrite(path, bytes.substr(0, bytes.size() - 1));
    RunResult result =
        fixture.Run({"/verify:failureonly", store, "/decrypt", "/key:" + std::string(kTestKey)});
    CHECK(result.code == 42);
    CHECK(result.out == "CATALOG\tCORRUPTED\n");
    CHECK(result.error.starts_with("usmtutils: " + path +
                                   ": the store is truncated or its end is damaged"));
    result = fixture.Run({"/verify", store, "/decrypt", "/key:" + std::string(kTestKey)});
    CHECK(result.out == "Store:              " + path + "\nCatalog:            CORRUPTED\n");
  }

  TEST_CASE("acceptance: 0 when good, 37 for a wrong key, 42 for any flipped byte or truncation") {
    Fixture fixture;
    const std::string store = fixture.WriteStore(
        "store",
        {Directory("docs"), File("docs/a.txt", "alpha"), File("docs/b.txt", "bravo bravo bravo")});
    const std::string path = store + "/USMT/USMT.MIG";
    const std::string good = tseq::testing::ReadFileForTest(path);
    const std::vector<std::string> arguments = {"/verify", store, "/decrypt",
                                                "/key:" + std::string(kTestKey)};
    CHECK(fixture.Run(arguments).code == 0);
    CHECK(fixture.Run({"/verify", store, "/decrypt", "/key:wrong"}).code == 37);
    for (size_t offset = 0; offset < good.size(); ++offset) {
      std::string flipped = good;
      flipped[offset] = static_cast<char>(flipped[offset] ^ 0x80);
      Rewrite(path, flipped);
      const RunResult result = fixture.Run(arguments);
      CAPTURE(offset);
      CAPTURE(result.error);
      REQUIRE(result.code == 42);
    }
    for (size_t size = 0; size < good.size(); ++size) {
      Rewrite(path, good.substr(0, size));
      const RunResult result = fixture.Run(arguments);
      CAPTURE(size);
      CAPTURE(result.error);
      REQUIRE(result.code == 42);
    }
  }

  TEST_CASE("a missing, incomplete or newer store exits 27 with the archive's message") {
    Fixture fixture;
    const std::string missing = fixture.temp.Join("nothing");
    RunResult result = fixture.Run({"/verify", missing});
    CHECK(result.code == 27);
    CHECK(result.out == "");
    CHECK(result.error == "usmtutils: no store at '" + missing + "' (" + missing +
                              "/USMT/USMT.MIG does not exist)\n");
    fixture.temp.WriteFile("partial/USMT/USMT.MIG.partial", "half");
    result = fixture.Run({"/verify", fixture.temp.Join("partial")});
    CHECK(result.code == 27);
    CHECK(result.error.find("is incomplete: its capture did not finish") != std::string::npos);
    const std::string newer = fixture.temp.Join("newer.mig");
    Rewrite(newer, tseq::testing::ReadFileForTest(std::string(TSEQ_SOURCE_DIR) +
                                                  "/archive/testdata/bad-newer-version.mig"));
    result = fixture.Run({"/verify", newer, "/decrypt", "/key:" + std::string(kTestKey)});
    CHECK(result.code == 27);
    CHECK(result.error.find("written by a newer tseq") != std::string::npos);
  }

  TEST_CASE("an I/O error reading the store exits 38") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", SampleItems(), "");
    FaultInjectingFilesystem faulty(*fixture.filesystem);
    faulty.FailAlways(FilesystemOperation::kReadAt, IoError("cannot read: Input/output error"));
    const RunResult result = fixture.RunOn(faulty, {"/verify", store});
    CHECK(result.code == 38);
    CHECK(result.out == "");
    CHECK(result.error == "usmtutils: cannot read: Input/output error\n");
  }

  TEST_CASE("an encrypted store without /decrypt exits 37 and says what to give") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", SampleItems());
    const RunResult result = fixture.Run({"/verify", store});
    CHECK(result.code == 37);
    CHECK(result.error == "usmtutils: " + store +
                              "/USMT/USMT.MIG: the store is encrypted and no key was given (give "
                              "/decrypt with /key or /keyfile)\n");
  }

  TEST_CASE("an unencrypted store verifies without a key, and with one") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", SampleItems(), "");
    CHECK(fixture.Run({"/verify", store}).code == 0);
    CHECK(fixture.Run({"/verify", store, "/decrypt", "/key:anything"}).code == 0);
  }

  TEST_CASE("key files: one trailing newline is dropped; unreadable or empty exits 33") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", SampleItems());
    const auto verify_with = [&](const std::string& content) {
      return fixture.Run({"/verify", store, "/decrypt", "/keyfile:" + KeyFile(fixture, content)});
    };
    CHECK(verify_with(kTestKey).code == 0);
    CHECK(verify_with(std::string(kTestKey) + "\r\n").code == 0);
    CHECK(verify_with(std::string(kTestKey) + "\n\n").code == 37);
    RunResult result = verify_with("\n");
    CHECK(result.code == 33);
    CHECK(result.error ==
          "usmtutils: the key file '" + fixture.temp.Join("key.txt") + "' is empty\n");
    const std::string missing = fixture.temp.Join("no-key.txt");
    result = fixture.Run({"/verify", store, "/decrypt", "/keyfile:" + missing});
    CHECK(result.code == 33);
    CHECK(result.error == "usmtutils: cannot read the key file: cannot read '" + missing +
                              "': No such file or directory\n");
  }

  TEST_CASE("the key never appears in the output, the errors or the log") {
    Fixture fixture;
    const std::string secret = "s3cret-Key-Text";
    const std::string store = fixture.WriteStore("store", SampleItems(), secret);
    const std::string log = fixture.temp.Join("verify.log");
    const std::vector<std::vector<std::string>> runs = {
        {"/verify:all", store, "/decrypt", "/key:" + secret, "/l:" + log, "/v:13"},
        {"/verify", store, "/decrypt", "/key", secret + "x", "/l", log, "/v:13"},
        {"/verify", store, "--decrypt", "--key=" + secret, "--log=" + log, "/keyy:" + secret},
        {"/verify", store, "/decrypt", "/key:" + secret + std::string(300, 'x')},
        {"--extract", store, fixture.temp.Join("out"), "/decrypt", "/key:" + secret, "/l:" + log,
         "/v:13"},
    };
    for (const std::vector<std::string>& arguments : runs) {
      (void)fixture.filesystem->Remove(log);
      const RunResult result = fixture.Run(arguments);
      CAPTURE(result.code);
      CHECK(result.out.find(secret) == std::string::npos);
      CHECK(result.error.find(secret) == std::string::npos);
      if (fixture.Exists(log)) {
        const std::string logged = tseq::testing::ReadFileForTest(log);
        CHECK(logged.find(secret) == std::string::npos);
        CHECK(logged.find("*****") != std::string::npos);
      }
    }
  }

  TEST_CASE("a directory store verifies its catalog and every content file") {
    Fixture fixture;
    fixture.temp.WriteFile("home/alice/docs/a.txt", "alpha");
    fixture.temp.WriteFile("home/alice/docs/b.txt", "bravo");
    const std::string store = fixture.temp.Join("dirstore");
    auto writer = archive::DirectoryStoreWriter::Create(*fixture.filesystem, store,
                                                        archive::DirectoryStoreKind::kCopy, {});
    REQUIRE(writer.ok());
    REQUIRE((*writer)->AddRoot({.name = "PC\\alice", .directory = "home/alice"}).ok());
    REQUIRE((*writer)->AddEntry(archive::testing::DirectoryEntry("docs")).ok());
    for (const char* name : {"docs/a.txt", "docs/b.txt"}) {
      REQUIRE((*writer)
                  ->AddFile(archive::testing::FileEntry(name),
                            fixture.temp.Join(std::string("home/alice/") + name))
                  .ok());
    }
    REQUIRE((*writer)->Finish().ok());
    RunResult result = fixture.Run({"/verify:all", store});
    CHECK(result.code == 0);
    CHECK(
        result.out ==
        "home/alice/docs\tOK\nhome/alice/docs/a.txt\tOK\nhome/alice/docs/b.txt\tOK\nCATALOG\tOK\n");
    CHECK(fixture.Run({"/verify", store + "/USMT/catalog.mig"}).code == 0);

    const std::string copy_a = store + "/USMT/File/home/alice/docs/a.txt";
    const std::string copy_b = store + "/USMT/File/home/alice/docs/b.txt";
    REQUIRE(fixture.filesystem->Remove(copy_a).ok());
    REQUIRE(fixture.filesystem->WriteFileAtomically(copy_b, "bravo!", 0600).ok());
    result = fixture.Run({"/verify:failureonly", store});
    CHECK(result.code == 42);
    CHECK(result.out == "home/alice/docs/a.txt\tCORRUPTED\nhome/alice/docs/b.txt\tCORRUPTED\n");
    CHECK(result.error == "usmtutils: " + copy_a +
                              ": missing from the store\nusmtutils: " + copy_b +
                              ": is 6 bytes, the catalog records 5 (the file changed after the "
                              "capture)\n");
  }
}

TEST_SUITE("usmtutils command line") {
  TEST_CASE("help prints the usage and exits 1") {
    Fixture fixture;
    for (const std::string help : {"/?", "/help", "--help"}) {
      const RunResult result = fixture.Run({help});
      CHECK(result.code == 1);
      CHECK(result.out.starts_with("usmtutils: checks, salvages and removes tseq state stores"));
      CHECK(result.error == "");
    }
  }

  TEST_CASE("no arguments exits 11 with the usage") {
    Fixture fixture;
    const RunResult result = fixture.Run({});
    CHECK(result.code == 11);
    CHECK(result.error.starts_with(
        "usmtutils: no command: give /verify, /extract, /rd or /ec (usmtutils /? shows the "
        "help)\nusage:\n"));
  }

  TEST_CASE("command-line errors exit 11 or 12 with the message") {
    Fixture fixture;
    RunResult result = fixture.Run({"/verify", "/extract", "s", "d"});
    CHECK(result.code == 11);
    CHECK(result.error ==
          "usmtutils: a command was already specified: /verify; /extract cannot be combined "
          "with it\n");
    result = fixture.Run({"/verify", std::string(300, 's')});
    CHECK(result.code == 12);
  }

  TEST_CASE("/ec lists the accepted algorithms, one per line") {
    Fixture fixture;
    const RunResult result = fixture.Run({"/ec"});
    CHECK(result.code == 0);
    CHECK(result.out == "AES_128\nAES_192\nAES_256\n");
  }

  TEST_CASE("/l writes a timestamped log of the run; a log that cannot be created exits 13") {
    Fixture fixture;
    const std::string store = fixture.WriteStore("store", SampleItems(), "");
    const std::string log = fixture.temp.Join("u.log");
    REQUIRE(fixture.Run({"/verify", store, "/l:" + log, "/v:5"}).code == 0);
    const std::string logged = tseq::testing::ReadFileForTest(log);
    CHECK(logged.find(", Info, usmtutils /verify " + store + " /l:" + log + " /v:5\n") !=
          std::string::npos);
    CHECK(logged.find(", Status, verifying the store at '" + store + "'\n") != std::string::npos);
    CHECK(logged.find(", Verbose, home/alice/docs/a.txt: OK\n") != std::string::npos);
    CHECK(logged.find(", Info, return code 0 (USMT_SUCCESS)\n") != std::string::npos);
    CHECK(logged.substr(0, 2) == "20");

    const RunResult result =
        fixture.Run({"/verify", store, "/l:" + fixture.temp.Join("no/such/dir/u.log")});
    CHECK(result.code == 13);
    CHECK(result.error.starts_with("usmtutils: cannot create the log file: cannot create '" +
                                   fixture.temp.Join("no/such/dir/u.log") + "'"));
  }

  TEST_CASE("/v:8 echoes the log to the error stream") {
    Fixture fixture;
    const RunResult result = fixture.Run({"/ec", "/v:8"});
    CHECK(result.code == 0);
    CHECK(result.error.find(", Info, usmtutils /ec /v:8\n") != std::string::npos);
  }
}

}  // namespace
}  // namespace tseq
