// /config files, USMT's Config.xml for tseq: which components of the loaded rule files to
// migrate. scanstate /genconfig writes one (MigrationRules::GenerateConfig); an administrator
// sets `migrate: false` on what to leave out and passes it back with /config:
//
//   components:
//     - name: "Documents"
//       migrate: true
//     - name: "Firefox"
//       migrate: false
//
// A component the file does not list keeps the default of its rule file (`enabled`), as in
// USMT, where deleting a component from Config.xml does not exclude it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/status.h"
#include "platform/filesystem.h"

namespace tseq {

struct ConfigEntry {
  std::string name;
  bool migrate = true;
  SourceLocation location;  // of the name
};

struct MigrationConfig {
  std::string file_name;
  std::vector<ConfigEntry> components;  // in file order
};

// Parses a /config file. Returns nullopt after adding every problem to `diagnostics`
// (`FILE:LINE:COL: error: MESSAGE`): a YAML syntax error, an unknown key (with "did you mean"),
// a missing 'components', 'name' or 'migrate', a 'migrate' that is not true or false, a name
// listed twice ("component 'Documents' is already listed at FILE:3:11"; names ignore case).
// Whether the names exist is checked when the config is applied to rules.
std::optional<MigrationConfig> ParseMigrationConfig(std::string_view text,
                                                    const std::string& file_name,
                                                    Diagnostics& diagnostics);

// Reads and parses the /config file at `path`. On failure the Status is InvalidArgument whose
// message is every diagnostic, one per line (no final newline), or the read error naming the
// path. USMT answers either with return code 39.
Result<MigrationConfig> ReadMigrationConfig(const Filesystem& filesystem, const std::string& path);

}  // namespace tseq
