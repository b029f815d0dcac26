#include "steps/core/machine_facts.h"

#include <memory>

#include <doctest/doctest.h>
#include <unistd.h>

#include "platform/fault_injecting_filesystem.h"
#include "platform/memory_filesystem.h"
#include "steps/core/dynamic_variables_test_support.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

using Values = std::vector<std::string>;

MachineFacts GatherFrom(const Filesystem& filesystem) {
  return GatherMachineFacts(MachineRoot("/machine", filesystem));
}

TEST_SUITE("MachineFacts") {
  TEST_CASE("every fact of the fixture machine is read from its files") {
    MemoryFilesystem filesystem;
    testing::AddFixtureMachine(filesystem, "/machine");
    const MachineFacts facts = GatherFrom(filesystem);
    REQUIRE(facts.facts.size() == 8);
    CHECK(facts.Get(FactKind::kMake).values == Values{"Dell Inc."});
    CHECK(facts.Get(FactKind::kModel).values == Values{"Latitude 7440"});
    CHECK(facts.Get(FactKind::kSerialNumber).values == Values{"ABC1234"});
    CHECK(facts.Get(FactKind::kAssetTag).values == Values{"ASSET-0042"});
    CHECK(facts.Get(FactKind::kUuid).values == Values{"4c4c4544-0042-3510-8053-b4c04f564433"});
    CHECK(facts.Get(FactKind::kMacAddresses).Text() == "8C:47:BE:01:02:03,A4:5E:60:D1:22:33");
    CHECK(facts.Get(FactKind::kIpAddresses).Text() == "192.0.2.2,192.168.0.20,2001:db8::42");
    CHECK(facts.Get(FactKind::kDefaultGateways).Text() == "192.0.2.1,fe80::1");
    for (const MachineFact& fact : facts.facts) {
      CHECK(fact.known());
      CHECK(fact.problem.empty());
    }
    CHECK(facts.Get(FactKind::kUuid).variable == "_SMSTSUUID");
    CHECK(MachineFactVariables() == Values{"_SMSTSMake", "_SMSTSModel", "_SMSTSSerialNumber",
                                           "_SMSTSAssetTag", "_SMSTSUUID", "_SMSTSMacAddresses",
                                           "_SMSTSIPAddresses", "_SMSTSDefaultGateways"});
  }

  TEST_CASE("a machine without the files has no facts, and each says which file is missing") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/machine/etc/hostname", "pc01\n");
    const MachineFacts facts = GatherFrom(filesystem);
    for (const MachineFact& fact : facts.facts) CHECK_FALSE(fact.known());
    CHECK(facts.Get(FactKind::kMake).problem == "/sys/class/dmi/id/sys_vendor not found");
    CHECK(facts.Get(FactKind::kUuid).problem == "/sys/class/dmi/id/product_uuid not found");
    CHECK(facts.Get(FactKind::kMacAddresses).problem == "/sys/class/net not found");
    CHECK(facts.Get(FactKind::kIpAddresses).problem ==
          "/proc/net/fib_trie not found; /proc/net/if_inet6 not found");
    CHECK(facts.Get(FactKind::kDefaultGateways).problem ==
          "/proc/net/route not found; /proc/net/ipv6_route not found");
    CHECK(facts.Get(FactKind::kMake).Text().empty());
  }

  TEST_CASE("an empty DMI text is unknown and an unreadable one gives the filesystem's reason") {
    MemoryFilesystem memory;
    testing::AddFixtureMachine(memory, "/machine");
    memory.AddFile("/machine/sys/class/dmi/id/chassis_asset_tag", " \n");
    FaultInjectingFilesystem faulty(memory);
    // DMI files are read in fact order: vendor, product name, then the serial number.
    faulty.FailNth(FilesystemOperation::kReadFile, 3,
                   PermissionDeniedError("cannot read '/machine/sys/class/dmi/id/product_serial'"
                                         ": Permission denied"));
    const MachineFacts facts = GatherFrom(faulty);
    CHECK(facts.Get(FactKind::kModel).known());
    CHECK_FALSE(facts.Get(FactKind::kSerialNumber).known());
    CHECK(facts.Get(FactKind::kSerialNumber).problem ==
          "cannot read '/machine/sys/class/dmi/id/product_serial': Permission denied");
    CHECK_FALSE(facts.Get(FactKind::kAssetTag).known());
    CHECK(facts.Get(FactKind::kAssetTag).problem == "/sys/class/dmi/id/chassis_asset_tag is empty");
    CHECK(facts.Get(FactKind::kUuid).known());
  }

  TEST_CASE("MAC addresses skip lo, all-zero and odd addresses and entries that are no interface") {
    MemoryFilesystem filesystem;
    const std::string net = "/machine/sys/class/net/";
    filesystem.AddFile(net + "bonding_masters", "bond0\n");
    filesystem.AddFile(net + "ib0/address",
                       "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0c:0a:f1\n");
    filesystem.AddFile(net + "enp2s0/address", "00:1a:2b:3c:4d:5e\n");
    filesystem.AddFile(net + "bond0/address", "00:1A:2B:3C:4D:5E\n");  // a bond repeats a port's
    filesystem.AddFile(net + "br0/address", "02:42:ac:11:00:02");
    filesystem.AddFile(net + "sit0/address", "00:00:00:00\n");
    filesystem.AddFile(net + "lo/address", "00:00:00:00:00:00\n");
    filesystem.AddFile(net + "wg0/address", "");
    const MachineFacts facts = GatherFrom(filesystem);
    const MachineFact& macs = facts.Get(FactKind::kMacAddresses);
    // Sorted by interface name: bond0, br0, enp2s0 (the bond's address once).
    CHECK(macs.values == Values{"00:1A:2B:3C:4D:5E", "02:42:AC:11:00:02"});
  }

  TEST_CASE("a machine whose only interface is lo has no MAC address, and says so") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/machine/sys/class/net/lo/address", "00:00:00:00:00:00\n");
    const MachineFacts facts = GatherFrom(filesystem);
    const MachineFact& macs = facts.Get(FactKind::kMacAddresses);
    CHECK_FALSE(macs.known());
    CHECK(macs.problem == "no interface but lo has a MAC address in /sys/class/net");
  }

  TEST_CASE("default gateways decode little-endian hex and ignore routes that are not default") {
    MemoryFilesystem filesystem;
    // Columns in another order than Linux's, with two default routes and one without a gateway.
    filesystem.AddFile("/machine/proc/net/route",
                       "Iface Mask Destination Gateway Flags\n"
                       "eth0 00000000 00000000 FE01A8C0 0003\n"
                       "eth1 00000000 00000000 0100000A 0003\n"
                       "eth2 00000000 00000000 00000000 0001\n"
                       "eth0 00FFFFFF 0001A8C0 00000000 0001\n"
                       "eth0 00000000 00000000 FE01A8C0 0003\n"
                       "garbage\n");
    const MachineFacts facts = GatherFrom(filesystem);
    const MachineFact& gateways = facts.Get(FactKind::kDefaultGateways);
    CHECK(gateways.values == Values{"192.168.1.254", "10.0.0.1"});
    CHECK(gateways.problem.empty());
  }

  TEST_CASE("a routing table without a default route names the files it read") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/machine/proc/net/route",
                       "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                       "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\n");
    const MachineFacts facts = GatherFrom(filesystem);
    const MachineFact& gateways = facts.Get(FactKind::kDefaultGateways);
    CHECK_FALSE(gateways.known());
    CHECK(gateways.problem == "none found in /proc/net/route");
  }

  TEST_CASE("IP addresses are the local IPv4 host entries and the global IPv6 addresses") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/machine/proc/net/fib_trie", testing::kFixtureFibTrie);
    const MachineFacts ipv4 = GatherFrom(filesystem);
    CHECK(ipv4.Get(FactKind::kIpAddresses).values == Values{"192.0.2.2", "192.168.0.20"});

    filesystem.AddFile("/machine/proc/net/if_inet6", testing::kFixtureInet6);
    filesystem.AddFile("/machine/proc/net/fib_trie",
                       "Main:\n  +-- 127.0.0.0/8 2 0 2\n     |-- 127.0.0.1\n"
                       "        /32 host LOCAL\n");
    const MachineFacts ipv6 = GatherFrom(filesystem);
    CHECK(ipv6.Get(FactKind::kIpAddresses).values == Values{"2001:db8::42"});
  }

  TEST_CASE("MAC addresses are read in every common form and anything else is refused") {
    CHECK(NormalizeMacAddress("00:1a:2b:3c:4d:5e") == "00:1A:2B:3C:4D:5E");
    CHECK(NormalizeMacAddress("00-1A-2B-3C-4D-5E") == "00:1A:2B:3C:4D:5E");
    CHECK(NormalizeMacAddress("001a.2b3c.4d5e") == "00:1A:2B:3C:4D:5E");
    CHECK(NormalizeMacAddress(" 001A2B3C4D5E ") == "00:1A:2B:3C:4D:5E");
    CHECK_FALSE(NormalizeMacAddress("00:1A:2B:3C:4D").has_value());
    CHECK_FALSE(NormalizeMacAddress("00:1A:2B:3C:4D:5E:6F").has_value());
    CHECK_FALSE(NormalizeMacAddress("00:1A:2B-3C:4D:5E").has_value());
    CHECK_FALSE(NormalizeMacAddress("0:1A:2B:3C:4D:5EE").has_value());
    CHECK_FALSE(NormalizeMacAddress("00:1A:2B:3C:4D:5G").has_value());
    CHECK_FALSE(NormalizeMacAddress("").has_value());
  }

  TEST_CASE("IP addresses are compared in their canonical form") {
    CHECK(NormalizeIpAddress(" 192.0.2.1 ") == "192.0.2.1");
    CHECK(NormalizeIpAddress("2001:DB8:0:0:0:0:0:1") == "2001:db8::1");
    CHECK(NormalizeIpAddress("FE80::0001") == "fe80::1");
    CHECK_FALSE(NormalizeIpAddress("192.0.2").has_value());
    CHECK_FALSE(NormalizeIpAddress("gateway").has_value());
  }

  TEST_CASE("on disk, interface symlinks are followed inside the machine root") {
    testing::TempDirectory machine;
    machine.WriteFile("sys/devices/virtual/net/eth7/address", "02:00:00:00:00:07\n");
    machine.MakeDirectory("sys/class/net");
    // As in /sys: an absolute link, which must resolve inside the root, not on the host.
    REQUIRE(::symlink("/sys/devices/virtual/net/eth7",
                      machine.Join("sys/class/net/eth7").c_str()) == 0);
    machine.WriteFile("sys/class/dmi/id/sys_vendor", "QEMU\n");
    const std::unique_ptr<Filesystem> filesystem = NewPosixFilesystem();
    const MachineFacts facts = GatherMachineFacts(MachineRoot(machine.path(), *filesystem));
    CHECK(facts.Get(FactKind::kMacAddresses).values == Values{"02:00:00:00:00:07"});
    CHECK(facts.Get(FactKind::kMake).values == Values{"QEMU"});
    CHECK(facts.Get(FactKind::kModel).problem == "/sys/class/dmi/id/product_name not found");
  }
}

}  // namespace
}  // namespace tseq
