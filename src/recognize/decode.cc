#include "recognize/decode.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <queue>
#include <set>

namespace canvass::recognize {

namespace {

// Formats, written with L for a letter and D for a digit. They are priors, not filters.
// US: the common serial formats of the states (state-specific formats would need the state).
constexpr std::string_view kUsFormats[] = {
    "LLLDDDD", "DLLLDDD", "LLLDDD", "DDDLLL", "DDDLLLL", "LLDDDD", "DLLDDD", "DDDDLL",
    "LLDDDDD", "DDLLLDD", "LLDDLL", "DDLLDD", "LLLLDD",  "DDDDDD", "DDDDD",  "DDDDDDD",
    "LDDDDD",  "DDLDDD",  "DDDLDD", "LLDDDL", "DLLLDD",  "LLLDDL",
};
// EU: Slovak (the common case of the sets we measure on), Czech, Polish, German-like.
constexpr std::string_view kEuFormats[] = {
    "LLDDDLL", "DLDDDDD", "DLLDDDD", "LLDDDDD", "LLLDDDD", "LLDDDD",
    "LLLDDD",  "LLLLDDD", "LLLLDD",  "LDDDD",   "LLDDD",
};

// How much a reading that fits no format is trusted, relative to one that does.
double OffFormatWeight(Region region) { return region == Region::kUs ? 0.5 : 0.25; }

// How much a reading that drops one of the characters read (to fit a format) is trusted. In the
// EU, where nearly all plates fit a format, above OffFormatWeight: a format-fitting reading
// without the extra character beats the off-format reading with it. In the US, below it: vanity
// plates are common, so only a doubtful character is dropped.
double DropWeight(Region region) { return region == Region::kUs ? 0.3 : 0.4; }

// Region priors on single characters. Most US states do not issue the letter O in regular series
// (it is read as the digit 0), so an O must be clearly an O.
float CharPrior(Region region, int k) {
  if (region == Region::kUs && kAlphabet[k] == 'O') return 0.3f;
  return 1.0f;
}

bool IsDigit(int k) { return k < 10; }

// Best first (ties by text), at most max_candidates: the order of every ranking returned here.
std::vector<TextCandidate> BestFirst(std::vector<TextCandidate> out, int max_candidates) {
  std::sort(out.begin(), out.end(), [](const TextCandidate& a, const TextCandidate& b) {
    return a.confidence != b.confidence ? a.confidence > b.confidence : a.text < b.text;
  });
  if (out.size() > static_cast<size_t>(std::max(0, max_candidates))) {
    out.resize(std::max(0, max_candidates));
  }
  return out;
}

template <typename F>
void ForEachFormat(Region region, F f) {
  if (region == Region::kUs) {
    for (std::string_view s : kUsFormats) f(s);
  } else {
    for (std::string_view s : kEuFormats) f(s);
  }
}

}  // namespace

std::vector<CharSlot> BestPathSlots(const float* probs, int columns) {
  std::vector<CharSlot> slots;
  int prev = 0;
  float best_here = -1;
  for (int t = 0; t < columns; ++t) {
    const float* row = probs + static_cast<size_t>(t) * kClasses;
    int arg = static_cast<int>(std::max_element(row, row + kClasses) - row);
    if (arg != 0 && arg != prev) {
      slots.emplace_back();
      best_here = -1;
    }
    if (arg != 0 && row[arg] > best_here) {
      // This column is the character's most confident so far: take its distribution.
      best_here = row[arg];
      float sum = 0;
      for (int k = 0; k < 36; ++k) sum += row[k + 1];
      for (int k = 0; k < 36; ++k) slots.back().probs[k] = sum > 0 ? row[k + 1] / sum : 0;
    }
    prev = arg;
  }
  return slots;
}

bool FitsRegionFormat(std::string_view text, Region region) {
  bool fits = false;
  ForEachFormat(region, [&](std::string_view f) {
    if (fits || f.size() != text.size()) return;
    bool ok = true;
    for (size_t i = 0; i < f.size() && ok; ++i) {
      bool digit = text[i] >= '0' && text[i] <= '9';
      ok = (f[i] == 'D') == digit;
    }
    fits = ok;
  });
  return fits;
}

std::vector<TextCandidate> RankReadings(const std::vector<CharSlot>& slots, Region region,
                                        int max_candidates) {
  if (slots.empty() || max_candidates <= 0) return {};
  const size_t n = slots.size();

  // Each slot's alternatives, most probable first, priors applied.
  struct Alt {
    int k;
    double p;
  };
  std::vector<std::vector<Alt>> alts(n);
  for (size_t i = 0; i < n; ++i) {
    for (int k = 0; k < 36; ++k) {
      double p = slots[i].probs[k] * CharPrior(region, k);
      if (p >= 0.002) alts[i].push_back({k, p});
    }
    std::sort(alts[i].begin(), alts[i].end(), [](const Alt& a, const Alt& b) { return a.p > b.p; });
    if (alts[i].size() > 4) alts[i].resize(4);
    if (alts[i].empty()) alts[i].push_back({0, 1e-6});
  }

  std::map<std::string, double> scores;  // text -> best raw score
  auto offer = [&](const std::string& text, double p) {
    auto [it, inserted] = scores.emplace(text, p);
    if (!inserted) it->second = std::max(it->second, p);
  };

  // The k most probable combinations, best first: a frontier over per-slot choices, each slot's
  // choice (an index into its alternatives, at most 3) packed in two bits of a key.
  const size_t packed = std::min<size_t>(n, 32);  // slots past 32 keep their best choice
  auto choice = [](uint64_t key, size_t i) { return static_cast<size_t>((key >> (2 * i)) & 3); };
  auto score_of = [&](uint64_t key) {
    double p = 1;
    for (size_t i = 0; i < n; ++i) p *= alts[i][i < packed ? choice(key, i) : 0].p;
    return p;
  };
  auto text_of = [&](uint64_t key) {
    std::string s(n, ' ');
    for (size_t i = 0; i < n; ++i) s[i] = kAlphabet[alts[i][i < packed ? choice(key, i) : 0].k];
    return s;
  };
  std::priority_queue<std::pair<double, uint64_t>> frontier;
  std::set<uint64_t> seen;
  frontier.push({score_of(0), 0});
  seen.insert(0);
  const int want = 3 * max_candidates;
  for (int got = 0; got < want && !frontier.empty(); ++got) {
    auto [p, key] = frontier.top();
    frontier.pop();
    offer(text_of(key), p);
    for (size_t i = 0; i < packed; ++i) {
      if (choice(key, i) + 1 >= alts[i].size()) continue;
      uint64_t next = key + (uint64_t{1} << (2 * i));
      if (seen.insert(next).second) frontier.push({score_of(next), next});
    }
  }

  // Position-aware fixing: the best reading of each format, over all the characters read, and
  // over all of them but one (CTC readers add a character now and then: an EU band read as a
  // letter, a wide digit read twice). A dropped character costs DropWeight.
  auto fit_formats = [&](size_t skip, double weight) {
    const size_t m = skip < n ? n - 1 : n;
    ForEachFormat(region, [&](std::string_view f) {
      if (f.size() != m) return;
      std::string text;
      double p = weight;
      size_t j = 0;
      for (size_t i = 0; i < n; ++i) {
        if (i == skip) continue;
        bool want_digit = f[j++] == 'D';
        int best = -1;
        double bp = -1;
        for (int k = 0; k < 36; ++k) {
          if (IsDigit(k) != want_digit) continue;
          double q = slots[i].probs[k] * CharPrior(region, k);
          if (q > bp) bp = q, best = k;
        }
        text += kAlphabet[best];
        p *= std::max(bp, 1e-6);
      }
      offer(text, p);
    });
  };
  fit_formats(n, 1.0);
  if (n >= 4) {
    for (size_t skip = 0; skip < n; ++skip) fit_formats(skip, DropWeight(region));
  }

  std::vector<TextCandidate> out;
  out.reserve(scores.size());
  for (const auto& [text, p] : scores) {
    double w = FitsRegionFormat(text, region) ? 1.0 : OffFormatWeight(region);
    out.push_back({text, std::min(1.0, p * w)});
  }
  return BestFirst(std::move(out), max_candidates);
}

std::vector<TextCandidate> PoolReadings(const std::vector<std::vector<TextCandidate>>& readings,
                                        int max_candidates) {
  std::map<std::string, double> best;
  for (const auto& cut : readings) {
    for (const TextCandidate& c : cut) {
      auto [it, inserted] = best.emplace(c.text, c.confidence);
      if (!inserted) it->second = std::max(it->second, c.confidence);
    }
  }
  // The right-end correction. The map's order puts a text right before the texts it begins, so
  // the scan meets a text before its extensions (and a chain of extensions moves along).
  for (auto t = best.begin(); t != best.end(); ++t) {
    double* longer = nullptr;
    for (auto it = std::next(t); it != best.end() && it->first.starts_with(t->first); ++it) {
      if (it->first.size() == t->first.size() + 1 && (!longer || it->second > *longer)) {
        longer = &it->second;
      }
    }
    if (longer && *longer < t->second && *longer >= kRightEndRatio * t->second) {
      std::swap(*longer, t->second);
    }
  }
  std::vector<TextCandidate> out;
  out.reserve(best.size());
  for (const auto& [text, conf] : best) out.push_back({text, conf});
  return BestFirst(std::move(out), max_candidates);
}

}  // namespace canvass::recognize
