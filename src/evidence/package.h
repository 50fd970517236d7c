// Evidence export packages: a tar file that a court or a defence attorney can check with
// `canvass evidence verify` or with standard tools only (minisign, sha256sum, tar). See
// docs/design/evidence.md.
//
// Package grammar (a POSIX pax/ustar tar written by libarchive; every member under one folder):
//
//   <name>/                      directory
//   <name>/<dir>/                a directory entry for each folder holding a caller's file
//   <name>/<path>                each caller's file (e.g. manifest.json, clips/evd_x.mp4)
//   <name>/README.txt            how to verify (generated)
//   <name>/SHA256SUMS            `sha256sum` output for every file above, README.txt included:
//                                  <64 lower-case hex> "  " <path relative to <name>/> "\n"
//                                sorted by path (byte order), one line per file
//   <name>/SHA256SUMS.minisig    minisign signature of SHA256SUMS (evidence/minisign.h)
//
// Members are regular files (mode 0644) and directories (0755), owner 0:0, mtime 0 (the time
// of signing belongs in the signed trusted comment, not in unsigned tar headers), in a fixed
// order: the same inputs give the same bytes.
//
// The package carries no public key: a verifier gets the deployment's evidence public key from
// the deployment, since whoever could alter a package could also swap a key inside it.
//
// Thread-safety: the functions are safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "evidence/minisign.h"

namespace canvass::evidence {

// Limits: BuildPackage refuses, and VerifyPackage stops reading, beyond these
// (ResourceExhausted).
inline constexpr int64_t kMaxPackageBytes = int64_t{4} << 30;  // Sum of member sizes.
inline constexpr size_t kMaxPackageFiles = 100000;
inline constexpr size_t kMaxPathBytes = 1024;

// The names BuildPackage writes itself; a caller's file may not take them.
inline constexpr std::string_view kSumsFile = "SHA256SUMS";
inline constexpr std::string_view kSignatureFile = "SHA256SUMS.minisig";
inline constexpr std::string_view kReadmeFile = "README.txt";

struct PackageFile {
  std::string path;  // Relative to the package folder, e.g. "clips/evd_x.mp4".
  std::string bytes;
};

// A relative path of components separated by single '/': each non-empty, not "." or "..",
// characters [A-Za-z0-9._-] only, at most kMaxPathBytes in all. InvalidArgument naming it
// otherwise.
Status ValidatePackagePath(std::string_view path);

// The package as tar bytes. `name` is the top folder (one path component, as above; conventionally
// the export's id). `files` must have distinct paths, none of them a reserved name at the top
// level, and no path may be both a file and a folder. `trusted_comment` is signed with
// SHA256SUMS and shown by `minisign -V`: put in it what the signature attests, e.g.
// "canvass evidence package <name> exported 2025-01-31T12:00:00Z by <deployment>". It must pass
// ValidateTrustedComment.
StatusOr<std::string> BuildPackage(const std::string& name, std::vector<PackageFile> files,
                                   const SigningKey& key, std::string_view trusted_comment);

struct PackageReport {
  std::string name;             // The top folder.
  int files_checked = 0;        // Files listed in SHA256SUMS, all present and matching.
  std::string trusted_comment;  // As signed.
  std::string key_id;           // The signing key, as minisign prints it (KeyIdHex).
};

// Verifies the package at `path`: a .tar file, or an unpacked package folder (the one holding
// SHA256SUMS, or a folder holding only that folder). `public_key_file` is the deployment's
// minisign public key (.pub text).
//
// Checks, in this order, and fails on the first problem with a message naming the file:
//   1. every member is a regular file or a directory (no symlinks, hard links, devices, FIFOs)
//      with a safe path (ValidatePackagePath) inside the one top folder, and appears once
//      (InvalidArgument);
//   2. SHA256SUMS.minisig is a valid signature of SHA256SUMS by the public key (as
//      evidence::Verify: InvalidArgument or FailedPrecondition);
//   3. SHA256SUMS is well formed: the format above, sorted, no duplicates (DataLoss);
//   4. every file it lists is present with that SHA-256 (DataLoss);
//   5. no other file is present besides SHA256SUMS and SHA256SUMS.minisig (DataLoss).
// A missing package is NotFound; one over the limits above, ResourceExhausted.
StatusOr<PackageReport> VerifyPackage(const std::string& path, std::string_view public_key_file);

}  // namespace canvass::evidence
