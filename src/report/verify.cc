#include "report/verify.h"

#include <map>

#include "audit/merkle.h"
#include "auditlog/verifier.h"
#include "common/encoding.h"
#include "report/counter.h"

namespace canvass::report {
namespace {

// Checks that the log's current checkpoint extends `counted_at`: the report's tree is a prefix
// of the tree the log serves now.
Status CheckStillInLog(const audit::TileFetcher& log, const audit::Verifier& key,
                       const audit::Checkpoint& counted_at, uint64_t* current_size) {
  CANVASS_ASSIGN_OR_RETURN(std::string note, log("checkpoint"));
  CANVASS_ASSIGN_OR_RETURN(audit::Checkpoint now, audit::OpenCheckpoint(note, key, key.name()));
  *current_size = now.size;
  if (now.size < counted_at.size) {
    return DataLossError("the log's checkpoint has " + std::to_string(now.size) +
                         " leaves, fewer than the " + std::to_string(counted_at.size) +
                         " the report was counted at");
  }
  audit::TileNodeReader reader(now.size, log);
  CANVASS_ASSIGN_OR_RETURN(
      auto proof, audit::ConsistencyProof(counted_at.size, now.size, reader.AsNodeReader()));
  Status consistent =
      audit::VerifyConsistency(counted_at.size, now.size, counted_at.root, now.root, proof);
  if (!consistent.ok()) {
    return DataLossError("the report's checkpoint is not a prefix of the log's current one: " +
                         consistent.message());
  }
  return OkStatus();
}

}  // namespace

std::vector<std::string> CompareFigures(const PublishedReport& published, const Report& recount) {
  std::vector<std::string> out;
  std::map<std::string, std::string> claimed;
  for (const auto& [name, value] : published.figures) claimed[name] = value;
  for (const Figure& f : recount.figures) {
    const std::string counted = f.Published();
    auto it = claimed.find(f.name);
    if (it == claimed.end()) {
      out.push_back("figure " + f.name + " is missing from the published report (counted " +
                    counted + ")");
    } else if (it->second != counted) {
      out.push_back("figure " + f.name + " differs: published " + it->second + ", counted " +
                    counted);
    }
  }
  for (const auto& [name, value] : published.figures) {
    if (!recount.Find(name)) {
      out.push_back("figure " + name + " is published (" + value +
                    ") but the public leaves give no such figure");
    }
  }
  return out;
}

StatusOr<ReportCheck> VerifyReport(const std::string& report_json, const audit::TileFetcher& log,
                                   const audit::Verifier& key) {
  ReportCheck out;
  CANVASS_ASSIGN_OR_RETURN(out.published, ParseReportJson(report_json));
  const PublishedReport& p = out.published;
  CANVASS_ASSIGN_OR_RETURN(Period period, ParsePeriod(p.period));

  CANVASS_ASSIGN_OR_RETURN(audit::Checkpoint cp,
                           audit::OpenCheckpoint(p.checkpoint.note, key, key.name()));
  if (cp.size != p.checkpoint.size) {
    return DataLossError("the report states checkpoint size " + std::to_string(p.checkpoint.size) +
                         " but its signed note says " + std::to_string(cp.size));
  }
  const std::string root =
      Base64Encode(std::string_view(reinterpret_cast<const char*>(cp.root.data()), cp.root.size()));
  if (root != p.checkpoint.root_base64) {
    return DataLossError("the report states root " + p.checkpoint.root_base64 +
                         " but its signed note says " + root);
  }

  // The log exactly at the report's checkpoint: the note comes from the report, the tiles and
  // entries from the log (a partial tile of an older size is a prefix of the stored one). The
  // entries are parsed as they pass; they are used only if the whole log verifies.
  std::vector<PublicLeaf> leaves;
  Status parse_error;
  uint64_t parsed = 0;
  audit::TileFetcher at_checkpoint = [&](const std::string& path) -> StatusOr<std::string> {
    if (path == "checkpoint") return p.checkpoint.note;
    CANVASS_ASSIGN_OR_RETURN(std::string bytes, log(path));
    auto where = audit::ParseTilePath(path);
    if (!where.ok() || !where->entries) return bytes;
    const int width = audit::TileWidth(0, where->index, cp.size);
    auto entries = audit::DecodeEntryBundle(bytes, width);
    if (!entries.ok()) return bytes;  // VerifyLog names the fault
    for (const auto& e : *entries) {
      auto leaf = ParsePublicLeaf(e);
      if (!leaf.ok()) {
        if (parse_error.ok()) {
          parse_error =
              DataLossError("entry " + std::to_string(parsed) + ": " + leaf.status().message());
        }
      } else if (CountsTowardReports(leaf->type)) {
        leaves.push_back(std::move(leaf).value());
      }
      ++parsed;
    }
    return bytes;
  };
  CANVASS_ASSIGN_OR_RETURN(LogVerification verified, VerifyLog(at_checkpoint, key, std::nullopt));
  CANVASS_RETURN_IF_ERROR(parse_error);
  if (parsed != cp.size) {
    return InternalError("read " + std::to_string(parsed) + " entries for a tree of " +
                         std::to_string(cp.size));
  }
  out.entries_checked = verified.entries_checked;
  CANVASS_RETURN_IF_ERROR(CheckStillInLog(log, key, cp, &out.current_size));

  out.recount = Count(leaves, period, p.agency, p.checkpoint);
  out.differences = CompareFigures(p, out.recount);
  return out;
}

}  // namespace canvass::report
