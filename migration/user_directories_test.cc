#include "migration/user_directories.h"

#include <doctest/doctest.h>

#include "platform/memory_filesystem.h"

namespace tseq {
namespace {

using Folders = std::vector<std::string>;

TEST_SUITE("UserDirectories") {
  TEST_CASE("defaults to the English names") {
    const UserDirectories directories;
    CHECK(directories.Get(UserDirectory::kDesktop) == Folders{"Desktop"});
    CHECK(directories.Get(UserDirectory::kDocuments) == Folders{"Documents"});
    CHECK(directories.Get(UserDirectory::kDownload) == Folders{"Downloads"});
    CHECK(directories.Get(UserDirectory::kMusic) == Folders{"Music"});
    CHECK(directories.Get(UserDirectory::kPictures) == Folders{"Pictures"});
    CHECK(directories.Get(UserDirectory::kPublicShare) == Folders{"Public"});
    CHECK(directories.Get(UserDirectory::kTemplates) == Folders{"Templates"});
    CHECK(directories.Get(UserDirectory::kVideos) == Folders{"Videos"});
    CHECK(UserDirectoryVariable(UserDirectory::kPublicShare) == "XDG_PUBLICSHARE_DIR");
    CHECK(FindUserDirectory("XDG_VIDEOS_DIR") == UserDirectory::kVideos);
    CHECK_FALSE(FindUserDirectory("xdg_videos_dir").has_value());
  }

  TEST_CASE("reads the names xdg-user-dirs-update writes") {
    const UserDirectories directories = UserDirectories::Parse(
        "# This file is written by xdg-user-dirs-update\n"
        "XDG_DESKTOP_DIR=\"$HOME/Schreibtisch\"\n"
        "XDG_DOCUMENTS_DIR=\"$HOME/Work/Dokumente/\"\n"
        "XDG_DOWNLOAD_DIR=\"/home/alice/Downloads Neu\"\n"
        "XDG_MUSIC_DIR=\"$HOME/Mus\\\"ik\"\n"
        "  XDG_PICTURES_DIR = \"$HOME/./Bilder\"  \n"
        "XDG_PUBLICSHARE_DIR=\"$HOME/\"\n"
        "XDG_TEMPLATES_DIR=\"$HOME\"\n"
        "XDG_VIDEOS_DIR=$HOME/Videos2\n",
        "/home/alice/");
    CHECK(directories.Get(UserDirectory::kDesktop) == Folders{"Schreibtisch"});
    CHECK(directories.Get(UserDirectory::kDocuments) == Folders{"Work", "Dokumente"});
    CHECK(directories.Get(UserDirectory::kDownload) == Folders{"Downloads Neu"});
    CHECK(directories.Get(UserDirectory::kMusic) == Folders{"Mus\"ik"});
    CHECK(directories.Get(UserDirectory::kPictures) == Folders{"Bilder"});
    CHECK(directories.Get(UserDirectory::kPublicShare).empty());  // disabled
    CHECK(directories.Get(UserDirectory::kTemplates).empty());
    CHECK(directories.Get(UserDirectory::kVideos) == Folders{"Videos2"});
  }

  TEST_CASE("keeps the default for values it cannot place below the home") {
    const UserDirectories directories = UserDirectories::Parse(
        "XDG_DESKTOP_DIR=\"/data/desktop\"\n"
        "XDG_DOCUMENTS_DIR=\"/home/alicex/Documents\"\n"
        "XDG_MUSIC_DIR=\"$HOME/../bob/Music\"\n"
        "XDG_PICTURES_DIR\n"
        "XDG_UNKNOWN_DIR=\"$HOME/x\"\n"
        "garbage\n",
        "/home/alice");
    CHECK(directories == UserDirectories());
  }

  TEST_CASE("reads the file, and gives the defaults when there is none") {
    MemoryFilesystem filesystem;
    filesystem.AddFile("/root/home/alice/.config/user-dirs.dirs",
                       "XDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n");
    Result<UserDirectories> directories =
        ReadUserDirectories(filesystem, "/root/home/alice/.config/user-dirs.dirs", "/home/alice");
    REQUIRE(directories.ok());
    CHECK(directories->Get(UserDirectory::kDocuments) == Folders{"Dokumente"});

    directories =
        ReadUserDirectories(filesystem, "/root/home/bob/.config/user-dirs.dirs", "/home/bob");
    REQUIRE(directories.ok());
    CHECK(*directories == UserDirectories());

    filesystem.AddFile("/root/home/carol/.config/user-dirs.dirs/oops", "");
    directories =
        ReadUserDirectories(filesystem, "/root/home/carol/.config/user-dirs.dirs", "/home/carol");
    CHECK_FALSE(directories.ok());
  }
}

}  // namespace
}  // namespace tseq
