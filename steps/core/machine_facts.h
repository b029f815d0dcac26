// Machine facts: what SetDynamicVariables gathers about the machine (reference/configmgr.md §3.7),
// read from files inside the machine root only, so that `--root DIR` and tests see DIR's copies:
//
//   _SMSTSMake            /sys/class/dmi/id/sys_vendor
//   _SMSTSModel           /sys/class/dmi/id/product_name
//   _SMSTSSerialNumber    /sys/class/dmi/id/product_serial     (root-only on most machines)
//   _SMSTSAssetTag        /sys/class/dmi/id/chassis_asset_tag
//   _SMSTSUUID            /sys/class/dmi/id/product_uuid       (root-only on most machines)
//   _SMSTSMacAddresses    /sys/class/net/*/address: every interface but `lo`, all-zero addresses
//                         skipped, upper case with colons, by interface name, duplicates once
//   _SMSTSIPAddresses     IPv4: the "/32 host LOCAL" entries of /proc/net/fib_trie except 127/8,
//                         in numeric order; then IPv6: the global-scope addresses of
//                         /proc/net/if_inet6 except on `lo`, in file order
//   _SMSTSDefaultGateways IPv4: the Gateway of the routes of /proc/net/route whose Destination and
//                         Mask are 00000000 (little-endian hex, as Linux writes it on x86 and
//                         ARM); then IPv6: the next hop of the ::/0 routes of /proc/net/ipv6_route
//
// The DMI texts are trimmed of surrounding whitespace. The list facts are comma-separated in their
// variables. A fact that cannot be read (a missing or unreadable file, an empty text, no address)
// has no value and a `problem` saying why. Pure reads; thread-safe for a thread-safe Filesystem.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/machine_root.h"

namespace tseq {

enum class FactKind {
  kMake,
  kModel,
  kSerialNumber,
  kAssetTag,
  kUuid,
  kMacAddresses,
  kIpAddresses,
  kDefaultGateways,
};

struct MachineFact {
  FactKind kind = FactKind::kMake;
  std::string variable;             // "_SMSTSMake"
  std::string description;          // "make", "MAC addresses", ...
  std::vector<std::string> values;  // one for a text fact; empty when unknown
  std::string problem;              // why there is no value, e.g. "/sys/... not found"

  bool known() const { return !values.empty(); }
  // The variable's value: the values joined with ",", "" when unknown.
  std::string Text() const;
};

struct MachineFacts {
  std::vector<MachineFact> facts;  // one per FactKind, in FactKind order

  const MachineFact& Get(FactKind kind) const;
};

// Reads every fact from the machine under `root`. Never fails: what cannot be read is unknown.
MachineFacts GatherMachineFacts(const MachineRoot& root);

// The variable names of the facts, in FactKind order: _SMSTSMake, ..., _SMSTSDefaultGateways.
std::vector<std::string> MachineFactVariables();

// "AA:BB:CC:DD:EE:FF" for a MAC address written with colons, dashes, Cisco dots
// ("aabb.ccdd.eeff") or no separators, any case; nullopt for anything that is not 6 hex bytes.
std::optional<std::string> NormalizeMacAddress(std::string_view text);

// The canonical text of an IPv4 or IPv6 address ("192.0.2.1", "2001:db8::1"), so that differently
// written forms of one address compare equal; nullopt when `text` is not an address.
std::optional<std::string> NormalizeIpAddress(std::string_view text);

}  // namespace tseq
