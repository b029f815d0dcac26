#include "platform/file_metadata.h"

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "platform/fake_metadata_reader.h"
#include "tests/support/temp_directory.h"

namespace tseq {
namespace {

void SetTime(const std::string& path, int64_t seconds, long nanoseconds) {  // NOLINT(runtime/int)
  timespec times[2] = {};
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = static_cast<time_t>(seconds);
  times[1].tv_nsec = nanoseconds;
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

// Sets a user.* attribute; false when the filesystem has none (the test is then skipped).
bool SetUserAttribute(const std::string& path, const std::string& name, const std::string& value) {
  if (::setxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) == 0) return true;
  REQUIRE(errno == EOPNOTSUPP);
  MESSAGE("skipped: the temporary filesystem has no user extended attributes");
  return false;
}

// Sets an ACL with libacl; false when the filesystem has none (the test is then skipped).
bool SetAcl(const std::string& path, acl_type_t type, const std::string& text) {
  acl_t acl = acl_from_text(text.c_str());
  REQUIRE(acl != nullptr);
  const int result = acl_set_file(path.c_str(), type, acl);
  const int error = errno;
  acl_free(acl);
  if (result == 0) return true;
  REQUIRE(error == EOPNOTSUPP);
  MESSAGE("skipped: the temporary filesystem has no POSIX ACLs");
  return false;
}

// A file known by its path only: no descriptor.
class PathOnlyFile : public ReadableFile {
 public:
  explicit PathOnlyFile(std::string path) : path_(std::move(path)) {}
  Result<size_t> ReadAt(uint64_t, char*, size_t) const override { return size_t{0}; }
  Result<uint64_t> Size() const override { return uint64_t{0}; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
};

// A reader that knows paths only, as the scripted readers of tests do.
class PathReader : public MetadataReader {
 public:
  Result<FileMetadata> Read(const std::string& path) const override {
    FileMetadata metadata;
    metadata.symlink_target = "read by path: " + path;
    return metadata;
  }
};

OpenedFile Open(const std::string& path) {
  Result<OpenedFile> opened = NewPosixFilesystem()->OpenRegularFile(path);
  REQUIRE_MESSAGE(opened.ok(), opened.status().message());
  return std::move(opened).value();
}

Result<std::string> Numbered(AclQualifierKind kind, const std::string& qualifier) {
  if (qualifier == "nobody") return NotFoundError("no such user 'nobody'");
  return std::string(kind == AclQualifierKind::kUser ? "U" : "G") + qualifier;
}

TEST_SUITE("PosixMetadataReader") {
  TEST_CASE("a regular file's type, mode, owner, size and nanosecond time are read") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("file", "12345");
    REQUIRE(::chmod(path.c_str(), 04751) == 0);
    SetTime(path, 1700000000, 123456789);
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(path);
    REQUIRE(metadata.ok());
    struct stat status {};
    REQUIRE(::lstat(path.c_str(), &status) == 0);
    CHECK(metadata->type == FileType::kRegular);
    CHECK(metadata->mode == 04751);
    CHECK(metadata->uid == ::getuid());
    CHECK(metadata->gid == ::getgid());
    CHECK(metadata->size == 5);
    CHECK(metadata->modified == FileTime{1700000000, 123456789});
    CHECK(metadata->inode == status.st_ino);
    CHECK(metadata->device == status.st_dev);
    CHECK(metadata->link_count == 1);
    CHECK(metadata->symlink_target.empty());
    CHECK(metadata->access_acl.empty());
  }

  TEST_CASE("a symlink is described itself, its target never read") {
    testing::TempDirectory temp;
    const std::string target = temp.WriteFile("target", "content");
    REQUIRE(::chmod(target.c_str(), 0600) == 0);
    const std::string link = temp.Join("link");
    REQUIRE(::symlink("target", link.c_str()) == 0);
    SetTime(link, 1600000000, 5);
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(link);
    REQUIRE(metadata.ok());
    CHECK(metadata->type == FileType::kSymlink);
    CHECK(metadata->symlink_target == "target");
    CHECK(metadata->size == 6);
    CHECK(metadata->modified == FileTime{1600000000, 5});
    CHECK(metadata->access_acl.empty());
  }

  TEST_CASE("a dangling symlink is described") {
    testing::TempDirectory temp;
    const std::string link = temp.Join("dangling");
    REQUIRE(::symlink("/nonexistent/tseq", link.c_str()) == 0);
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(link);
    REQUIRE(metadata.ok());
    CHECK(metadata->symlink_target == "/nonexistent/tseq");
  }

  TEST_CASE("a FIFO is described without being opened") {
    testing::TempDirectory temp;
    const std::string fifo = temp.Join("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0640) == 0);
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(fifo);
    REQUIRE(metadata.ok());
    CHECK(metadata->type == FileType::kOther);
    CHECK(metadata->mode == 0640);
  }

  TEST_CASE("a missing path is NotFound naming it") {
    testing::TempDirectory temp;
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(temp.Join("missing"));
    CHECK(metadata.status().code() == StatusCode::kNotFound);
    CHECK(metadata.status().message() ==
          "cannot read the metadata of '" + temp.Join("missing") + "': No such file or directory");
  }

  TEST_CASE("user extended attributes are read, sorted by name, with binary values") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("file", "");
    if (!SetUserAttribute(path, "user.zeta", std::string("a\0b", 3))) return;
    REQUIRE(SetUserAttribute(path, "user.alpha", ""));
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(path);
    REQUIRE(metadata.ok());
    const std::vector<ExtendedAttribute> expected = {{"user.alpha", ""},
                                                     {"user.zeta", std::string("a\0b", 3)}};
    CHECK(metadata->extended_attributes == expected);
  }

  TEST_CASE("a symlink's own attributes are read, not its target's") {
    if (::geteuid() != 0) {
      MESSAGE("skipped: trusted.* attributes (the only kind a symlink can carry) need root");
      return;
    }
    testing::TempDirectory temp;
    const std::string target = temp.WriteFile("target", "");
    const std::string link = temp.Join("link");
    REQUIRE(::symlink("target", link.c_str()) == 0);
    if (::lsetxattr(link.c_str(), "trusted.tseq", "link", 4, 0) != 0) {
      REQUIRE(errno == EOPNOTSUPP);
      MESSAGE("skipped: no trusted.* attributes on this filesystem");
      return;
    }
    REQUIRE(::setxattr(target.c_str(), "trusted.tseq", "target", 6, 0) == 0);
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(link);
    REQUIRE(metadata.ok());
    const std::vector<ExtendedAttribute> expected = {{"trusted.tseq", "link"}};
    CHECK(metadata->extended_attributes == expected);
  }

  TEST_CASE("an ACL that says no more than the mode bits is left empty") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("file", "");
    if (!SetAcl(path, ACL_TYPE_ACCESS, "user::rw-,group::r--,other::---")) return;
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(path);
    REQUIRE(metadata.ok());
    CHECK(metadata->access_acl.empty());
    CHECK(metadata->mode == 0640);
  }

  TEST_CASE("an extended access ACL is read in comma-separated text with numeric ids") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("file", "");
    if (!SetAcl(path, ACL_TYPE_ACCESS,
                "user::rw-,user:4321:r--,group::r--,group:8765:rw-,mask::rw-,other::---")) {
      return;
    }
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(path);
    REQUIRE(metadata.ok());
    CHECK(metadata->access_acl ==
          "user::rw-,user:4321:r--,group::r--,group:8765:rw-,mask::rw-,other::---");
    // The ACL is kept in text form, not among the extended attributes.
    CHECK(metadata->extended_attributes.empty());
  }

  TEST_CASE("a folder's default ACL is read") {
    testing::TempDirectory temp;
    const std::string folder = temp.MakeDirectory("folder");
    if (!SetAcl(folder, ACL_TYPE_DEFAULT,
                "user::rwx,user:4321:r-x,group::r-x,mask::r-x,other::---")) {
      return;
    }
    const Result<FileMetadata> metadata = NewPosixMetadataReader()->Read(folder);
    REQUIRE(metadata.ok());
    CHECK(metadata->type == FileType::kDirectory);
    CHECK(metadata->default_acl == "user::rwx,user:4321:r-x,group::r-x,mask::r-x,other::---");
    CHECK(metadata->access_acl.empty());
  }
}

TEST_SUITE("RewriteAclQualifiers") {
  TEST_CASE("named user and group qualifiers are mapped; everything else is kept") {
    const Result<std::string> rewritten = RewriteAclQualifiers(
        "user::rw-,user:1000:r--,group::r--,group:50:rw-,mask::rw-,other::---", Numbered);
    REQUIRE(rewritten.ok());
    CHECK(*rewritten == "user::rw-,user:U1000:r--,group::r--,group:G50:rw-,mask::rw-,other::---");
  }

  TEST_CASE("abbreviated tags, default entries, newlines and comments are understood") {
    const Result<std::string> rewritten = RewriteAclQualifiers(
        "# file: x\nu:alice:rwx\ndefault:g:staff:r-x\nd:user:bob:r--\n", Numbered);
    REQUIRE(rewritten.ok());
    CHECK(*rewritten == "# file: x\nu:Ualice:rwx\ndefault:g:Gstaff:r-x\nd:user:Ubob:r--\n");
  }

  TEST_CASE("an error of the mapping names the ACL") {
    const Result<std::string> rewritten =
        RewriteAclQualifiers("user::rw-,user:nobody:r--", Numbered);
    CHECK(rewritten.status().code() == StatusCode::kNotFound);
    CHECK(rewritten.status().message() ==
          "in the ACL 'user::rw-,user:nobody:r--': no such user 'nobody'");
  }

  TEST_CASE("empty text stays empty") {
    const Result<std::string> rewritten = RewriteAclQualifiers("", Numbered);
    REQUIRE(rewritten.ok());
    CHECK(rewritten->empty());
  }
}

TEST_SUITE("MetadataReader::ReadOpenFile") {
  TEST_CASE("an open file's metadata is what Read gives of its path") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("file", "12345");
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    SetTime(path, 1700000000, 123456789);
    const bool has_attribute = SetUserAttribute(path, "user.comment", "draft");
    const bool has_acl =
        SetAcl(path, ACL_TYPE_ACCESS, "user::rw-,user:4321:r--,group::r--,mask::r--,other::---");
    const OpenedFile opened = Open(path);
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const Result<FileMetadata> through_file = reader->ReadOpenFile(*opened.file, opened.info);
    REQUIRE(through_file.ok());
    CHECK(*through_file == *reader->Read(path));
    CHECK(through_file->modified == FileTime{1700000000, 123456789});
    CHECK(through_file->size == 5);
    if (has_attribute) {
      CHECK(through_file->extended_attributes ==
            std::vector<ExtendedAttribute>{{"user.comment", "draft"}});
    }
    if (has_acl) {
      CHECK(through_file->access_acl == "user::rw-,user:4321:r--,group::r--,mask::r--,other::---");
    }
  }

  TEST_CASE("the attributes read are the open file's, even once its path names another") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("file", "old");
    if (!SetUserAttribute(path, "user.which", "old")) return;
    const OpenedFile opened = Open(path);
    const std::string replacement = temp.WriteFile("new", "new");
    REQUIRE(SetUserAttribute(replacement, "user.which", "new"));
    REQUIRE(::rename(replacement.c_str(), path.c_str()) == 0);
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const Result<FileMetadata> metadata = reader->ReadOpenFile(*opened.file, opened.info);
    REQUIRE(metadata.ok());
    CHECK(metadata->extended_attributes == std::vector<ExtendedAttribute>{{"user.which", "old"}});
    CHECK(metadata->inode == opened.info.inode);
    CHECK(reader->Read(path)->extended_attributes ==
          std::vector<ExtendedAttribute>{{"user.which", "new"}});
  }

  TEST_CASE("a file without a descriptor is read by its path") {
    testing::TempDirectory temp;
    const std::string path = temp.WriteFile("file", "content");
    const Result<FileMetadata> metadata =
        NewPosixMetadataReader()->ReadOpenFile(PathOnlyFile(path), FileInfo{});
    REQUIRE(metadata.ok());
    CHECK(metadata->size == 7);
    const Result<FileMetadata> missing =
        NewPosixMetadataReader()->ReadOpenFile(PathOnlyFile(temp.Join("none")), FileInfo{});
    CHECK(missing.status().message() ==
          "cannot read the metadata of '" + temp.Join("none") + "': No such file or directory");
  }

  TEST_CASE("a reader that does not read open files reads their paths") {
    const Result<FileMetadata> metadata =
        PathReader().ReadOpenFile(PathOnlyFile("/home/alice/a.txt"), FileInfo{});
    REQUIRE(metadata.ok());
    CHECK(metadata->symlink_target == "read by path: /home/alice/a.txt");
  }

  TEST_CASE("a folder's default ACL is read through the folder a scan opened") {
    testing::TempDirectory temp;
    const std::string folder = temp.Join("folder");
    REQUIRE(::mkdir(folder.c_str(), 0750) == 0);
    if (!SetAcl(folder, ACL_TYPE_DEFAULT,
                "user::rwx,user:4321:r-x,group::r-x,mask::r-x,other::---"))
      return;
    const Result<DirectoryScan> scan = NewPosixFilesystem()->ScanDirectory(folder);
    REQUIRE(scan.ok());
    REQUIRE(scan->directory != nullptr);
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    const Result<FileMetadata> metadata = reader->ReadOpenFile(*scan->directory, scan->info);
    REQUIRE_MESSAGE(metadata.ok(), metadata.status().message());
    CHECK(metadata->default_acl == "user::rwx,user:4321:r-x,group::r-x,mask::r-x,other::---");
    CHECK(*metadata == *reader->Read(folder));
  }

  TEST_CASE("a linked file's metadata is read by the caller's own name, as Read gives it") {
    testing::TempDirectory temp;
    const std::string with_acl = temp.WriteFile("with-acl", "12345");
    const bool has_attribute = SetUserAttribute(with_acl, "user.comment", "draft");
    const bool has_acl = SetAcl(with_acl, ACL_TYPE_ACCESS,
                                "user::rw-,user:4321:r--,group::r--,mask::r--,other::---");
    const std::string plain = temp.WriteFile("plain", "x");
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    // Twice each, in turns: what is remembered of the filesystem after the first read (whether
    // its listing names every ACL) loses no ACL and invents none.
    for (int round = 0; round < 2; ++round) {
      for (const std::string& path : {with_acl, plain}) {
        CAPTURE(path);
        const std::string own =
            temp.Join("own-" + std::to_string(round) + path.substr(path.rfind('/') + 1));
        REQUIRE(::link(path.c_str(), own.c_str()) == 0);
        struct stat status {};
        REQUIRE(::lstat(own.c_str(), &status) == 0);
        FileInfo info;
        info.type = FileType::kRegular;
        info.size = static_cast<uint64_t>(status.st_size);
        info.mode = status.st_mode & 07777;
        info.device = static_cast<uint64_t>(status.st_dev);
        info.inode = static_cast<uint64_t>(status.st_ino);
        info.link_count = static_cast<uint64_t>(status.st_nlink);
        info.modified = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::seconds(status.st_mtim.tv_sec) +
                std::chrono::nanoseconds(status.st_mtim.tv_nsec)));
        const Result<FileMetadata> linked = reader->ReadLinkedFile(path, own, info);
        REQUIRE_MESSAGE(linked.ok(), linked.status().message());
        CHECK(*linked == *reader->Read(path));
        if (path == with_acl && has_acl) {
          CHECK(linked->access_acl == "user::rw-,user:4321:r--,group::r--,mask::r--,other::---");
        }
        if (path == with_acl && has_attribute) {
          CHECK(linked->extended_attributes ==
                std::vector<ExtendedAttribute>{{"user.comment", "draft"}});
        }
        if (path == plain) CHECK(linked->access_acl.empty());
      }
    }
  }

  TEST_CASE("reading a linked file names the user's path, and refuses anything but a file") {
    testing::TempDirectory temp;
    const std::unique_ptr<MetadataReader> reader = NewPosixMetadataReader();
    FileInfo info;
    info.type = FileType::kRegular;
    CHECK(reader->ReadLinkedFile("/home/alice/a.txt", temp.Join("gone"), info).status().message() ==
          "cannot read the extended attributes of '/home/alice/a.txt': No such file or directory");
    info.type = FileType::kSymlink;
    CHECK(reader->ReadLinkedFile("/home/alice/a.txt", temp.Join("gone"), info).status().message() ==
          "cannot read the metadata of '/home/alice/a.txt' through its link: not a regular file");
  }

  TEST_CASE("a reader that does not read linked files reads the user's path") {
    const Result<FileMetadata> metadata =
        PathReader().ReadLinkedFile("/home/alice/a.txt", "/store/a.txt", FileInfo{});
    REQUIRE(metadata.ok());
    CHECK(metadata->symlink_target == "read by path: /home/alice/a.txt");
  }

  TEST_CASE("MetadataOfFileInfo keeps every field, and times before 1970 as stat gives them") {
    FileInfo info;
    info.type = FileType::kRegular;
    info.size = 42;
    info.modified = std::chrono::system_clock::time_point(std::chrono::milliseconds(-1500));
    info.mode = 04755;
    info.owner = 1000;
    info.group = 50;
    info.device = 7;
    info.inode = 99;
    info.link_count = 2;
    const FileMetadata metadata = MetadataOfFileInfo(info);
    CHECK(metadata.type == FileType::kRegular);
    CHECK(metadata.size == 42);
    CHECK(metadata.modified == FileTime{-2, 500000000});
    CHECK(metadata.mode == 04755);
    CHECK(metadata.uid == 1000);
    CHECK(metadata.gid == 50);
    CHECK(metadata.device == 7);
    CHECK(metadata.inode == 99);
    CHECK(metadata.link_count == 2);
    CHECK(metadata.extended_attributes.empty());
    CHECK(metadata.access_acl.empty());
  }
}

TEST_SUITE("FakeMetadataReader") {
  TEST_CASE("answers what was set, fails what was scripted and counts reads") {
    FakeMetadataReader reader;
    FileMetadata metadata;
    metadata.mode = 0751;
    metadata.access_acl = "user::rwx,user:7:r--,group::r-x,mask::r-x,other::--x";
    reader.Set("/home/alice/file", metadata);
    reader.Fail("/home/alice/broken", IoError("cannot read the metadata of 'x': I/O error"));
    const Result<FileMetadata> read = reader.Read("/home/alice/file");
    REQUIRE(read.ok());
    CHECK(*read == metadata);
    CHECK(reader.Read("/home/alice/broken").status().message() ==
          "cannot read the metadata of 'x': I/O error");
    const Result<FileMetadata> missing = reader.Read("/home/alice/missing");
    CHECK(missing.status().code() == StatusCode::kNotFound);
    CHECK(missing.status().message() ==
          "cannot read the metadata of '/home/alice/missing': No such file or directory");
    CHECK(reader.ReadCount("/home/alice/file") == 1);
    CHECK(reader.ReadCount("/home/alice/other") == 0);
  }

  TEST_CASE("an open file is answered by its path from the same table, and counted apart") {
    FakeMetadataReader reader;
    FileMetadata metadata;
    metadata.mode = 0600;
    metadata.extended_attributes = {{"user.tag", "x"}};
    reader.Set("/home/alice/file", metadata);
    reader.Fail("/home/alice/broken", IoError("cannot read the metadata of 'x': I/O error"));
    FileInfo info;
    info.mode = 0777;  // the table, not the description, is the truth
    const Result<FileMetadata> read = reader.ReadOpenFile(PathOnlyFile("/home/alice/file"), info);
    REQUIRE(read.ok());
    CHECK(*read == metadata);
    CHECK(reader.ReadOpenFile(PathOnlyFile("/home/alice/broken"), info).status().message() ==
          "cannot read the metadata of 'x': I/O error");
    CHECK(reader.ReadOpenFile(PathOnlyFile("/home/alice/missing"), info).status().code() ==
          StatusCode::kNotFound);
    CHECK(reader.OpenFileReadCount("/home/alice/file") == 1);
    CHECK(reader.ReadCount("/home/alice/file") == 0);
  }
}

}  // namespace
}  // namespace tseq
