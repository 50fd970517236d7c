// HotListMatcher: every plate read checked against the hot lists of the agencies entitled to it,
// in memory, as the read arrives.
//
// A hot list (stolen vehicles, wanted persons, AMBER alerts, an agency's own list) belongs to one
// agency and holds entries: a plate, a state (or none: any state), a reason and an expiry. A read
// (plate, state, time) hits an entry when
//   - the entry's list belongs to an agency the read is entitled to (sharing agreements decide
//     which; the caller passes the answer as an AgencySet),
//   - the read's and the entry's confusion keys are equal (ConfusionClasses: "8OL5" hits an entry
//     for "B0I5"); a hit whose plate text is equal too is kExact, any other kConfusable,
//   - the states are compatible: equal, or either one empty,
//   - the entry has not expired: expires_at_us == 0 or at_us < expires_at_us.
//
// Lists are replaced whole (an NCIC-style import) with ReplaceList or, several at once (the
// server's start), ReplaceLists, and edited entry by entry with AddEntry, RemoveEntry and
// RemoveExpired. docs/design/hotlists.md describes the structure,
// the swap protocol, the complexity and the measured memory.
//
// Usage:
//   HotListMatcher matcher;
//   CANVASS_RETURN_IF_ERROR(matcher.ReplaceList("ncic-stolen", "agy_cpd", std::move(entries)));
//   AgencySet entitled = matcher.Entitlement({"agy_cpd", "agy_isp"});  // Once per camera.
//   for (const Read& r : reads) {
//     for (const HotListHit& hit : matcher.Match(r.plate, r.state, r.captured_at_us, entitled)) {
//       RaiseAlert(r, hit);
//     }
//   }
//
// Thread-safety: every method may be called from any thread. Readers (Match, View, the counters)
// never wait for a writer's work: they read an immutable snapshot that writers replace with one
// pointer assignment (under a lock held for nanoseconds), so a Match sees each write entirely or
// not at all, and a whole list always from one version. Writers (ReplaceList(s), AddEntry,
// RemoveEntry, RemoveList, RemoveExpired) are serialised among themselves; replacing a list of
// 1M entries holds the other writers off for a few hundred milliseconds, never a reader. Old
// snapshots are freed on a writer's thread, not on the reader that dropped the last reference.
// For a batch of reads, match through one View (no shared write per read).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "plates/plate_text.h"

namespace canvass::plates {

struct HotListEntry {
  std::string entry_id;       // Unique within its list (the NCIC record number, or ours).
  std::string plate;          // Normalised on the way in (NormalizePlate).
  std::string state;          // Two-letter code ("IL"), or empty: any state.
  std::string reason;         // Shown in the alert: "STOLEN VEHICLE", "AMBER ALERT", ...
  int64_t expires_at_us = 0;  // Stops matching at this time (exclusive); 0: never expires.

  bool operator==(const HotListEntry&) const = default;
};

// A whole list, as an import delivers it.
struct HotList {
  std::string list_id;
  std::string agency_id;  // The owner: the list is matched for reads entitled to this agency.
  std::vector<HotListEntry> entries;
};

enum class HitKind { kExact, kConfusable };
std::string_view HitKindName(HitKind kind);  // "exact", "confusable".

struct HotListHit {
  std::string list_id;
  std::string agency_id;  // The list's owner.
  HotListEntry entry;     // A copy: a hit outlives any later change to the list.
  HitKind kind = HitKind::kExact;

  bool operator==(const HotListHit&) const = default;
};

// The agencies a read is entitled to, as a bitmap over the matcher's agency indexes (small
// integers the matcher hands out, one per agency id, never reused). Testing one bit costs a
// load and a shift, where a vector of id strings would cost a string comparison per list. Build
// one per entitlement (per camera or sharing agreement) with HotListMatcher::Entitlement and
// keep it; it stays valid for the matcher's lifetime.
class AgencySet {
 public:
  AgencySet() = default;   // No agency: matches nothing.
  static AgencySet All();  // Every agency, present and future (tests, administrators).

  void Add(uint32_t agency_index);
  bool Contains(uint32_t agency_index) const {
    if (all_) return true;
    size_t word = agency_index >> 6;
    return word < words_.size() && ((words_[word] >> (agency_index & 63)) & 1) != 0;
  }

 private:
  bool all_ = false;
  std::vector<uint64_t> words_;
};

class HotListMatcher {
 public:
  struct Options {
    // The OCR confusion classes; must outlive the matcher.
    const ConfusionClasses* classes = &ConfusionClasses::Default();
    // Single-entry edits and small list replacements go to a small side table until it holds
    // more than max(min_overlay_entries, entries / 128) entries (counting removals); then the
    // next change rebuilds the main table. Tests set it low to exercise the rebuild.
    size_t min_overlay_entries = 1024;
  };

  class Snapshot;  // Internal; an immutable state of every list.

  // A consistent view of every list at one moment. Matching through one view takes no lock and
  // touches no shared counter: the cheapest way to match a batch of reads. Holding a view keeps
  // its state's memory alive; drop it within seconds.
  class View {
   public:
    std::vector<HotListHit> Match(std::string_view plate, std::string_view state, int64_t at_us,
                                  const AgencySet& entitled) const;
    size_t entry_count() const;
    size_t list_count() const;

   private:
    friend class HotListMatcher;
    explicit View(std::shared_ptr<const Snapshot> s) : s_(std::move(s)) {}
    std::shared_ptr<const Snapshot> s_;
  };

  HotListMatcher();
  explicit HotListMatcher(Options options);
  ~HotListMatcher();
  HotListMatcher(const HotListMatcher&) = delete;
  HotListMatcher& operator=(const HotListMatcher&) = delete;

  // Replaces every entry of `list_id` (creating the list if new) and sets its owner. Plates are
  // normalised; an empty or duplicate entry id, a plate NormalizePlate refuses, a state that is
  // neither empty nor a two-letter code, or a negative expiry is InvalidArgument, naming the
  // entry, and changes nothing. Readers see the old list until the new one is complete, then the
  // new one. Other lists are untouched. O(total entries): the main table is rebuilt.
  //
  // Cost: O(entries in every list), a rebuild of the main table (about 0.25 s of one core for
  // 1M entries; docs/benchmarks.md), unless the old and the new list together are small beside
  // everything (within the side table's budget, see Options), which costs O(that budget).
  Status ReplaceList(std::string_view list_id, std::string_view agency_id,
                     std::vector<HotListEntry> entries);

  // Replaces several lists at once, in one rebuild and one publication (the server's start,
  // a nightly import of many lists): readers see all of them change together. Validation as
  // ReplaceList's, and a list id twice in `lists` is InvalidArgument; on error nothing changes.
  Status ReplaceLists(std::vector<HotList> lists);

  // Adds an entry to an existing list (NotFound otherwise), replacing the entry with the same id
  // if there is one. Validation as ReplaceList's.
  Status AddEntry(std::string_view list_id, HotListEntry entry);

  // Removes one entry. NotFound if the list or the entry does not exist.
  Status RemoveEntry(std::string_view list_id, std::string_view entry_id);

  // Removes a list and its entries. NotFound if it does not exist. O(entries): a rebuild.
  Status RemoveList(std::string_view list_id);

  // Removes every entry expired at now_us (expires_at_us != 0 and <= now_us) from memory and
  // returns how many. Match already ignores them; this only frees their memory.
  size_t RemoveExpired(int64_t now_us);

  // The hits of one read, sorted by (list_id, entry_id). `plate` must be normalised
  // (NormalizePlate's output); anything else matches nothing. `state` is a two-letter code or
  // empty (unread); any other value is treated as empty, so a misread state never hides a hit
  // (alerts are confirmed by a person before anyone acts). Expired entries are ignored. Never
  // waits for a writer's rebuild; costs a copy of the current snapshot pointer under a short
  // lock (and its release) on top of View::Match.
  std::vector<HotListHit> Match(std::string_view plate, std::string_view state, int64_t at_us,
                                const AgencySet& entitled) const;

  // Convenience for callers without an AgencySet at hand: builds one (taking a short lock on
  // the agency registry) and matches. Prefer caching Entitlement's result.
  std::vector<HotListHit> Match(std::string_view plate, std::string_view state, int64_t at_us,
                                const std::vector<std::string>& entitled_agency_ids) const;

  // The current state, for a batch of reads (see View).
  View view() const;

  // The set of these agencies. Unknown ids are registered (so that their future lists count).
  AgencySet Entitlement(const std::vector<std::string>& agency_ids) const;
  // The index of an agency, registering it if new. Stable for the matcher's lifetime.
  uint32_t AgencyIndex(std::string_view agency_id) const;

  size_t entry_count() const;  // Entries in every list, expired ones included until removed.
  size_t list_count() const;
  // Entries in one list, or 0 if there is no such list.
  size_t list_entry_count(std::string_view list_id) const;
  // Estimate of the heap the current state uses: tables, entries and their strings, counted by
  // capacity (the allocator's per-block overhead is not counted). During a ReplaceList the old
  // and the new state briefly coexist.
  size_t MemoryBytes() const;

 private:
  std::shared_ptr<const Snapshot> Load() const;
  // Publishes `next` and frees the replaced state once no reader holds it (write_mu_ held).
  void Publish(std::shared_ptr<const Snapshot> next);
  void FreeRetired(bool wait_for_latest);

  Options options_;

  // The registry of agency ids; its own lock, so that Entitlement never waits for a writer.
  mutable std::mutex agency_mu_;
  mutable std::unordered_map<std::string, uint32_t> agency_index_;  // Guarded by agency_mu_.

  std::mutex write_mu_;                     // Serialises writers; readers never take it.
  std::shared_ptr<const Snapshot> latest_;  // Guarded by write_mu_; what current_ holds.
  // Replaced snapshots that a reader may still hold; freed here once none does.
  std::vector<std::shared_ptr<const Snapshot>> retired_;  // Guarded by write_mu_.

  // The published state. A reader copies the pointer under current_mu_ (one reference count
  // increment); a writer holds it for one pointer assignment, never across a rebuild.
  // (std::atomic<std::shared_ptr> would do the same with its own spin lock, but libstdc++ 12's
  // load releases that lock with relaxed ordering, a data race that ThreadSanitizer reports.)
  mutable std::mutex current_mu_;
  std::shared_ptr<const Snapshot> current_;  // Guarded by current_mu_.
};

}  // namespace canvass::plates
