/* A plugin for the loader tests: one good step type, and three the loader must skip. */
#include "steps/plugins/tseq_plugin.h"

static int Run(const struct tseq_step_call* call) {
  (void)call;
  return TSEQ_EXIT_SUCCESS;
}

static const struct tseq_step_descriptor kSteps[] = {
    {"PartlyGood", "Works.", NULL, NULL, Run, NULL},
    {"BadSchema", "A property of an unknown type.", "[{\"name\": \"x\", \"type\": \"strin\"}]",
     NULL, Run, NULL},
    {"NoRun", "No run function.", NULL, NULL, NULL, NULL},
    {"bad name", "Not a valid type name.", NULL, NULL, Run, NULL},
};

static const struct tseq_plugin kPlugin = {TSEQ_PLUGIN_ABI_VERSION, "partly bad", "1.0", kSteps,
                                           sizeof kSteps / sizeof kSteps[0]};

TSEQ_PLUGIN_EXPORT const struct tseq_plugin* tseq_plugin_entry(uint32_t host_abi_version) {
  (void)host_abi_version;
  return &kPlugin;
}
