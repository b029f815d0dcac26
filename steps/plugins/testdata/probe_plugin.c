/* A shared-library plugin for the tests of steps/plugins: "PluginProbe" exercises every part of
 * the host API as its properties ask; "QuietProbe" does nothing and succeeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steps/plugins/tseq_plugin.h"

static const char* Property(const struct tseq_step_call* call, const char* name) {
  size_t index;
  for (index = 0; index < call->property_count; ++index) {
    if (strcmp(call->properties[index].name, name) == 0) return call->properties[index].value;
  }
  return NULL;
}

static int ProbeRun(const struct tseq_step_call* call) {
  const struct tseq_host_api* api = call->api;
  char line[1024];
  const char* text;
  const char* read_name = Property(call, "readVariable");
  const char* set_name = Property(call, "setName");
  const char* exit_code = Property(call, "exitCode");
  size_t index;

  snprintf(line, sizeof line, "step %s of type %s in %s", call->step_name, call->step_type,
           call->machine_root);
  api->log(call->host, TSEQ_LOG_INFO, line);
  for (index = 0; index < call->property_count; ++index) {
    snprintf(line, sizeof line, "property %s=%s secret=%d", call->properties[index].name,
             call->properties[index].value, call->properties[index].secret);
    api->log(call->host, TSEQ_LOG_INFO, line);
  }
  api->log(call->host, TSEQ_LOG_INFO, call->properties_json);
  if (read_name != NULL) {
    int secret = -1;
    text = api->get_variable(call->host, read_name, &secret);
    snprintf(line, sizeof line, "read %s=%s secret=%d", read_name, text == NULL ? "(unset)" : text,
             secret);
    api->log(call->host, TSEQ_LOG_WARNING, line);
  }
  if (set_name != NULL) {
    const char* secret = Property(call, "setSecret");
    const char* value = Property(call, "setValue");
    if (api->set_variable(call->host, set_name, value == NULL ? "" : value,
                          secret != NULL && strcmp(secret, "true") == 0) != 0) {
      snprintf(line, sizeof line, "refused: %s", api->last_error(call->host));
      api->log(call->host, TSEQ_LOG_ERROR, line);
    }
  }
  text = Property(call, "failureMessage");
  if (text != NULL) api->set_failure_message(call->host, text);
  return exit_code == NULL ? TSEQ_EXIT_SUCCESS : (int)strtol(exit_code, NULL, 10);
}

static int QuietRun(const struct tseq_step_call* call) {
  (void)call;
  return TSEQ_EXIT_SUCCESS;
}

static const struct tseq_step_descriptor kSteps[] = {
    {"PluginProbe", "Exercises the host API for tests.",
     "[{\"name\": \"exitCode\", \"type\": \"integer\", \"default\": 0},"
     " {\"name\": \"readVariable\", \"type\": \"string\"},"
     " {\"name\": \"setName\", \"type\": \"string\"},"
     " {\"name\": \"setValue\", \"type\": \"string\", \"actionVariable\": \"ProbeSetValue\"},"
     " {\"name\": \"setSecret\", \"type\": \"boolean\", \"default\": false},"
     " {\"name\": \"failureMessage\", \"type\": \"string\"},"
     " {\"name\": \"token\", \"type\": \"string\", \"secret\": true},"
     " {\"name\": \"mode\", \"type\": \"enum\", \"allowedValues\": [\"Fast\", \"Slow\"]},"
     " {\"name\": \"wait\", \"type\": \"duration\"},"
     " {\"name\": \"words\", \"type\": \"stringList\"},"
     " {\"name\": \"settings\", \"type\": \"map\"}]",
     "[{\"variable\": \"ProbeOutput\", \"description\": \"What the probe set.\"}]", ProbeRun, NULL},
    {"QuietProbe", "Does nothing.", NULL, NULL, QuietRun, NULL},
};

static const struct tseq_plugin kPlugin = {TSEQ_PLUGIN_ABI_VERSION, "probe", "1.0", kSteps,
                                           sizeof kSteps / sizeof kSteps[0]};

TSEQ_PLUGIN_EXPORT const struct tseq_plugin* tseq_plugin_entry(uint32_t host_abi_version) {
  (void)host_abi_version;
  return &kPlugin;
}
