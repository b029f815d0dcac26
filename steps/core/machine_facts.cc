#include "steps/core/machine_facts.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include <arpa/inet.h>

#include "base/strings.h"

namespace tseq {
namespace {

constexpr std::string_view kDmiDirectory = "/sys/class/dmi/id/";
constexpr std::string_view kNetDirectory = "/sys/class/net";
constexpr std::string_view kFibTrie = "/proc/net/fib_trie";
constexpr std::string_view kInet6Addresses = "/proc/net/if_inet6";
constexpr std::string_view kRoutes = "/proc/net/route";
constexpr std::string_view kIpv6Routes = "/proc/net/ipv6_route";

struct FactName {
  FactKind kind;
  const char* variable;
  const char* description;
  const char* dmi_file;  // nullptr for the list facts
};

constexpr std::array<FactName, 8> kFactNames = {{
    {FactKind::kMake, "_SMSTSMake", "make", "sys_vendor"},
    {FactKind::kModel, "_SMSTSModel", "model", "product_name"},
    {FactKind::kSerialNumber, "_SMSTSSerialNumber", "serial number", "product_serial"},
    {FactKind::kAssetTag, "_SMSTSAssetTag", "asset tag", "chassis_asset_tag"},
    {FactKind::kUuid, "_SMSTSUUID", "UUID", "product_uuid"},
    {FactKind::kMacAddresses, "_SMSTSMacAddresses", "MAC addresses", nullptr},
    {FactKind::kIpAddresses, "_SMSTSIPAddresses", "IP addresses", nullptr},
    {FactKind::kDefaultGateways, "_SMSTSDefaultGateways", "default gateways", nullptr},
}};

// A file of the machine, by machine path. The failure is the reason the fact is unknown.
Result<std::string> ReadMachineFile(const MachineRoot& root, std::string_view machine_path) {
  Result<std::string> host_path = root.Resolve(machine_path, SymlinkPolicy::kFollow);
  if (!host_path.ok()) return host_path.status();
  Result<std::string> contents = root.filesystem().ReadFile(*host_path);
  if (!contents.ok() && contents.status().code() == StatusCode::kNotFound) {
    return NotFoundError(std::string(machine_path) + " not found");
  }
  return contents;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::optional<uint32_t> ParseHex32(std::string_view text) {
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// 32 hex digits, as /proc/net/if_inet6 and ipv6_route write an address, to its text form.
std::optional<std::string> Ipv6FromHex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  std::array<unsigned char, 16> bytes{};
  for (size_t index = 0; index < bytes.size(); ++index) {
    const std::optional<uint32_t> byte = ParseHex32(hex.substr(index * 2, 2));
    if (!byte.has_value()) return std::nullopt;
    bytes[index] = static_cast<unsigned char>(*byte);
  }
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (inet_ntop(AF_INET6, bytes.data(), text.data(), text.size()) == nullptr) return std::nullopt;
  return std::string(text.data());
}

bool IsAllZero(std::string_view hex) {
  return std::all_of(hex.begin(), hex.end(), [](char c) { return c == '0'; });
}

void AddOnce(std::vector<std::string>& values, std::string value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(std::move(value));
  }
}

void ParseFibTrie(std::string_view contents, std::vector<std::string>& values) {
  std::vector<std::array<unsigned char, 4>> addresses;
  std::string leaf;
  for (const std::string& line : Lines(contents)) {
    const std::vector<std::string> words = SplitWhitespace(line);
    if (words.size() == 2 && words[0] == "|--") {
      leaf = words[1];
    } else if (words.size() == 3 && words[0] == "/32" && words[2] == "LOCAL" && !leaf.empty()) {
      std::array<unsigned char, 4> bytes{};
      if (inet_pton(AF_INET, leaf.c_str(), bytes.data()) == 1 && bytes[0] != 127 &&
          std::find(addresses.begin(), addresses.end(), bytes) == addresses.end()) {
        addresses.push_back(bytes);
      }
    } else if (words.empty() || words[0][0] != '/') {
      leaf.clear();  // a "+--" node or a table heading ends the leaf
    }
  }
  std::sort(addresses.begin(), addresses.end());
  for (const auto& bytes : addresses) {
    std::array<char, INET_ADDRSTRLEN> text{};
    if (inet_ntop(AF_INET, bytes.data(), text.data(), text.size()) != nullptr) {
      AddOnce(values, text.data());
    }
  }
}

// Fields: address, interface index, prefix length, scope, flags, interface name.
void ParseInet6Addresses(std::string_view contents, std::vector<std::string>& values) {
  for (const std::string& line : Lines(contents)) {
    const std::vector<std::string> words = SplitWhitespace(line);
    if (words.size() < 6 || words[5] == "lo" || words[3] != "00") continue;
    if (std::optional<std::string> address = Ipv6FromHex(words[0])) {
      AddOnce(values, std::move(*address));
    }
  }
}

void ParseRoutes(std::string_view contents, std::vector<std::string>& values) {
  const std::vector<std::string> lines = Lines(contents);
  if (lines.empty()) return;
  // The header names the columns; older kernels and tests may order them differently.
  const std::vector<std::string> header = SplitWhitespace(lines[0]);
  auto column = [&header](std::string_view name, size_t fallback) {
    const auto found = std::find(header.begin(), header.end(), name);
    return found == header.end() ? fallback : static_cast<size_t>(found - header.begin());
  };
  const size_t destination = column("Destination", 1);
  const size_t gateway = column("Gateway", 2);
  const size_t mask = column("Mask", 7);
  for (size_t index = 1; index < lines.size(); ++index) {
    const std::vector<std::string> words = SplitWhitespace(lines[index]);
    if (words.size() <= std::max({destination, gateway, mask})) continue;
    const bool default_route =
        ParseHex32(words[destination]) == 0u && ParseHex32(words[mask]) == 0u;
    if (!default_route) continue;
    const std::optional<uint32_t> address = ParseHex32(words[gateway]);
    if (!address.has_value() || *address == 0) continue;
    // The kernel prints the network-order address as a host-order number: little-endian hex.
    std::string text;
    for (int shift = 0; shift < 32; shift += 8) {
      if (shift > 0) text += '.';
      text += std::to_string((*address >> shift) & 0xFFu);
    }
    AddOnce(values, std::move(text));
  }
}

// Fields: destination, its prefix length, source, its prefix length, next hop, metric, ...
void ParseIpv6Routes(std::string_view contents, std::vector<std::string>& values) {
  for (const std::string& line : Lines(contents)) {
    const std::vector<std::string> words = SplitWhitespace(line);
    if (words.size() < 5 || !IsAllZero(words[0]) || words[1] != "00" || IsAllZero(words[4])) {
      continue;
    }
    if (std::optional<std::string> address = Ipv6FromHex(words[4])) {
      AddOnce(values, std::move(*address));
    }
  }
}

struct ListSource {
  std::string_view path;
  void (*parse)(std::string_view contents, std::vector<std::string>& values);
};

// Reads the files of a list fact, each adding what it holds. The problem, when nothing is found,
// names the files that were read, or else says why none could be.
void GatherList(const MachineRoot& root, std::initializer_list<ListSource> sources,
                MachineFact& fact) {
  std::vector<std::string> read;
  std::vector<std::string> failures;
  for (const ListSource& source : sources) {
    Result<std::string> contents = ReadMachineFile(root, source.path);
    if (!contents.ok()) {
      failures.push_back(contents.status().message());
      continue;
    }
    read.emplace_back(source.path);
    source.parse(*contents, fact.values);
  }
  if (fact.known()) return;
  fact.problem = read.empty() ? Join(failures, "; ") : "none found in " + Join(read, " and ");
}

void GatherMacAddresses(const MachineRoot& root, MachineFact& fact) {
  Result<std::string> directory = root.Resolve(kNetDirectory, SymlinkPolicy::kFollow);
  Result<std::vector<std::string>> names =
      directory.ok() ? root.filesystem().ListDirectory(*directory)
                     : Result<std::vector<std::string>>(directory.status());
  if (!names.ok()) {
    fact.problem = names.status().code() == StatusCode::kNotFound
                       ? std::string(kNetDirectory) + " not found"
                       : names.status().message();
    return;
  }
  for (const std::string& name : *names) {
    if (name == "lo") continue;
    // Entries that are not interfaces (bonding_masters) have no address file.
    Result<std::string> address =
        ReadMachineFile(root, std::string(kNetDirectory) + "/" + name + "/address");
    if (!address.ok()) continue;
    const std::optional<std::string> normalized = NormalizeMacAddress(TrimWhitespace(*address));
    if (!normalized.has_value() || *normalized == "00:00:00:00:00:00") continue;
    AddOnce(fact.values, *normalized);
  }
  if (!fact.known()) {
    fact.problem = "no interface but lo has a MAC address in " + std::string(kNetDirectory);
  }
}

}  // namespace

std::string MachineFact::Text() const { return Join(values, ","); }

const MachineFact& MachineFacts::Get(FactKind kind) const {
  return facts[static_cast<size_t>(kind)];
}

std::vector<std::string> MachineFactVariables() {
  std::vector<std::string> names;
  for (const FactName& name : kFactNames) names.emplace_back(name.variable);
  return names;
}

MachineFacts GatherMachineFacts(const MachineRoot& root) {
  MachineFacts result;
  for (const FactName& name : kFactNames) {
    MachineFact fact;
    fact.kind = name.kind;
    fact.variable = name.variable;
    fact.description = name.description;
    if (name.dmi_file != nullptr) {
      const std::string path = std::string(kDmiDirectory) + name.dmi_file;
      Result<std::string> contents = ReadMachineFile(root, path);
      if (!contents.ok()) {
        fact.problem = contents.status().message();
      } else if (const std::string_view text = TrimWhitespace(*contents); text.empty()) {
        fact.problem = path + " is empty";
      } else {
        fact.values.emplace_back(text);
      }
    }
    switch (name.kind) {
      case FactKind::kMacAddresses:
        GatherMacAddresses(root, fact);
        break;
      case FactKind::kIpAddresses:
        GatherList(root, {{kFibTrie, ParseFibTrie}, {kInet6Addresses, ParseInet6Addresses}}, fact);
        break;
      case FactKind::kDefaultGateways:
        GatherList(root, {{kRoutes, ParseRoutes}, {kIpv6Routes, ParseIpv6Routes}}, fact);
        break;
      default:
        break;
    }
    result.facts.push_back(std::move(fact));
  }
  return result;
}

std::optional<std::string> NormalizeMacAddress(std::string_view text) {
  text = TrimWhitespace(text);
  // The separator, if any, and the length of the hex groups it separates.
  char separator = 0;
  size_t group = 12;
  if (text.find(':') != std::string_view::npos) {
    separator = ':';
    group = 2;
  } else if (text.find('-') != std::string_view::npos) {
    separator = '-';
    group = 2;
  } else if (text.find('.') != std::string_view::npos) {
    separator = '.';
    group = 4;
  }
  const std::vector<std::string> parts =
      separator == 0 ? std::vector<std::string>{std::string(text)} : Split(text, separator);
  std::string digits;
  for (const std::string& part : parts) {
    if (part.size() != group) return std::nullopt;
    for (const char c : part) {
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
    }
    digits += part;
  }
  if (digits.size() != 12) return std::nullopt;
  std::string normalized;
  for (size_t index = 0; index < digits.size(); index += 2) {
    if (index > 0) normalized += ':';
    normalized += ToUpperAscii(digits.substr(index, 2));
  }
  return normalized;
}

std::optional<std::string> NormalizeIpAddress(std::string_view text) {
  const std::string address(TrimWhitespace(text));
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  for (const int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, address.c_str(), bytes.data()) == 1 &&
        inet_ntop(family, bytes.data(), buffer.data(), buffer.size()) != nullptr) {
      return std::string(buffer.data());
    }
  }
  return std::nullopt;
}

}  // namespace tseq
