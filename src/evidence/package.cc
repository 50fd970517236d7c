#include "evidence/package.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "common/encoding.h"
#include "common/file_system.h"
#include "common/sha256.h"

namespace canvass::evidence {
namespace {

namespace stdfs = std::filesystem;

constexpr size_t kMaxSumsBytes = 32 << 20;       // 100000 lines of long paths fit.
constexpr size_t kMaxSignatureBytes = 64 << 10;  // A .minisig is about 400 bytes.
constexpr size_t kReadChunk = 1 << 20;

bool IsPathChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool IsControlFile(std::string_view rel) { return rel == kSumsFile || rel == kSignatureFile; }

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '"' || c == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// ---- Writing ----

struct ArchiveFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using WriteArchive = std::unique_ptr<archive, ArchiveFree>;
using ReadArchive = std::unique_ptr<archive, ArchiveReadFree>;
using Entry = std::unique_ptr<archive_entry, EntryFree>;

std::string ArchiveMessage(archive* a) {
  const char* m = archive_error_string(a);
  return m ? m : "unknown libarchive error";
}

la_ssize_t AppendToString(archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

Status WriteMember(archive* a, const std::string& path, bool is_dir, std::string_view bytes) {
  Entry e(archive_entry_new());
  archive_entry_set_pathname(e.get(), path.c_str());
  archive_entry_set_filetype(e.get(), is_dir ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e.get(), is_dir ? 0755 : 0644);
  archive_entry_set_size(e.get(), is_dir ? 0 : static_cast<la_int64_t>(bytes.size()));
  archive_entry_set_mtime(e.get(), 0, 0);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  if (archive_write_header(a, e.get()) != ARCHIVE_OK) {
    return InternalError("cannot write the tar header of " + path + ": " + ArchiveMessage(a));
  }
  while (!bytes.empty()) {
    la_ssize_t n = archive_write_data(a, bytes.data(), std::min(bytes.size(), kReadChunk));
    if (n <= 0) return InternalError("cannot write " + path + ": " + ArchiveMessage(a));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

std::string Readme(const std::string& name, const std::string& key_id_hex) {
  return "Canvass evidence package " + name +
         "\n"
         "\n"
         "This folder was exported by a Canvass deployment, which signed the list of its files\n"
         "and their SHA-256 hashes (SHA256SUMS) with its evidence key, minisign key ID " +
         key_id_hex +
         ".\n"
         "\n"
         "To check that no file changed since the deployment signed it, you need the deployment's\n"
         "evidence public key (a minisign .pub file), obtained from the deployment itself and NOT\n"
         "from this package: whoever could alter the package could also put their own key in it.\n"
         "Then, in this folder, with the standard tools minisign and sha256sum (GNU coreutils):\n"
         "\n"
         "  minisign -Vm SHA256SUMS -p deployment.pub\n"
         "  sha256sum -c SHA256SUMS\n"
         "\n"
         "The first must print \"Signature and comment signature verified\" and the\n"
         "signed trusted comment; the second must print OK for every file. sha256sum does not\n"
         "notice files that were added, so also check that every file here other than\n"
         "SHA256SUMS and SHA256SUMS.minisig is listed in SHA256SUMS (this README is). This\n"
         "prints any that are not; no output is good:\n"
         "\n"
         "  cut -c67- SHA256SUMS > /tmp/signed-paths\n"
         "  find . -type f ! -path ./SHA256SUMS ! -path ./SHA256SUMS.minisig | cut -c3- |\n"
         "    LC_ALL=C sort | LC_ALL=C comm -23 - /tmp/signed-paths\n"
         "\n"
         "A package holds only plain files and folders; this lists anything else (links,\n"
         "devices), and no output is good:\n"
         "\n"
         "  find . ! -type f ! -type d\n"
         "\n"
         "The Canvass command line does all of this, on the .tar file or on this folder:\n"
         "\n"
         "  canvass evidence verify " +
         name +
         ".tar --key deployment.pub\n"
         "\n"
         "A good result proves that these files are, byte for byte, the ones the deployment\n"
         "signed, together with the statement in the trusted comment (the deployment's own\n"
         "claim, including any time in it). See docs/design/evidence.md in Canvass for what it\n"
         "does not prove.\n";
}

// ---- Reading ----

// What a package holds, from a tar file or a folder.
struct Contents {
  std::string name;
  std::map<std::string, std::string> files;  // Path relative to the top folder -> SHA-256 hex.
  std::string sums;                          // SHA256SUMS, if present.
  std::string signature;                     // SHA256SUMS.minisig, if present.
  bool has_sums = false;
  bool has_signature = false;
  int64_t total_bytes = 0;
};

// Checks the size of control files before they are kept in memory, and the total.
Status AccountFile(Contents& c, const std::string& rel, int64_t size) {
  if (size < 0) return InvalidArgumentError("member " + Quoted(rel) + " has a negative size");
  if (c.files.size() >= kMaxPackageFiles) {
    return ResourceExhaustedError("the package has more than " + std::to_string(kMaxPackageFiles) +
                                  " files");
  }
  c.total_bytes += size;
  if (c.total_bytes > kMaxPackageBytes) {
    return ResourceExhaustedError(
        "the package holds more than 4 GiB; canvass evidence verify "
        "stops there (sha256sum -c has no such limit)");
  }
  if (rel == kSumsFile && static_cast<size_t>(size) > kMaxSumsBytes) {
    return ResourceExhaustedError("SHA256SUMS is larger than 32 MiB");
  }
  if (rel == kSignatureFile && static_cast<size_t>(size) > kMaxSignatureBytes) {
    return InvalidArgumentError("SHA256SUMS.minisig is too large to be a minisign signature");
  }
  return OkStatus();
}

// Records a regular file's hash (and the bytes of the two control files).
void RecordFile(Contents& c, const std::string& rel, const Sha256Digest& digest,
                std::string* kept) {
  c.files[rel] = DigestHex(digest);
  if (rel == kSumsFile) {
    c.sums = std::move(*kept);
    c.has_sums = true;
  } else if (rel == kSignatureFile) {
    c.signature = std::move(*kept);
    c.has_signature = true;
  }
}

// No file may sit where another file needs a folder ("a" and "a/b"): extraction would fail or
// clobber one of them.
Status CheckNoFileIsAFolder(const Contents& c) {
  for (const auto& [rel, hash] : c.files) {
    for (size_t slash = rel.find('/'); slash != std::string::npos;
         slash = rel.find('/', slash + 1)) {
      if (c.files.count(rel.substr(0, slash))) {
        return InvalidArgumentError("member " + Quoted(c.name + "/" + rel) + " is inside " +
                                    Quoted(c.name + "/" + rel.substr(0, slash)) +
                                    ", which is a file");
      }
    }
  }
  return OkStatus();
}

StatusOr<Contents> ReadTar(const std::string& path) {
  ReadArchive a(archive_read_new());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 64 << 10) != ARCHIVE_OK) {
    return InvalidArgumentError(path + " is not a readable tar file: " + ArchiveMessage(a.get()));
  }
  Contents c;
  std::set<std::string> seen;
  std::string buf(kReadChunk, '\0');
  for (;;) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) {
      return InvalidArgumentError(path + " is not a valid tar file: " + ArchiveMessage(a.get()));
    }
    const char* raw_c = archive_entry_pathname(e);
    if (raw_c == nullptr || *raw_c == '\0') {
      return InvalidArgumentError("a member of " + path + " has no name");
    }
    const std::string raw = raw_c;
    const auto refuse = [&](const std::string& why) {
      return InvalidArgumentError("member " + Quoted(raw) + " refused: " + why);
    };
    if (archive_entry_hardlink(e) != nullptr) return refuse("it is a hard link");
    if (archive_entry_symlink(e) != nullptr) return refuse("it is a symbolic link");
    const mode_t type = archive_entry_filetype(e);
    const bool is_dir = type == AE_IFDIR;
    if (type != AE_IFREG && !is_dir) {
      return refuse(type == AE_IFLNK                       ? "it is a symbolic link"
                    : type == AE_IFCHR || type == AE_IFBLK ? "it is a device"
                    : type == AE_IFIFO                     ? "it is a FIFO"
                                                           : "it is not a regular file or folder");
    }
    std::string p = raw;
    if (is_dir && p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.starts_with('/')) return refuse("absolute path");
    if (Status s = ValidatePackagePath(p); !s.ok()) return refuse(s.message());
    const std::string top = p.substr(0, p.find('/'));
    if (c.name.empty()) c.name = top;
    if (top != c.name) {
      return refuse("outside the package folder " + Quoted(c.name + "/") +
                    " (a package has exactly one top folder)");
    }
    if (!seen.insert(p).second) return refuse("it appears twice");
    if (is_dir) continue;
    if (p == top) return refuse("the top of the package must be a folder");
    const std::string rel = p.substr(top.size() + 1);
    if (!archive_entry_size_is_set(e)) return refuse("no size");
    const int64_t size = archive_entry_size(e);
    CANVASS_RETURN_IF_ERROR(AccountFile(c, rel, size));
    const bool keep = IsControlFile(rel);
    std::string kept;
    Sha256 hash;
    for (;;) {
      la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n < 0) {
        return InvalidArgumentError("cannot read member " + Quoted(raw) + " of " + path + ": " +
                                    ArchiveMessage(a.get()));
      }
      if (n == 0) break;
      hash.Update(buf.data(), static_cast<size_t>(n));
      if (keep) kept.append(buf.data(), static_cast<size_t>(n));
    }
    RecordFile(c, rel, hash.Finish(), &kept);
  }
  if (c.name.empty()) return InvalidArgumentError(path + " is an empty tar file");
  CANVASS_RETURN_IF_ERROR(CheckNoFileIsAFolder(c));
  return c;
}

StatusOr<Contents> ReadDir(const std::string& path) {
  stdfs::path root = stdfs::absolute(stdfs::path(path)).lexically_normal();
  if (root.filename().empty()) root = root.parent_path();  // "dir/" -> "dir".
  std::error_code ec;
  // A folder holding only the package folder (where `tar xf` was run) is fine too.
  if (!stdfs::exists(root / std::string(kSumsFile), ec)) {
    std::vector<stdfs::path> children;
    for (const auto& e : stdfs::directory_iterator(root, ec)) children.push_back(e.path());
    if (ec) return InternalError("cannot list " + path + ": " + ec.message());
    if (children.size() == 1 && stdfs::is_directory(stdfs::symlink_status(children[0]))) {
      root = children[0];
    }
  }
  Contents c;
  c.name = root.filename().string();
  // Collect first and sort, so that "the first bad file" does not depend on directory order.
  std::vector<std::pair<std::string, stdfs::file_status>> entries;
  stdfs::recursive_directory_iterator it(root, ec), end;
  if (ec) return InternalError("cannot list " + root.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return InternalError("cannot list " + root.string() + ": " + ec.message());
    entries.emplace_back(it->path().lexically_relative(root).generic_string(),
                         it->symlink_status());
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  FileSystem* fs = FileSystem::Posix();
  for (const auto& [rel, st] : entries) {
    const std::string shown = c.name + "/" + rel;
    const auto refuse = [&](const std::string& why) {
      return InvalidArgumentError("file " + Quoted(shown) + " refused: " + why);
    };
    if (stdfs::is_symlink(st)) return refuse("it is a symbolic link");
    if (Status s = ValidatePackagePath(rel); !s.ok()) return refuse(s.message());
    if (stdfs::is_directory(st)) continue;
    if (!stdfs::is_regular_file(st)) return refuse("it is not a regular file or folder");
    const std::string full = (root / rel).string();
    CANVASS_ASSIGN_OR_RETURN(auto f, fs->OpenRandomAccess(full));
    CANVASS_ASSIGN_OR_RETURN(int64_t size, f->Size());
    CANVASS_RETURN_IF_ERROR(AccountFile(c, rel, size));
    const bool keep = IsControlFile(rel);
    std::string kept;
    Sha256 hash;
    for (int64_t off = 0;;) {
      CANVASS_ASSIGN_OR_RETURN(std::string chunk, f->ReadAt(off, kReadChunk));
      if (chunk.empty()) break;
      off += static_cast<int64_t>(chunk.size());
      // A file growing while we read it would slip past the size check above.
      if (off > size) return DataLossError("file " + Quoted(shown) + " changed while verifying");
      hash.Update(chunk);
      if (keep) kept += chunk;
    }
    RecordFile(c, rel, hash.Finish(), &kept);
  }
  return c;
}

// Parses SHA256SUMS as BuildPackage writes it: path -> hex, in file order.
StatusOr<std::vector<std::pair<std::string, std::string>>> ParseSums(std::string_view sums) {
  std::vector<std::pair<std::string, std::string>> out;
  int line_no = 0;
  while (!sums.empty()) {
    ++line_no;
    const size_t nl = sums.find('\n');
    const auto bad = [&](const std::string& why) {
      return DataLossError("SHA256SUMS line " + std::to_string(line_no) + " is malformed: " + why);
    };
    if (nl == std::string_view::npos) return bad("no final newline");
    std::string_view line = sums.substr(0, nl);
    sums.remove_prefix(nl + 1);
    if (line.size() < 67 || !IsLowerHex(line.substr(0, 64), 64) || line.substr(64, 2) != "  ") {
      return bad("expected <64 lower-case hex digits>, two spaces, a path");
    }
    std::string path(line.substr(66));
    if (Status s = ValidatePackagePath(path); !s.ok()) return bad(s.message());
    if (IsControlFile(path)) return bad(path + " cannot list itself or its signature");
    if (!out.empty() && out.back().first >= path) {
      return bad(out.back().first == path ? Quoted(path) + " is listed twice"
                                          : "paths are not sorted");
    }
    out.emplace_back(std::move(path), std::string(line.substr(0, 64)));
  }
  if (out.empty()) return DataLossError("SHA256SUMS lists no files");
  return out;
}

StatusOr<PackageReport> Check(const Contents& c, std::string_view public_key_file) {
  const std::string prefix = c.name + "/";
  if (!c.has_sums) {
    return DataLossError("the package has no " + prefix +
                         "SHA256SUMS: it is not an evidence "
                         "package, or it was damaged");
  }
  if (!c.has_signature) {
    return DataLossError("the package has no " + prefix + "SHA256SUMS.minisig: it is not signed");
  }
  StatusOr<VerifiedSignature> sig = VerifySignature(public_key_file, c.sums, c.signature);
  if (!sig.ok()) return sig.status().WithContext(prefix + "SHA256SUMS.minisig");
  CANVASS_ASSIGN_OR_RETURN(auto listed, ParseSums(c.sums));
  std::set<std::string_view> listed_paths;
  for (const auto& [path, hex] : listed) {
    auto found = c.files.find(path);
    if (found == c.files.end()) {
      return DataLossError("file " + prefix + path + " is listed in SHA256SUMS but missing");
    }
    if (found->second != hex) {
      return DataLossError("file " + prefix + path +
                           " does not match SHA256SUMS: its bytes changed after signing");
    }
    listed_paths.insert(path);
  }
  for (const auto& [path, hex] : c.files) {
    if (!IsControlFile(path) && !listed_paths.count(path)) {
      return DataLossError("file " + prefix + path +
                           " is not listed in SHA256SUMS: it was added after signing");
    }
  }
  PackageReport report;
  report.name = c.name;
  report.files_checked = static_cast<int>(listed.size());
  report.trusted_comment = sig->trusted_comment;
  report.key_id = KeyIdHex(sig->key_id);
  return report;
}

}  // namespace

Status ValidatePackagePath(std::string_view path) {
  if (path.empty()) return InvalidArgumentError("the path is empty");
  if (path.size() > kMaxPathBytes) {
    return InvalidArgumentError("the path is longer than " + std::to_string(kMaxPathBytes) +
                                " bytes");
  }
  if (path.front() == '/') return InvalidArgumentError("the path " + Quoted(path) + " is absolute");
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    const std::string_view part = path.substr(start, slash - start);
    if (part.empty()) {
      return InvalidArgumentError("the path " + Quoted(path) + " has an empty component");
    }
    if (part == "." || part == "..") {
      return InvalidArgumentError("the path " + Quoted(path) + " has a \"" + std::string(part) +
                                  "\" component");
    }
    for (char ch : part) {
      if (!IsPathChar(ch)) {
        return InvalidArgumentError("the path " + Quoted(path) +
                                    " has a character outside [A-Za-z0-9._/-]");
      }
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return OkStatus();
}

StatusOr<std::string> BuildPackage(const std::string& name, std::vector<PackageFile> files,
                                   const SigningKey& key, std::string_view trusted_comment) {
  if (Status s = ValidatePackagePath(name); !s.ok()) return s.WithContext("package name");
  if (name.find('/') != std::string::npos) {
    return InvalidArgumentError("the package name " + Quoted(name) + " must be one component");
  }
  CANVASS_RETURN_IF_ERROR(ValidateTrustedComment(trusted_comment));
  if (files.size() + 1 > kMaxPackageFiles) {
    return ResourceExhaustedError("a package holds at most " + std::to_string(kMaxPackageFiles) +
                                  " files");
  }
  int64_t total = 0;
  std::set<std::string> paths;
  for (const PackageFile& f : files) {
    if (Status s = ValidatePackagePath(f.path); !s.ok()) return s;
    if (f.path == kSumsFile || f.path == kSignatureFile || f.path == kReadmeFile) {
      return InvalidArgumentError(Quoted(f.path) + " is a reserved name in a package");
    }
    if (!paths.insert(f.path).second) {
      return InvalidArgumentError("the file " + Quoted(f.path) + " is given twice");
    }
    total += static_cast<int64_t>(f.bytes.size());
    if (total > kMaxPackageBytes) {
      return ResourceExhaustedError("a package holds at most 4 GiB of files");
    }
  }
  const std::string key_hex = KeyIdHex(key.key_id);
  files.push_back({std::string(kReadmeFile), Readme(name, key_hex)});
  std::sort(files.begin(), files.end(),
            [](const PackageFile& x, const PackageFile& y) { return x.path < y.path; });
  std::set<std::string> dirs;
  for (const PackageFile& f : files) {
    for (size_t slash = f.path.find('/'); slash != std::string::npos;
         slash = f.path.find('/', slash + 1)) {
      std::string dir = f.path.substr(0, slash);
      if (paths.count(dir)) {
        return InvalidArgumentError("the file " + Quoted(f.path) + " is inside " + Quoted(dir) +
                                    ", which is a file");
      }
      dirs.insert(std::move(dir));
    }
  }
  std::string sums;
  for (const PackageFile& f : files) sums += Sha256Hex(f.bytes) + "  " + f.path + "\n";
  const std::string signature = Sign(key, sums, trusted_comment);

  std::string out;
  WriteArchive a(archive_write_new());
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_add_filter_none(a.get()) != ARCHIVE_OK ||
      archive_write_open(a.get(), &out, nullptr, AppendToString, nullptr) != ARCHIVE_OK) {
    return InternalError("cannot start a tar archive: " + ArchiveMessage(a.get()));
  }
  const std::string top = name + "/";
  CANVASS_RETURN_IF_ERROR(WriteMember(a.get(), top, true, {}));
  for (const std::string& dir : dirs) {
    CANVASS_RETURN_IF_ERROR(WriteMember(a.get(), top + dir + "/", true, {}));
  }
  for (const PackageFile& f : files) {
    CANVASS_RETURN_IF_ERROR(WriteMember(a.get(), top + f.path, false, f.bytes));
  }
  CANVASS_RETURN_IF_ERROR(WriteMember(a.get(), top + std::string(kSumsFile), false, sums));
  CANVASS_RETURN_IF_ERROR(
      WriteMember(a.get(), top + std::string(kSignatureFile), false, signature));
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return InternalError("cannot finish the tar archive: " + ArchiveMessage(a.get()));
  }
  return out;
}

StatusOr<PackageReport> VerifyPackage(const std::string& path, std::string_view public_key_file) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFoundError("no package at " + path);
    return ErrnoStatus(errno, "stat " + path);
  }
  StatusOr<Contents> contents = InternalError("unreachable");
  if (S_ISDIR(st.st_mode)) {
    contents = ReadDir(path);
  } else if (S_ISREG(st.st_mode)) {
    contents = ReadTar(path);
  } else {
    return InvalidArgumentError(path + " is neither a tar file nor a folder");
  }
  if (!contents.ok()) return contents.status();
  return Check(*contents, public_key_file);
}

}  // namespace canvass::evidence
