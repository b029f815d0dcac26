/* A plugin whose descriptor claims the ABI version PLUGIN_ABI_VERSION (set by CMake), for the
 * loader's version checks. */
#include "steps/plugins/tseq_plugin.h"

static int Run(const struct tseq_step_call* call) {
  (void)call;
  return TSEQ_EXIT_SUCCESS;
}

static const struct tseq_step_descriptor kSteps[] = {
    {"VersionedProbe", "Claims another ABI version.", NULL, NULL, Run, NULL},
};

static const struct tseq_plugin kPlugin = {PLUGIN_ABI_VERSION, "versioned", "1.0", kSteps, 1};

TSEQ_PLUGIN_EXPORT const struct tseq_plugin* tseq_plugin_entry(uint32_t host_abi_version) {
  (void)host_abi_version;
  return &kPlugin;
}
