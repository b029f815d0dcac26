/*
 * tseq_plugin.h: the C ABI of tseq shared-library step plugins (docs/plugins.md).
 *
 * A plugin is a shared library (NAME.so) in a plugin directory that exports one function,
 * tseq_plugin_entry. tseq loads it with dlopen(RTLD_NOW | RTLD_LOCAL), calls the entry once with
 * the host's ABI version and reads the returned descriptor: the plugin's ABI version and its step
 * types. Each step type has a name, a description, its properties and outputs as JSON text (the
 * same format as an executable plugin's manifest) and a run callback.
 *
 * Versioning: an ABI version is (MAJOR << 16) | MINOR. tseq loads a plugin only when the MAJOR
 * numbers are equal and the plugin's MINOR is not greater than the host's. A MINOR release only
 * appends members at the end of these structures, so a plugin built against an older MINOR keeps
 * working; a MAJOR release may change anything.
 *
 * Threading and lifetime: the entry and run callbacks are called from one thread at a time. The
 * descriptor returned by the entry, and every string and array it points to, must stay valid
 * until the library is unloaded (use static storage). Everything the host passes to a run
 * callback is valid only until that callback returns.
 *
 * Plain C (C99 or later), usable from C++. Run callbacks written in C++ must not let exceptions
 * escape.
 */
#ifndef TSEQ_PLUGIN_H_
#define TSEQ_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A C ABI: its names follow C conventions, not the project's C++ naming rules. */
/* NOLINTBEGIN(readability-identifier-naming) */

/* Unsigned 32-bit constants (UINT32_C) rather than casts, so the macros compile cleanly in C++. */
#define TSEQ_PLUGIN_ABI_MAJOR UINT32_C(1)
#define TSEQ_PLUGIN_ABI_MINOR UINT32_C(0)
#define TSEQ_PLUGIN_ABI_VERSION ((TSEQ_PLUGIN_ABI_MAJOR << 16) | TSEQ_PLUGIN_ABI_MINOR)
/* The parts of a version; `version` must be a uint32_t. */
#define TSEQ_PLUGIN_ABI_VERSION_MAJOR(version) ((version) >> 16)
#define TSEQ_PLUGIN_ABI_VERSION_MINOR(version) ((version)&UINT32_C(0xffff))

/* The name of the function every plugin exports. */
#define TSEQ_PLUGIN_ENTRY_NAME "tseq_plugin_entry"

/* Exit codes of a run callback with a meaning to the engine; any other value fails the step. */
#define TSEQ_EXIT_SUCCESS 0
#define TSEQ_EXIT_SUCCESS_RESTART 3010 /* succeeded; the engine restarts the machine */

/* Marks the entry function as exported when the plugin is built with -fvisibility=hidden. */
#if defined(__GNUC__)
#define TSEQ_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define TSEQ_PLUGIN_EXPORT
#endif

enum tseq_log_type { TSEQ_LOG_INFO = 1, TSEQ_LOG_WARNING = 2, TSEQ_LOG_ERROR = 3 };

/* The engine's side of one run; opaque to plugins. */
typedef struct tseq_host tseq_host;

/* One resolved property: the value the step sees after action variables, the sequence's `with:`
 * and the default were applied and %NAME% references expanded, as text: strings as they are,
 * booleans "true" or "false", integers in decimal, durations as a decimal number of
 * milliseconds, enums spelled as declared, string lists as their items joined by single spaces,
 * map and list properties as compact JSON. Properties without a value are left out. */
struct tseq_property {
  const char* name;
  const char* value;
  int secret; /* non-zero: never log or show the value */
};

/* The services the engine offers to a running step. Every function takes the `host` of the
 * tseq_step_call and may be called only during that run callback. None of them throws. */
struct tseq_host_api {
  uint32_t abi_version; /* the host's TSEQ_PLUGIN_ABI_VERSION */

  /* The value of a task sequence variable (names are case-insensitive), or NULL when it is not
   * set. When `secret` is not NULL it receives 1 for a secret variable, else 0. The string stays
   * valid until the run callback returns. */
  const char* (*get_variable)(tseq_host* host, const char* name, int* secret);

  /* Sets a variable, as the SetVariable step does: an empty value deletes it, names beginning
   * with '_' are read-only, `secret` non-zero marks the value secret. Returns 0 on success, -1
   * when the engine refuses (last_error says why). A refused set also fails the step with that
   * message, whatever the callback returns. */
  int (*set_variable)(tseq_host* host, const char* name, const char* value, int secret);

  /* Writes a line to the sequence log (smsts.log) with the given tseq_log_type. Known secret
   * values are masked. */
  void (*log)(tseq_host* host, int type, const char* message);

  /* Why the step failed, shown in "Failed to run the action: NAME. MESSAGE". Used only when the
   * callback returns a failing exit code. */
  void (*set_failure_message)(tseq_host* host, const char* message);

  /* The reason of the last failed call of this run, or "" when none failed. Valid until the next
   * call. */
  const char* (*last_error)(tseq_host* host);
};

/* Everything a run callback receives. */
struct tseq_step_call {
  const struct tseq_host_api* api;
  tseq_host* host;
  const char* step_name;    /* the step's `name:` in the sequence */
  const char* step_type;    /* the tseq_step_descriptor's type */
  const char* machine_root; /* host path of the machine's "/" (tseq run --root), no trailing '/' */
  const struct tseq_property* properties;
  size_t property_count;
  /* The same properties as a JSON object with typed values (the "properties" member of the
   * executable plugin protocol): booleans as true/false, integers and durations (in
   * milliseconds) as numbers, lists as arrays, maps as objects. */
  const char* properties_json;
  void* user_data; /* the descriptor's user_data */
};

/* Does the step's work and returns its exit code: TSEQ_EXIT_SUCCESS, TSEQ_EXIT_SUCCESS_RESTART
 * or a failure code (it becomes _SMSTSLastActionRetCode). */
typedef int (*tseq_run_function)(const struct tseq_step_call* call);

struct tseq_step_descriptor {
  const char* type;        /* the step type, e.g. "WriteMessageFile"; letters and digits */
  const char* description; /* one line for `tseq steps`; may be NULL */
  /* A JSON array of property objects, as in a manifest's "properties" (docs/plugins.md); NULL or
   * "" for none. */
  const char* properties_json;
  /* A JSON array of output objects, as in a manifest's "outputs"; NULL or "" for none. */
  const char* outputs_json;
  tseq_run_function run;
  void* user_data; /* passed back in tseq_step_call */
};

struct tseq_plugin {
  /* TSEQ_PLUGIN_ABI_VERSION of the header the plugin was built with. The first member in every
   * ABI version, so that any host can read it. */
  uint32_t abi_version;
  const char* name;    /* shown in the log when its steps run; may be NULL */
  const char* version; /* the plugin's own version, shown with the name; may be NULL */
  const struct tseq_step_descriptor* steps;
  size_t step_count;
};

/* The entry point. Returns the plugin's descriptor, or NULL to refuse to load (for example when
 * `host_abi_version` is older than a feature the plugin needs). */
typedef const struct tseq_plugin* (*tseq_plugin_entry_function)(uint32_t host_abi_version);

TSEQ_PLUGIN_EXPORT const struct tseq_plugin* tseq_plugin_entry(uint32_t host_abi_version);

/* NOLINTEND(readability-identifier-naming) */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TSEQ_PLUGIN_H_ */
