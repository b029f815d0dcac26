// The XDG user directories of one profile (Desktop, Documents, ...), which migration rule
// patterns name as $XDG_DOCUMENTS_DIR and so on. A profile may have localized or moved them in
// ~/.config/user-dirs.dirs (written by xdg-user-dirs-update:
// `XDG_DOCUMENTS_DIR="$HOME/Dokumente"`); a profile without that file uses the English defaults.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "platform/filesystem.h"

namespace tseq {

enum class UserDirectory {
  kDesktop,
  kDocuments,
  kDownload,
  kMusic,
  kPictures,
  kPublicShare,
  kTemplates,
  kVideos,
};
inline constexpr size_t kUserDirectoryCount = 8;

// The variable that names the directory, as in user-dirs.dirs: "XDG_DOCUMENTS_DIR".
std::string_view UserDirectoryVariable(UserDirectory directory);
// The directory's default name below the home: "Documents".
std::string_view UserDirectoryDefaultName(UserDirectory directory);
// The directory whose variable is `variable` (exact, case-sensitive), or nullopt.
std::optional<UserDirectory> FindUserDirectory(std::string_view variable);
// Every variable name, in the enum's order (for "did you mean").
std::vector<std::string> UserDirectoryVariables();

// Where each user directory is in one profile, as folder names below the home. Copyable.
class UserDirectories {
 public:
  // The defaults: Desktop, Documents, Downloads, Music, Pictures, Public, Templates, Videos.
  UserDirectories();

  // The directory's folders below the home ({"Dokumente"}, or {"Work", "Docs"}); empty when the
  // profile disabled it (set it to the home itself, as xdg-user-dirs does for a directory it
  // should not use). Patterns that start at a disabled directory match nothing.
  const std::vector<std::string>& Get(UserDirectory directory) const {
    return folders_[static_cast<size_t>(directory)];
  }
  void Set(UserDirectory directory, std::vector<std::string> folders) {
    folders_[static_cast<size_t>(directory)] = std::move(folders);
  }

  // Reads the text of a user-dirs.dirs file. `home` is the profile's home as the profile sees
  // it ("/home/alice"): values are "$HOME/NAME" or absolute paths. Lines that are not
  // `XDG_..._DIR=VALUE` assignments of a known directory are ignored, as xdg-user-dirs does.
  // A value that is the home itself disables the directory; a value outside the home, or with a
  // ".." folder, is ignored (the default stays: a rule relative to the home cannot reach it).
  static UserDirectories Parse(std::string_view text, std::string_view home);

  friend bool operator==(const UserDirectories&, const UserDirectories&) = default;

 private:
  std::array<std::vector<std::string>, kUserDirectoryCount> folders_;
};

// Reads the user-dirs.dirs file at `path` (a host path, say under a machine root) and parses
// it with UserDirectories::Parse; `home` is the profile's home as the profile sees it. A missing
// file gives the defaults; any other read error is returned.
Result<UserDirectories> ReadUserDirectories(const Filesystem& filesystem, const std::string& path,
                                            std::string_view home);

}  // namespace tseq
