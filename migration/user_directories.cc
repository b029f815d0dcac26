#include "migration/user_directories.h"

#include <utility>

#include "base/strings.h"

namespace tseq {
namespace {

struct UserDirectoryName {
  std::string_view variable;
  std::string_view default_name;
};

constexpr std::array<UserDirectoryName, kUserDirectoryCount> kUserDirectoryNames = {{
    {"XDG_DESKTOP_DIR", "Desktop"},
    {"XDG_DOCUMENTS_DIR", "Documents"},
    {"XDG_DOWNLOAD_DIR", "Downloads"},
    {"XDG_MUSIC_DIR", "Music"},
    {"XDG_PICTURES_DIR", "Pictures"},
    {"XDG_PUBLICSHARE_DIR", "Public"},
    {"XDG_TEMPLATES_DIR", "Templates"},
    {"XDG_VIDEOS_DIR", "Videos"},
}};

// The value of an assignment: a double-quoted shell word with backslash escapes, as
// xdg-user-dirs-update writes it, or a bare word.
std::string Unquote(std::string_view value) {
  if (value.empty() || value.front() != '"') return std::string(value);
  std::string text;
  for (size_t index = 1; index < value.size(); ++index) {
    const char character = value[index];
    if (character == '"') break;
    if (character == '\\' && index + 1 < value.size()) {
      text += value[++index];
    } else {
      text += character;
    }
  }
  return text;
}

// The folders of `path` below `home`, or nullopt when it is not at or below the home.
std::optional<std::vector<std::string>> FoldersBelowHome(std::string_view path,
                                                         std::string_view home) {
  std::string_view rest;
  if (path == "$HOME" || path.starts_with("$HOME/")) {
    rest = path.substr(5);
  } else {
    while (home.size() > 1 && home.back() == '/') home.remove_suffix(1);
    if (home.empty() || path.substr(0, home.size()) != home) return std::nullopt;
    rest = path.substr(home.size());
    if (!rest.empty() && rest.front() != '/') return std::nullopt;  // "/home/alicex"
  }
  std::vector<std::string> folders;
  for (std::string& name : Split(rest, '/')) {
    if (name.empty() || name == ".") continue;
    if (name == "..") return std::nullopt;
    folders.push_back(std::move(name));
  }
  return folders;
}

}  // namespace

std::string_view UserDirectoryVariable(UserDirectory directory) {
  return kUserDirectoryNames[static_cast<size_t>(directory)].variable;
}

std::string_view UserDirectoryDefaultName(UserDirectory directory) {
  return kUserDirectoryNames[static_cast<size_t>(directory)].default_name;
}

std::optional<UserDirectory> FindUserDirectory(std::string_view variable) {
  for (size_t index = 0; index < kUserDirectoryCount; ++index) {
    if (kUserDirectoryNames[index].variable == variable) return static_cast<UserDirectory>(index);
  }
  return std::nullopt;
}

std::vector<std::string> UserDirectoryVariables() {
  std::vector<std::string> variables;
  for (const UserDirectoryName& name : kUserDirectoryNames) {
    variables.emplace_back(name.variable);
  }
  return variables;
}

UserDirectories::UserDirectories() {
  for (size_t index = 0; index < kUserDirectoryCount; ++index) {
    folders_[index] = {std::string(kUserDirectoryNames[index].default_name)};
  }
}

UserDirectories UserDirectories::Parse(std::string_view text, std::string_view home) {
  UserDirectories directories;
  for (const std::string& raw_line : Split(text, '\n')) {
    const std::string_view line = TrimWhitespace(raw_line);
    if (line.empty() || line.front() == '#') continue;
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const std::optional<UserDirectory> directory =
        FindUserDirectory(TrimWhitespace(line.substr(0, equals)));
    if (!directory) continue;
    const std::string path = Unquote(TrimWhitespace(line.substr(equals + 1)));
    std::optional<std::vector<std::string>> folders = FoldersBelowHome(path, home);
    if (folders) directories.Set(*directory, std::move(*folders));
  }
  return directories;
}

Result<UserDirectories> ReadUserDirectories(const Filesystem& filesystem, const std::string& path,
                                            std::string_view home) {
  Result<std::string> text = filesystem.ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return UserDirectories();
    return text.status();
  }
  return UserDirectories::Parse(*text, home);
}

}  // namespace tseq
