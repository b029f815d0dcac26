/* A plugin whose step types clash: with a built-in type, and with probe_plugin.c's PluginProbe
 * (in different case); plus one free type. */
#include "steps/plugins/tseq_plugin.h"

static int Run(const struct tseq_step_call* call) {
  (void)call;
  return TSEQ_EXIT_SUCCESS;
}

static const struct tseq_step_descriptor kSteps[] = {
    {"RunCommandLine", "Clashes with a built-in type.", NULL, NULL, Run, NULL},
    {"pluginprobe", "Clashes with probe_plugin.c.", NULL, NULL, Run, NULL},
    {"ClashFree", "Does not clash.", NULL, NULL, Run, NULL},
};

static const struct tseq_plugin kPlugin = {TSEQ_PLUGIN_ABI_VERSION, "clashing", "1.0", kSteps,
                                           sizeof kSteps / sizeof kSteps[0]};

TSEQ_PLUGIN_EXPORT const struct tseq_plugin* tseq_plugin_entry(uint32_t host_abi_version) {
  (void)host_abi_version;
  return &kPlugin;
}
