#include "engine/smsts_log.h"

#include <filesystem>

#include <doctest/doctest.h>

#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using std::chrono::system_clock;

system_clock::time_point At(int hour, int minute, int second, int millisecond) {
  using namespace std::chrono;
  return system_clock::time_point(sys_days{year{2026} / November / 24}) + hours(hour) +
         minutes(minute) + seconds(second) + milliseconds(millisecond);
}

TEST_SUITE("CMTrace format") {
  TEST_CASE("a record has the attributes in ConfigMgr's order") {
    CmtraceRecord record;
    record.message = "Start executing an instruction. Instruction name: 'A'. Pointer: 0";
    record.time = At(14, 5, 9, 42);
    record.bias_minutes = 0;
    record.component = "TSManager";
    record.type = 1;
    record.thread = 4242;
    record.file = "runner.cc:120";
    CHECK(FormatCmtraceRecord(record) ==
          "<![LOG[Start executing an instruction. Instruction name: 'A'. Pointer: 0]LOG]!>"
          "<time=\"14:05:09.042+000\" date=\"11-24-2026\" component=\"TSManager\" context=\"\" "
          "type=\"1\" thread=\"4242\" file=\"runner.cc:120\">");
  }

  TEST_CASE("the bias is minutes to add to local time to get UTC") {
    CmtraceRecord record;
    record.time = At(23, 30, 0, 0);  // UTC
    record.component = "TSManager";
    SUBCASE("UTC+1 shows local time and -060") {
      record.bias_minutes = -60;
      CHECK(FormatCmtraceRecord(record).find("time=\"00:30:00.000-060\" date=\"11-25-2026\"") !=
            std::string::npos);
    }
    SUBCASE("UTC-5 shows local time and +300") {
      record.bias_minutes = 300;
      CHECK(FormatCmtraceRecord(record).find("time=\"18:30:00.000+300\" date=\"11-24-2026\"") !=
            std::string::npos);
    }
  }

  TEST_CASE("the reader gives back what the writer wrote, multi-line messages included") {
    CmtraceRecord record;
    record.message = "Command output:\nline one\nline two";
    record.time = At(1, 2, 3, 4);
    record.bias_minutes = -120;
    record.component = "RunCommandLine";
    record.type = 2;
    record.thread = 7;
    record.file = "x.cc:9";
    const std::string text =
        FormatCmtraceRecord(record) + "\n" + FormatCmtraceRecord(record) + "\n";
    Result<std::vector<CmtraceRecord>> parsed = ParseCmtraceLog(text);
    REQUIRE(parsed.ok());
    REQUIRE(parsed->size() == 2);
    CHECK((*parsed)[1].message == record.message);
    CHECK((*parsed)[1].time == record.time);
    CHECK((*parsed)[1].bias_minutes == -120);
    CHECK((*parsed)[1].component == "RunCommandLine");
    CHECK((*parsed)[1].type == 2);
    CHECK((*parsed)[1].file == "x.cc:9");
  }

  TEST_CASE("a message containing the record terminator is escaped and still parses") {
    CmtraceRecord record;
    record.message = "evil ]LOG]!><time=\"x\"> text";
    record.component = "TSManager";
    const std::string line = FormatCmtraceRecord(record);
    CHECK(line.find("evil ]LOG]!&gt;<time") != std::string::npos);
    CHECK(ParseCmtraceLog(line + "\n").ok());
  }

  TEST_CASE("the strict reader rejects attributes out of order, with the line") {
    Result<std::vector<CmtraceRecord>> parsed = ParseCmtraceLog(
        "<![LOG[hi]LOG]!><date=\"11-24-2026\" time=\"14:05:09.042+000\" component=\"A\" "
        "context=\"\" type=\"1\" thread=\"1\" file=\"\">\n");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message().starts_with(
        "line 1: attributes do not match the CMTrace format"));
  }
}

TEST_SUITE("SmstsLog") {
  TEST_CASE("records are masked, parse strictly, and finalize into LOGDIR/smsts.log") {
    testing::TempDirectory temp;
    Result<std::unique_ptr<SmstsLog>> log =
        SmstsLog::Open({.directory = temp.Join("logs/SMSTSLog")}, [](std::string_view text) {
          std::string masked(text);
          const size_t at = masked.find("hunter2");
          if (at != std::string::npos) masked.replace(at, 7, "********");
          return masked;
        });
    REQUIRE(log.ok());
    (*log)->Write(LogType::kInfo, "TSManager", "password is hunter2", TSEQ_HERE);
    (*log)->Write(LogType::kError, "OSDUSMT", "Failed to run the action: X.", TSEQ_HERE);
    const std::string running = testing::ReadFileForTest(temp.Join("logs/SMSTSLog/smsts.log"));
    CHECK(running.find("hunter2") == std::string::npos);
    Result<std::vector<CmtraceRecord>> records = ParseCmtraceLog(running);
    REQUIRE(records.ok());
    REQUIRE(records->size() == 2);
    CHECK((*records)[0].message == "password is ********");
    CHECK((*records)[1].type == 3);
    CHECK((*records)[1].component == "OSDUSMT");
    CHECK((*records)[1].file.starts_with("smsts_log_test.cc:"));

    REQUIRE((*log)->Finalize(temp.Join("logs/smsts.log")).ok());
    CHECK_FALSE(std::filesystem::exists(temp.Join("logs/SMSTSLog/smsts.log")));
    const std::string merged = testing::ReadFileForTest(temp.Join("logs/smsts.log"));
    CHECK(merged == running);
  }

  TEST_CASE("the log rolls over by size and keeps the configured history") {
    testing::TempDirectory temp;
    Result<std::unique_ptr<SmstsLog>> log = SmstsLog::Open(
        {.directory = temp.Join("SMSTSLog"), .max_size = 2000, .history = 2}, nullptr);
    REQUIRE(log.ok());
    for (int i = 0; i < 100; ++i) {
      (*log)->Write(LogType::kInfo, "TSManager", "message number " + std::to_string(i), TSEQ_HERE);
    }
    int history = 0;
    for (const auto& entry : std::filesystem::directory_iterator(temp.Join("SMSTSLog"))) {
      const std::string name = entry.path().filename().string();
      if (name != "smsts.log") {
        CHECK(name.starts_with("smsts-"));
        ++history;
      }
      CHECK(std::filesystem::file_size(entry.path()) <= 2000);
      CHECK(ParseCmtraceLog(testing::ReadFileForTest(entry.path())).ok());
    }
    CHECK(history == 2);
    const std::string current = testing::ReadFileForTest(temp.Join("SMSTSLog/smsts.log"));
    CHECK(current.find("message number 99") != std::string::npos);
  }

  TEST_CASE("rollovers within one second keep the newest files, and finalize in order") {
    testing::TempDirectory temp;
    Result<std::unique_ptr<SmstsLog>> log = SmstsLog::Open(
        {.directory = temp.Join("SMSTSLog"), .max_size = 250, .history = 3}, nullptr);
    REQUIRE(log.ok());
    // About one record per file: a dozen rollovers, nearly always within the same second, so
    // the history files differ only by their -N suffix.
    for (int i = 0; i < 12; ++i) {
      (*log)->Write(LogType::kInfo, "TSManager", "record " + std::to_string(i), TSEQ_HERE);
    }
    REQUIRE((*log)->Finalize(temp.Join("smsts.log")).ok());
    Result<std::vector<CmtraceRecord>> records =
        ParseCmtraceLog(testing::ReadFileForTest(temp.Join("smsts.log")));
    REQUIRE(records.ok());
    std::vector<std::string> messages;
    for (const CmtraceRecord& record : *records) messages.push_back(record.message);
    INFO(testing::ReadFileForTest(temp.Join("smsts.log")));
    // The three history files and the running one: the last four records, oldest first.
    CHECK(messages == std::vector<std::string>{"record 8", "record 9", "record 10", "record 11"});
  }

  TEST_CASE("a maximum size of 0 never rolls over") {
    testing::TempDirectory temp;
    Result<std::unique_ptr<SmstsLog>> log =
        SmstsLog::Open({.directory = temp.Join("SMSTSLog"), .max_size = 0, .history = 3}, nullptr);
    REQUIRE(log.ok());
    for (int i = 0; i < 50; ++i) {
      (*log)->Write(LogType::kInfo, "TSManager", "record " + std::to_string(i), TSEQ_HERE);
    }
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(temp.Join("SMSTSLog"))) {
      CHECK(entry.path().filename() == "smsts.log");
      ++files;
    }
    CHECK(files == 1);
  }
}

}  // namespace
}  // namespace tseq
