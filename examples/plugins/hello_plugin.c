/*
 * hello_plugin: an example shared-library step plugin for tseq (docs/plugins.md).
 *
 * Step type WriteMessageFile writes its `message` property, plus a newline, to the file `path`
 * on the machine (inside `tseq run --root`), replacing it or, with `append: true`, adding to it,
 * and sets MessageFilePath and MessageFileSize. It refuses paths with ".." components and does
 * not follow a symlink at the final component, so it stays inside the machine root.
 *
 * Build: cc -shared -fPIC -fvisibility=hidden -I TSEQ_SOURCE hello_plugin.c -o hello_plugin.so
 * (the project's CMake builds it into build/.../examples/plugins/plugins/).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "steps/plugins/tseq_plugin.h"

/* The resolved text of a property, or NULL when it has no value. */
static const char* Property(const struct tseq_step_call* call, const char* name) {
  size_t index;
  for (index = 0; index < call->property_count; ++index) {
    if (strcmp(call->properties[index].name, name) == 0) return call->properties[index].value;
  }
  return NULL;
}

static int Fail(const struct tseq_step_call* call, const char* message) {
  call->api->set_failure_message(call->host, message);
  return 1;
}

static int HasParentComponent(const char* path) {
  const char* component = path;
  while (component != NULL && *component != '\0') {
    const char* end = strchr(component, '/');
    size_t length = end == NULL ? strlen(component) : (size_t)(end - component);
    if (length == 2 && component[0] == '.' && component[1] == '.') return 1;
    component = end == NULL ? NULL : end + 1;
  }
  return 0;
}

static int WriteMessageFile(const struct tseq_step_call* call) {
  const struct tseq_host_api* api = call->api;
  const char* path = Property(call, "path");
  const char* message = Property(call, "message");
  const char* append = Property(call, "append");
  const char* sequence = api->get_variable(call->host, "_SMSTSPackageName", NULL);
  char host_path[4096];
  char line[4096 + 128];
  char size_text[32];
  size_t size;
  int descriptor;
  int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;

  if (path == NULL || path[0] != '/') return Fail(call, "'path' must be an absolute machine path");
  if (HasParentComponent(path)) return Fail(call, "'path' must not contain '..'");
  /* The root is "/" for the real machine: avoid "//" in the host path. */
  if (snprintf(host_path, sizeof host_path, "%s%s",
               strcmp(call->machine_root, "/") == 0 ? "" : call->machine_root,
               path) >= (int)sizeof host_path) {
    return Fail(call, "'path' is too long");
  }
  flags |= append != NULL && strcmp(append, "true") == 0 ? O_APPEND : O_TRUNC;
  descriptor = open(host_path, flags, 0644);
  if (descriptor < 0) {
    snprintf(line, sizeof line, "cannot open '%s': %s", path, strerror(errno));
    return Fail(call, line);
  }
  size = strlen(message == NULL ? "" : message);
  if ((size > 0 && write(descriptor, message, size) != (ssize_t)size) ||
      write(descriptor, "\n", 1) != 1) {
    snprintf(line, sizeof line, "cannot write '%s': %s", path, strerror(errno));
    close(descriptor);
    return Fail(call, line);
  }
  if (close(descriptor) != 0) {
    snprintf(line, sizeof line, "cannot write '%s': %s", path, strerror(errno));
    return Fail(call, line);
  }

  snprintf(line, sizeof line, "Wrote %zu bytes to %s for sequence '%s'", size + 1, path,
           sequence == NULL ? "?" : sequence);
  api->log(call->host, TSEQ_LOG_INFO, line);
  snprintf(size_text, sizeof size_text, "%zu", size + 1);
  if (api->set_variable(call->host, "MessageFilePath", path, 0) != 0 ||
      api->set_variable(call->host, "MessageFileSize", size_text, 0) != 0) {
    return Fail(call, api->last_error(call->host));
  }
  return TSEQ_EXIT_SUCCESS;
}

static const struct tseq_step_descriptor kSteps[] = {
    {
        "WriteMessageFile",
        "Writes a message to a file on the machine (an example plugin).",
        "["
        " {\"name\": \"path\", \"type\": \"string\", \"required\": true,"
        "  \"description\": \"Machine path of the file to write.\"},"
        " {\"name\": \"message\", \"type\": \"string\", \"required\": true,"
        "  \"description\": \"The text to write; %NAME% references are expanded.\"},"
        " {\"name\": \"append\", \"type\": \"boolean\", \"default\": false,"
        "  \"actionVariable\": \"MessageFileAppend\","
        "  \"description\": \"Add to the file instead of replacing it.\"}"
        "]",
        "["
        " {\"variable\": \"MessageFilePath\", \"description\": \"The machine path written.\"},"
        " {\"variable\": \"MessageFileSize\", \"description\": \"The bytes written.\"}"
        "]",
        WriteMessageFile,
        NULL,
    },
};

static const struct tseq_plugin kPlugin = {
    TSEQ_PLUGIN_ABI_VERSION, "hello_plugin", "1.0", kSteps, sizeof kSteps / sizeof kSteps[0],
};

TSEQ_PLUGIN_EXPORT const struct tseq_plugin* tseq_plugin_entry(uint32_t host_abi_version) {
  /* A plugin that needed a newer host API would compare host_abi_version here and return NULL. */
  (void)host_abi_version;
  return &kPlugin;
}
