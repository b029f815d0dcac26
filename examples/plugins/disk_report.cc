// disk_report: an example executable step plugin for tseq (docs/plugins.md), any language would
// do; this one is C++ so that it needs nothing beyond the project's own build.
//
// Step type DiskReport (manifest: disk_report.step.json) measures the filesystem that holds
// `path` on the machine (inside `tseq run --root`), sets DiskReportFreeMegabytes,
// DiskReportTotalMegabytes and DiskReportUsedPercent, and fails with exit code 1 when fewer than
// `minimumFreeMegabytes` are free. Protocol: `disk_report run`, the request as JSON on stdin, the
// answer as JSON on stdout.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>
#include <sys/statvfs.h>

namespace {

using Json = nlohmann::json;

constexpr std::uint64_t kMegabyte = 1024 * 1024;

Json Answer(int exit_code, const std::string& message) {
  Json answer = {{"exitCode", exit_code}, {"log", Json::array()}};
  if (!message.empty()) answer["message"] = message;
  return answer;
}

// The host path of a machine path: lexically inside the root, never above it.
std::string HostPath(const std::string& machine_root, const std::string& path) {
  const std::filesystem::path inside =
      (std::filesystem::path("/") / path).lexically_normal().relative_path();
  std::string host = (std::filesystem::path(machine_root) / inside).lexically_normal().string();
  if (host.size() > 1 && host.back() == '/') host.pop_back();
  return host;
}

Json Report(const Json& request) {
  const Json& properties = request.at("properties");
  const std::string path = properties.value("path", "/");
  const long long minimum = properties.value("minimumFreeMegabytes", 0LL);
  const std::string host_path = HostPath(request.at("machineRoot").get<std::string>(), path);

  struct statvfs info {};
  if (::statvfs(host_path.c_str(), &info) != 0) {
    return Answer(2, "cannot measure '" + path + "': " + std::strerror(errno));
  }
  const std::uint64_t block = info.f_frsize;
  const std::uint64_t total = info.f_blocks * block / kMegabyte;
  const std::uint64_t free = info.f_bavail * block / kMegabyte;
  // Like df: used / (used + available to users), rounded up.
  const std::uint64_t used_blocks = info.f_blocks - info.f_bfree;
  const std::uint64_t usable_blocks = used_blocks + info.f_bavail;
  const std::uint64_t used_percent =
      usable_blocks == 0 ? 0 : (used_blocks * 100 + usable_blocks - 1) / usable_blocks;

  const bool enough = minimum <= 0 || free >= static_cast<std::uint64_t>(minimum);
  Json answer = enough
                    ? Answer(0, "")
                    : Answer(1, "only " + std::to_string(free) + " MB free on " + path +
                                    ", less than the required " + std::to_string(minimum) + " MB");
  answer["variables"] = {{"DiskReportFreeMegabytes", std::to_string(free)},
                         {"DiskReportTotalMegabytes", std::to_string(total)},
                         {"DiskReportUsedPercent", std::to_string(used_percent)}};
  answer["log"].push_back({{"type", "info"},
                           {"message", "Disk report for " + path + ": " + std::to_string(free) +
                                           " MB free of " + std::to_string(total) + " MB (" +
                                           std::to_string(used_percent) + "% used)"}});
  if (!enough) {
    answer["log"].push_back({{"type", "warning"}, {"message", answer["message"]}});
  }
  return answer;
}

std::string ReadStandardInput() {
  std::string input;
  char buffer[64 * 1024];
  size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof(buffer), stdin)) > 0) input.append(buffer, count);
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) != "run") {
    std::cerr << "usage: disk_report run  (a tseq step plugin: JSON request on stdin)\n";
    return 2;
  }
  Json answer;
  try {
    answer = Report(Json::parse(ReadStandardInput()));
  } catch (const Json::exception& error) {
    // Diagnostics go to stderr, which tseq copies to its log; the answer still explains.
    std::cerr << "disk_report: " << error.what() << "\n";
    answer = Answer(2, "disk_report could not read its request");
  }
  std::cout << answer.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  return 0;
}
