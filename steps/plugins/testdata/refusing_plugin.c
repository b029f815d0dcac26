/* A plugin that refuses every host: its entry returns NULL. */
#include "steps/plugins/tseq_plugin.h"

TSEQ_PLUGIN_EXPORT const struct tseq_plugin* tseq_plugin_entry(uint32_t host_abi_version) {
  (void)host_abi_version;
  return NULL;
}
