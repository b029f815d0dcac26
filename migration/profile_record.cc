#include "migration/profile_record.h"

#include <charconv>
#include <cstdint>

namespace tseq {
namespace {

std::string Attribute(const archive::Attributes& attributes, std::string_view key) {
  for (const auto& [name, value] : attributes) {
    if (name == key) return value;
  }
  return "";
}

// A decimal number within uint32_t, or nullopt.
std::optional<uint32_t> ParseId(const std::string& text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

// "0755": the permission bits in octal, as chmod takes them.
std::string OctalMode(mode_t mode) {
  std::string text;
  for (int shift = 9; shift >= 0; shift -= 3)
    text += static_cast<char>('0' + ((mode >> shift) & 7));
  return text;
}

std::optional<mode_t> ParseOctalMode(const std::string& text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  mode_t mode = 0;
  for (const char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = static_cast<mode_t>(mode * 8 + static_cast<mode_t>(c - '0'));
  }
  return mode;
}

// "SECONDS.NANOSECONDS", nanoseconds in 9 digits.
std::string TimeText(std::chrono::system_clock::time_point time) {
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  int64_t seconds = since_epoch / 1'000'000'000;
  int64_t nanoseconds = since_epoch % 1'000'000'000;
  if (nanoseconds < 0) {
    --seconds;
    nanoseconds += 1'000'000'000;
  }
  std::string fraction = std::to_string(nanoseconds);
  return std::to_string(seconds) + "." + std::string(9 - fraction.size(), '0') + fraction;
}

std::optional<FileTime> ParseTimeText(const std::string& text) {
  const size_t dot = text.find('.');
  if (dot == std::string::npos || text.size() - dot - 1 != 9) return std::nullopt;
  FileTime time;
  const char* end = text.data() + dot;
  const auto [stop, error] = std::from_chars(text.data(), end, time.seconds);
  if (error != std::errc() || stop != end || dot == 0) return std::nullopt;
  for (size_t index = dot + 1; index < text.size(); ++index) {
    if (text[index] < '0' || text[index] > '9') return std::nullopt;
    time.nanoseconds = time.nanoseconds * 10 + static_cast<uint32_t>(text[index] - '0');
  }
  return time;
}

}  // namespace

archive::CatalogRoot ProfileToCatalogRoot(const Profile& profile, const std::string& machine_name) {
  archive::CatalogRoot root;
  root.name = profile.name;
  root.directory = profile.home.size() > 1 ? profile.home.substr(1) : profile.home;
  root.attributes = {{"home", profile.home},
                     {"local", profile.local ? "yes" : "no"},
                     {"uid", std::to_string(profile.uid)},
                     {"gid", std::to_string(profile.gid)},
                     {"owner", profile.owner_name},
                     {"group", profile.group_name},
                     {"machine", machine_name}};
  if (profile.home_mode.has_value() && profile.home_modified.has_value()) {
    root.attributes.emplace_back("home_mode", OctalMode(*profile.home_mode));
    root.attributes.emplace_back("home_modified", TimeText(*profile.home_modified));
  }
  if (profile.last_logon.has_value()) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(profile.last_logon->time_since_epoch())
            .count();
    root.attributes.emplace_back("last_logon", std::to_string(seconds));
    root.attributes.emplace_back("last_logon_source",
                                 LastLogonSourceName(profile.last_logon_source));
  }
  return root;
}

Result<ProfileRecord> ProfileRecordFromCatalogRoot(const archive::CatalogRoot& root, size_t index) {
  const auto invalid = [&](const std::string& why) {
    return InvalidArgumentError("store root " + std::to_string(index) + " ('" + root.name +
                                "') is not a profile: " + why);
  };
  ProfileRecord record;
  record.name = root.name;
  const size_t separator = root.name.find('\\');
  if (separator == std::string::npos || separator == 0 || separator + 1 == root.name.size() ||
      root.name.find('\\', separator + 1) != std::string::npos) {
    return invalid("its name is not DOMAIN\\user");
  }
  record.domain = root.name.substr(0, separator);
  record.user = root.name.substr(separator + 1);
  record.home = Attribute(root.attributes, "home");
  if (record.home.size() < 2 || record.home[0] != '/') {
    return invalid("it has no absolute home");
  }
  if (record.home.substr(1) != root.directory) {
    return invalid("its home '" + record.home + "' does not match its directory '" +
                   root.directory + "'");
  }
  const std::string local = Attribute(root.attributes, "local");
  if (local != "yes" && local != "no") return invalid("local is '" + local + "', not yes or no");
  record.local = local == "yes";
  for (const char* key : {"uid", "gid"}) {
    const std::string text = Attribute(root.attributes, key);
    if (text.empty()) continue;
    const std::optional<uint32_t> id = ParseId(text);
    if (!id.has_value()) return invalid(std::string(key) + " '" + text + "' is not a number");
    (std::string_view(key) == "uid" ? record.uid : record.gid) = *id;
  }
  record.owner = Attribute(root.attributes, "owner");
  record.group = Attribute(root.attributes, "group");
  record.machine = Attribute(root.attributes, "machine");
  const std::string last_logon = Attribute(root.attributes, "last_logon");
  if (!last_logon.empty()) {
    int64_t seconds = 0;
    const auto [end, error] =
        std::from_chars(last_logon.data(), last_logon.data() + last_logon.size(), seconds);
    if (error != std::errc() || end != last_logon.data() + last_logon.size()) {
      return invalid("last_logon '" + last_logon + "' is not a number");
    }
    record.last_logon = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
  }
  if (const std::string mode = Attribute(root.attributes, "home_mode"); !mode.empty()) {
    record.home_mode = ParseOctalMode(mode);
    if (!record.home_mode) return invalid("home_mode '" + mode + "' is not an octal mode");
  }
  if (const std::string modified = Attribute(root.attributes, "home_modified"); !modified.empty()) {
    record.home_modified = ParseTimeText(modified);
    if (!record.home_modified) {
      return invalid("home_modified '" + modified + "' is not SECONDS.NANOSECONDS");
    }
  }
  return record;
}

}  // namespace tseq
