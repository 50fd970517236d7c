#include "retention/retention_check.h"

#include <algorithm>
#include <map>

#include "common/clock.h"
#include "common/time_format.h"
#include "media/clip_cipher.h"
#include "retention/hold_rules.h"

namespace canvass::retention {
namespace {

constexpr int64_t kChunkBytes = 1 << 20;

struct Range {
  int64_t begin;
  int64_t end;
};

// Ranges of [0, size) that no live crop covers.
std::vector<Range> Gaps(std::vector<Range> live, int64_t size) {
  std::sort(live.begin(), live.end(),
            [](const Range& a, const Range& b) { return a.begin < b.begin; });
  std::vector<Range> gaps;
  int64_t at = 0;
  for (const Range& r : live) {
    if (r.begin > at) gaps.push_back({at, std::min(r.begin, size)});
    at = std::max(at, r.end);
  }
  if (at < size) gaps.push_back({at, size});
  std::erase_if(gaps, [](const Range& g) { return g.end <= g.begin; });
  return gaps;
}

StatusOr<bool> AllZero(const RandomAccessFile& file, const Range& g) {
  for (int64_t at = g.begin; at < g.end; at += kChunkBytes) {
    CANVASS_ASSIGN_OR_RETURN(
        std::string bytes, file.ReadAt(at, static_cast<size_t>(std::min(kChunkBytes, g.end - at))));
    if (std::any_of(bytes.begin(), bytes.end(), [](char c) { return c != 0; })) return false;
  }
  return true;
}

}  // namespace

StatusOr<RetentionCheckReport> CheckRetention(Store& store, plates::PlateService& plates,
                                              FileSystem& fs, const Config& config, int64_t now_us,
                                              bool repair) {
  RetentionCheckReport report;
  const int64_t grace_us = config.retention.check_grace_s * 1'000'000;
  CANVASS_ASSIGN_OR_RETURN(auto holds, store.ListHolds(/*active_only=*/true));
  for (const auto& h : holds) {
    if (h.expires_at_us > 0 && h.expires_at_us + grace_us < now_us) {
      report.problems.push_back("hold " + h.id + " expired at " + FormatRfc3339(h.expires_at_us) +
                                " but has not ended, so it still keeps its scope");
    }
  }
  const HoldSet in_force(std::move(holds));

  // Clips: each camera's retention.
  std::map<std::string, int> camera_days;
  CANVASS_RETURN_IF_ERROR(store.ForEachCamera([&](const Camera& c) -> Status {
    camera_days[c.id] = c.retention_days;
    return OkStatus();
  }));
  CANVASS_RETURN_IF_ERROR(store.ForEachClip([&](const Clip& clip) -> Status {
    ++report.clips_checked;
    auto days = camera_days.find(clip.camera_id);
    if (days == camera_days.end()) {
      report.problems.push_back("clip " + clip.id + " belongs to no camera");
      return OkStatus();
    }
    const int64_t due_us = clip.ended_at_us + days->second * kDayUs;
    if (due_us + grace_us < now_us && !in_force.KeepsClip(clip)) {
      report.problems.push_back("clip " + clip.id + " ended " + FormatRfc3339(clip.ended_at_us) +
                                ", past its camera's " + std::to_string(days->second) +
                                "-day retention, and no hold keeps it");
    }
    return OkStatus();
  }));

  // Plate reads: their agency's state retention. Collect the live crops of each pack.
  std::map<std::string, int> agency_days;
  CANVASS_ASSIGN_OR_RETURN(auto agencies, store.ListAgencies());
  for (const auto& a : agencies) agency_days[a.id] = config.plates.For(a.state).retention_days;
  std::map<std::string, std::vector<Range>> live_crops;
  CANVASS_RETURN_IF_ERROR(store.ForEachPlateRead([&](const PlateRead& r) -> Status {
    ++report.reads_checked;
    if (r.crop_bytes > 0) {
      live_crops[r.crop_pack].push_back(
          {r.crop_offset, r.crop_offset + r.crop_bytes + media::kSegmentOverheadBytes});
    }
    auto days = agency_days.find(r.agency_id);
    const int d = days == agency_days.end() ? config.plates.rules.retention_days : days->second;
    if (r.read_at_us + d * kDayUs + grace_us < now_us && r.hold_case.empty() &&
        !in_force.KeepsRead(r)) {
      report.problems.push_back("plate read " + std::to_string(r.seq) + " taken " +
                                FormatRfc3339(r.read_at_us) + ", past its " + std::to_string(d) +
                                "-day retention, is neither evidence of a case nor held");
    }
    return OkStatus();
  }));

  // Crop packs: each must serve a read, and hold nothing but the crops of its reads.
  const std::string dir = plates.CropDir();
  CANVASS_ASSIGN_OR_RETURN(auto packs, fs.ListFilesRecursive(dir));
  for (const auto& pack : packs) {
    ++report.packs_checked;
    const std::string path = JoinPath(dir, pack);
    auto live = live_crops.find(pack);
    if (live == live_crops.end()) {
      if (repair && fs.RemoveFile(path).ok()) {
        ++report.repaired;
      } else {
        report.problems.push_back("crop pack " + pack +
                                  " serves no plate read (`canvass check --repair` removes it)");
      }
      continue;
    }
    CANVASS_ASSIGN_OR_RETURN(auto file, fs.OpenRandomAccess(path));
    CANVASS_ASSIGN_OR_RETURN(int64_t size, file->Size());
    int64_t stray = 0;
    std::vector<Range> dirty;
    for (const Range& g : Gaps(live->second, size)) {
      CANVASS_ASSIGN_OR_RETURN(bool zero, AllZero(*file, g));
      if (zero) continue;
      stray += g.end - g.begin;
      dirty.push_back(g);
    }
    if (dirty.empty()) continue;
    bool repaired = repair;
    for (const Range& g : dirty) {
      if (repaired) repaired = fs.ZeroRange(path, g.begin, g.end - g.begin).ok();
    }
    if (repaired) {
      report.repaired += static_cast<int64_t>(dirty.size());
    } else {
      report.problems.push_back("crop pack " + pack + " holds " + std::to_string(stray) +
                                " bytes outside its reads' crops (purged crops not destroyed; "
                                "`canvass check --repair` zeroes them)");
    }
  }
  for (const auto& [pack, ranges] : live_crops) {
    if (!fs.Exists(JoinPath(dir, pack))) {
      report.problems.push_back("crop pack " + pack + " of " + std::to_string(ranges.size()) +
                                " plate read(s) is missing");
    }
  }
  return report;
}

}  // namespace canvass::retention
