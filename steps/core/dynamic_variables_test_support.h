// Test support for SetDynamicVariables: a fixture machine in a MemoryFilesystem, and a harness
// that loads a sequence with the built-in steps and runs its first step against fakes. Tests only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "platform/fake_process_runner.h"
#include "platform/memory_filesystem.h"
#include "sequences/loader.h"
#include "steps/core/core_steps.h"
#include "steps/step_registry.h"
#include "steps/step_test_support.h"

namespace tseq::testing {

inline constexpr std::string_view kFixtureRoute =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    "eth0\t000200C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
    "wlan0\t0000A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n";

// Both tables list each address, as Linux does; 127.0.0.1 and the broadcast entries are not
// the machine's addresses.
inline constexpr std::string_view kFixtureFibTrie =
    "Main:\n"
    "  +-- 0.0.0.0/0 3 0 5\n"
    "     |-- 0.0.0.0\n"
    "        /0 universe UNICAST\n"
    "     +-- 127.0.0.0/8 2 0 2\n"
    "        +-- 127.0.0.0/31 1 0 0\n"
    "           |-- 127.0.0.0\n"
    "              /8 host LOCAL\n"
    "           |-- 127.0.0.1\n"
    "              /32 host LOCAL\n"
    "        |-- 127.255.255.255\n"
    "           /32 link BROADCAST\n"
    "     +-- 192.168.0.0/16 2 0 2\n"
    "        |-- 192.168.0.20\n"
    "           /32 host LOCAL\n"
    "        |-- 192.168.0.255\n"
    "           /32 link BROADCAST\n"
    "     +-- 192.0.2.0/24 2 0 2\n"
    "        +-- 192.0.2.0/30 2 0 2\n"
    "           |-- 192.0.2.0\n"
    "              /24 link UNICAST\n"
    "           |-- 192.0.2.2\n"
    "              /32 host LOCAL\n"
    "        |-- 192.0.2.255\n"
    "           /32 link BROADCAST\n"
    "Local:\n"
    "  +-- 0.0.0.0/0 3 0 5\n"
    "     +-- 192.0.2.0/24 2 0 2\n"
    "           |-- 192.0.2.2\n"
    "              /32 host LOCAL\n"
    "     +-- 192.168.0.0/16 2 0 2\n"
    "        |-- 192.168.0.20\n"
    "           /32 host LOCAL\n";

inline constexpr std::string_view kFixtureInet6 =
    "00000000000000000000000000000001 01 80 10 80       lo\n"
    "20010db8000000000000000000000042 02 40 00 80     eth0\n"
    "fe8000000000000000fc00fffe000001 02 40 20 80     eth0\n";

inline constexpr std::string_view kFixtureIpv6Route =
    "20010db8000000000000000000000000 40 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

// A laptop under `root`: DMI identity, interfaces eth0 (a symlink into /sys/devices, as on Linux),
// wlan0, lo and a dummy with an all-zero address, IPv4 and IPv6 addresses and default routes.
inline void AddFixtureMachine(MemoryFilesystem& filesystem, const std::string& root) {
  const std::string dmi = root + "/sys/class/dmi/id/";
  filesystem.AddFile(dmi + "sys_vendor", "Dell Inc.\n");
  filesystem.AddFile(dmi + "product_name", "Latitude 7440\n");
  filesystem.AddFile(dmi + "product_serial", "  ABC1234 \n");
  filesystem.AddFile(dmi + "chassis_asset_tag", "ASSET-0042\n");
  filesystem.AddFile(dmi + "product_uuid", "4c4c4544-0042-3510-8053-b4c04f564433\n");
  const std::string net = root + "/sys/class/net/";
  filesystem.AddFile(root + "/sys/devices/pci0000:00/net/eth0/address", "8c:47:be:01:02:03\n");
  filesystem.AddSymlink(net + "eth0", "/sys/devices/pci0000:00/net/eth0");
  filesystem.AddFile(net + "wlan0/address", "a4:5e:60:d1:22:33\n");
  filesystem.AddFile(net + "lo/address", "00:00:00:00:00:00\n");
  filesystem.AddFile(net + "dummy0/address", "00:00:00:00:00:00\n");
  filesystem.AddFile(root + "/proc/net/route", kFixtureRoute);
  filesystem.AddFile(root + "/proc/net/fib_trie", kFixtureFibTrie);
  filesystem.AddFile(root + "/proc/net/if_inet6", kFixtureInet6);
  filesystem.AddFile(root + "/proc/net/ipv6_route", kFixtureIpv6Route);
}

// Loads sequences with the built-in steps and runs their first step on the fixture machine.
class DynamicVariablesHarness {
 public:
  DynamicVariablesHarness()
      : root_("/machine", filesystem), clock_(std::chrono::system_clock::time_point{}) {
    RegisterBuiltinSteps(registry);
    AddFixtureMachine(filesystem, "/machine");
  }

  // The diagnostics of loading `yaml` ("" when it loads cleanly).
  std::string Check(const std::string& yaml) {
    Diagnostics diagnostics;
    const Result<SequencePointer> loaded = LoadSequence(yaml, "seq.yaml", registry, diagnostics);
    return diagnostics.ToString();
  }

  // Loads a sequence whose only step is SetDynamicVariables with `with` (YAML flow or block
  // text after "with:") and runs that step.
  StepResult Run(const std::string& with) {
    const SequenceNode& node = Load(with);
    const Step& step = *registry.Find("SetDynamicVariables");
    const StepProperties properties = StepProperties::Resolve(node, step.schema(), variables);
    StepContext context{node, properties, variables, root_, filesystem, processes_, clock_, log};
    return step.Run(context);
  }

  DryRunEffects DescribeDryRun(const std::string& with) {
    const SequenceNode& node = Load(with);
    const Step& step = *registry.Find("SetDynamicVariables");
    return step.DescribeDryRun(StepProperties::Resolve(node, step.schema(), variables));
  }

  // The log lines that are not about the machine's facts.
  std::string RuleLog() const {
    std::string text;
    for (const std::string& line : log.lines) {
      if (line.rfind("info: Gathered ", 0) == 0 || line.rfind("info: Not setting ", 0) == 0) {
        continue;
      }
      text += line + "\n";
    }
    return text;
  }

  StepRegistry registry;
  MemoryFilesystem filesystem;
  VariableStore variables;
  RecordingLog log;

 private:
  const SequenceNode& Load(const std::string& with) {
    Diagnostics diagnostics;
    const std::string yaml =
        "name: Dynamic\nsteps:\n  - name: Set dynamic variables\n    type: SetDynamicVariables\n" +
        (with.empty() ? std::string() : "    with:\n" + with);
    Result<SequencePointer> loaded = LoadSequence(yaml, "seq.yaml", registry, diagnostics);
    INFO(diagnostics.ToString());
    REQUIRE(loaded.ok());
    sequence_ = *loaded;
    return sequence_->steps.front();
  }

  MachineRoot root_;
  FakeProcessRunner processes_;
  FakeClock clock_;
  SequencePointer sequence_;
};

}  // namespace tseq::testing
