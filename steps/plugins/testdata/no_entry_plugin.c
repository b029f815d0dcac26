/* A shared library without tseq_plugin_entry. */
#include "steps/plugins/tseq_plugin.h"

TSEQ_PLUGIN_EXPORT int not_a_tseq_plugin(void);

TSEQ_PLUGIN_EXPORT int not_a_tseq_plugin(void) { return 42; }
