// tseq_bench_generate: writes the inputs of bench/run.sh (docs/benchmarks.md).
//
//   usage: tseq_bench_generate OUTPUT_DIR STEPS...
//          tseq_bench_generate --no-op OUTPUT_DIR STEPS...
//
// For each STEPS (a multiple of 20) it writes OUTPUT_DIR/sequence-STEPS.yaml and the equivalent
// Ansible playbook OUTPUT_DIR/playbook-STEPS.yml, and once the machine root OUTPUT_DIR/root that
// both are evaluated against (os-release, a dpkg database, files and folders). The sequence has
// groups nested three deep (phases of 500 steps, stages of 100, blocks of 20), conditions of every
// kind but `command:` (mostly on variables; some file, folder, os and package leaves),
// SetVariable steps whose values later conditions test, RunCommandLine steps (some with an output
// variable or a secret in the command line), a few restarts and disabled steps and groups. The
// playbook has one task per step (set_fact for SetVariable, debug for the others), one block per
// group and the same conditions as `when:` expressions. The content depends only on STEPS.
//
// With --no-op it writes, for bench/run_overhead.sh, OUTPUT_DIR/noop-STEPS.yaml (STEPS SetVariable
// steps of one constant) and OUTPUT_DIR/noop-playbook-STEPS.yml (STEPS set_fact tasks); STEPS is
// then any positive number.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/benchmark_model.h"

namespace {

bool WriteFile(const std::filesystem::path& path, std::string_view contents) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  stream.close();
  if (!stream) {
    std::fprintf(stderr, "tseq_bench_generate: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

// --no-op OUTPUT_DIR STEPS...
int WriteNoOp(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s --no-op OUTPUT_DIR STEPS...\n", argv[0]);
    return 2;
  }
  const std::filesystem::path output = argv[2];
  std::error_code error;
  std::filesystem::create_directories(output, error);
  if (error) {
    std::fprintf(stderr, "tseq_bench_generate: cannot create %s: %s\n", argv[2],
                 error.message().c_str());
    return 1;
  }
  for (int index = 3; index < argc; ++index) {
    const std::string steps_text = argv[index];
    int steps = 0;
    try {
      steps = std::stoi(steps_text);
    } catch (const std::exception&) {
      steps = 0;
    }
    if (steps <= 0) {
      std::fprintf(stderr, "tseq_bench_generate: STEPS must be a positive number: %s\n",
                   steps_text.c_str());
      return 2;
    }
    if (!WriteFile(output / ("noop-" + steps_text + ".yaml"),
                   tseq::bench::FormatNoOpSequence(steps)) ||
        !WriteFile(output / ("noop-playbook-" + steps_text + ".yml"),
                   tseq::bench::FormatNoOpPlaybook(steps))) {
      return 1;
    }
    std::printf("no-op %s: %d steps\n", steps_text.c_str(), steps);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--no-op") return WriteNoOp(argc, argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR STEPS...\n", argv[0]);
    return 2;
  }
  std::error_code error;
  const std::filesystem::path output = std::filesystem::absolute(argv[1], error);
  std::filesystem::create_directories(output / "root", error);
  if (error) {
    std::fprintf(stderr, "tseq_bench_generate: cannot create %s: %s\n", argv[1],
                 error.message().c_str());
    return 1;
  }
  const std::filesystem::path root = output / "root";
  for (const auto& [relative, contents] : tseq::bench::MachineRootFiles()) {
    const std::filesystem::path path = root / relative;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error || !WriteFile(path, contents)) return 1;
  }
  for (const std::string& folder : tseq::bench::MachineRootFolders()) {
    std::filesystem::create_directories(root / folder, error);
    if (error) return 1;
  }

  for (int index = 2; index < argc; ++index) {
    const std::string steps_text = argv[index];
    int steps = 0;
    try {
      steps = std::stoi(steps_text);
    } catch (const std::exception&) {
      steps = 0;
    }
    if (steps <= 0 || steps % tseq::bench::kStepsPerBlock != 0) {
      std::fprintf(stderr, "tseq_bench_generate: STEPS must be a positive multiple of %d: %s\n",
                   tseq::bench::kStepsPerBlock, steps_text.c_str());
      return 2;
    }
    const tseq::bench::Benchmark benchmark = tseq::bench::BuildBenchmark(steps);
    if (!WriteFile(output / ("sequence-" + steps_text + ".yaml"),
                   tseq::bench::FormatSequence(benchmark)) ||
        !WriteFile(output / ("playbook-" + steps_text + ".yml"),
                   tseq::bench::FormatPlaybook(benchmark, root.string()))) {
      return 1;
    }
    std::printf("%s: %d steps, %d groups\n", steps_text.c_str(), benchmark.step_count,
                benchmark.group_count);
  }
  return 0;
}
