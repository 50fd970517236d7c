#include "common/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace canvass {
namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "write " + path_);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return OkStatus();
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoStatus(errno, "fdatasync " + path_);
    return OkStatus();
  }
  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return ErrnoStatus(errno, "close " + path_);
    return OkStatus();
  }

 private:
  int fd_;
  std::string path_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }
  StatusOr<std::string> ReadAt(int64_t offset, size_t n) const override {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, out.data() + got, n - got, offset + static_cast<int64_t>(got));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "read " + path_);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out.resize(got);
    return out;
  }
  StatusOr<int64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus(errno, "stat " + path_);
    return static_cast<int64_t>(st.st_size);
  }

 private:
  int fd_;
  std::string path_;
};

class PosixFileSystem final : public FileSystem {
 public:
  StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    return Open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
  }
  StatusOr<std::unique_ptr<WritableFile>> OpenAppendable(const std::string& path) override {
    return Open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC);
  }
  StatusOr<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open " + path);
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(fd, path));
  }
  StatusOr<std::string> ReadFile(const std::string& path) override {
    CANVASS_ASSIGN_OR_RETURN(auto f, OpenRandomAccess(path));
    CANVASS_ASSIGN_OR_RETURN(int64_t size, f->Size());
    return f->ReadAt(0, static_cast<size_t>(size));
  }
  StatusOr<int64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat " + path);
    return static_cast<int64_t>(st.st_size);
  }
  bool Exists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }
  Status Truncate(const std::string& path, int64_t size) override {
    if (::truncate(path.c_str(), size) != 0) return ErrnoStatus(errno, "truncate " + path);
    return OkStatus();
  }
  Status ZeroRange(const std::string& path, int64_t offset, int64_t length) override {
    if (offset < 0 || length < 0) return InvalidArgumentError("negative range in " + path);
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open " + path);
    Status s = OkStatus();
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      s = ErrnoStatus(errno, "stat " + path);
    } else if (offset + length > st.st_size) {
      s = InvalidArgumentError("range " + std::to_string(offset) + "+" + std::to_string(length) +
                               " lies outside " + path);
    } else if (::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) != 0) {
      if (errno != EOPNOTSUPP && errno != ENOSYS) {
        s = ErrnoStatus(errno, "punch a hole in " + path);
      } else {  // a file system without holes: overwrite in place
        const std::string zeros(static_cast<size_t>(std::min<int64_t>(length, 1 << 20)), '\0');
        for (int64_t done = 0; done < length && s.ok();) {
          const size_t n = static_cast<size_t>(std::min<int64_t>(length - done, zeros.size()));
          ssize_t w = ::pwrite(fd, zeros.data(), n, offset + done);
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) {
            s = ErrnoStatus(errno, "overwrite a range of " + path);
          } else {
            done += w;
          }
        }
      }
    }
    if (s.ok() && ::fdatasync(fd) != 0) s = ErrnoStatus(errno, "fdatasync " + path);
    ::close(fd);
    return s;
  }
  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus(errno, "rename " + from + " to " + to);
    }
    return OkStatus();
  }
  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus(errno, "unlink " + path);
    return OkStatus();
  }
  Status CreateDirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return InternalError("cannot create directory " + path + ": " + ec.message());
    ::chmod(path.c_str(), 0700);
    return OkStatus();
  }
  Status SyncDir(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open directory " + path);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus(err, "fsync directory " + path);
    return OkStatus();
  }
  StatusOr<std::vector<std::string>> ListFilesRecursive(const std::string& dir) override {
    std::vector<std::string> out;
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(dir, ec), end;
    if (ec) return InternalError("cannot list " + dir + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return InternalError("cannot list " + dir + ": " + ec.message());
      if (it->is_regular_file()) {
        out.push_back(std::filesystem::relative(it->path(), dir).string());
      }
    }
    return out;
  }

 private:
  StatusOr<std::unique_ptr<WritableFile>> Open(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) return ErrnoStatus(errno, "open " + path);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
  }
};

}  // namespace

Status FileSystem::WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  {
    CANVASS_ASSIGN_OR_RETURN(auto f, NewWritableFile(tmp));
    CANVASS_RETURN_IF_ERROR(f->Append(data));
    CANVASS_RETURN_IF_ERROR(f->Sync());
    CANVASS_RETURN_IF_ERROR(f->Close());
  }
  CANVASS_RETURN_IF_ERROR(Rename(tmp, path));
  return SyncDir(DirName(path));
}

Status FileSystem::ZeroRange(const std::string& path, int64_t offset, int64_t length) {
  CANVASS_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  if (offset < 0 || length < 0 || offset + length > static_cast<int64_t>(data.size())) {
    return InvalidArgumentError("range " + std::to_string(offset) + "+" + std::to_string(length) +
                                " lies outside " + path);
  }
  std::fill_n(data.begin() + offset, length, '\0');
  return WriteFileAtomic(path, data);
}

FileSystem* FileSystem::Posix() {
  static PosixFileSystem fs;
  return &fs;
}

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  std::string out(a);
  if (out.back() != '/') out += '/';
  out += b;
  return out;
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace canvass
