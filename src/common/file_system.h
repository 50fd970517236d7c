// FileSystem: the one way Canvass touches the disk. Injected so that tests can make writes,
// syncs and renames fail at chosen points (FaultInjectingFileSystem in tests/) and check that an
// interrupted operation leaves nothing half-written.
//
// Paths are plain strings; callers build them under a data directory they own.
// Thread-safety: implementations are safe to call from any thread; a WritableFile is used by one
// thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace canvass {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at offset; fewer only at end of file.
  virtual StatusOr<std::string> ReadAt(int64_t offset, size_t n) const = 0;
  virtual StatusOr<int64_t> Size() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates or truncates `path` (mode 0600).
  virtual StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens `path` for appending, creating it if missing (mode 0600).
  virtual StatusOr<std::unique_ptr<WritableFile>> OpenAppendable(const std::string& path) = 0;
  virtual StatusOr<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& path) = 0;

  virtual StatusOr<std::string> ReadFile(const std::string& path) = 0;
  virtual StatusOr<int64_t> FileSize(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual Status Truncate(const std::string& path, int64_t size) = 0;
  // Atomic replace (rename(2)). Callers sync the directory afterwards for durability.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // mkdir -p (mode 0700).
  virtual Status CreateDirs(const std::string& path) = 0;
  // fsync on a directory, making renames and creations in it durable.
  virtual Status SyncDir(const std::string& path) = 0;
  // Regular files under `dir`, recursively, as paths relative to `dir`.
  virtual StatusOr<std::vector<std::string>> ListFilesRecursive(const std::string& dir) = 0;

  // Writes a whole file durably: temp file, fsync, rename, fsync the directory.
  Status WriteFileAtomic(const std::string& path, std::string_view data);

  // Destroys bytes [offset, offset + length) of an existing file: afterwards they read as
  // zeros, the file keeps its size, and the change is durable when this returns. The blocks
  // are released as a deleted file's are (nothing reads them back through the file system).
  // POSIX punches a hole (fallocate PUNCH_HOLE | KEEP_SIZE), or overwrites the range with
  // zeros where the file system cannot; this default rewrites the file (WriteFileAtomic).
  virtual Status ZeroRange(const std::string& path, int64_t offset, int64_t length);

  // The real POSIX file system. Process-wide.
  static FileSystem* Posix();
};

std::string JoinPath(std::string_view a, std::string_view b);
std::string DirName(std::string_view path);

}  // namespace canvass
