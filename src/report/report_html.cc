#include "report/report_html.h"

#include <algorithm>
#include <map>

#include "common/time_format.h"
#include "report/small_count.h"

namespace canvass::report {
namespace {

constexpr int kLabelWidth = 260;
constexpr int kBarArea = 360;
constexpr int kRowHeight = 22;

const std::map<std::string, std::string>& SectionTitles() {
  static const std::map<std::string, std::string> titles = {
      {"requests", "Community footage requests"},
      {"demands", "Legal demands"},
      {"emergencies", "Emergency disclosures"},
      {"plates", "Licence-plate searches and hot-list hits"},
      {"agreements", "Plate-sharing agreements"},
      {"deletions", "Deletions"},
  };
  return titles;
}

// One horizontal bar per figure, scaled to the section's largest published number. A figure
// published as "fewer than 5" is drawn as a hatched bar over the whole range 0 to 5: its exact
// value is not published.
std::string BarChart(const std::string& section, const std::vector<const Figure*>& figures) {
  int64_t max = kSmallCount;
  for (const Figure* f : figures) {
    if (f->Published() != kFewerThanFive) max = std::max(max, f->count);
  }
  const int height = kRowHeight * static_cast<int>(figures.size()) + 4;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
                    std::to_string(kLabelWidth + kBarArea + 110) + "\" height=\"" +
                    std::to_string(height) + "\" aria-label=\"" + EscapeHtml(section) + "\">\n";
  int y = 2;
  for (const Figure* f : figures) {
    const std::string value = f->Published();
    const bool small = value == kFewerThanFive;
    const int64_t shown = small ? kSmallCount : f->count;  // a hatched range up to 5
    const int width = static_cast<int>(shown * kBarArea / max);
    const std::string label = f->name.substr(section.size() + 1);
    svg += "<text x=\"" + std::to_string(kLabelWidth - 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\" font-size=\"12\">" + EscapeHtml(label) + "</text>";
    svg += "<rect x=\"" + std::to_string(kLabelWidth) + "\" y=\"" + std::to_string(y + 3) +
           "\" width=\"" + std::to_string(std::max(width, f->count > 0 || small ? 1 : 0)) +
           "\" height=\"" + std::to_string(kRowHeight - 6) + "\" fill=\"" +
           (small ? "url(#hatch)" : "#3b6ea5") + "\"/>";
    svg += "<text x=\"" + std::to_string(kLabelWidth + width + 6) + "\" y=\"" +
           std::to_string(y + 15) + "\" font-size=\"12\">" + EscapeHtml(value) + "</text>\n";
    y += kRowHeight;
  }
  return svg + "</svg>\n";
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string ReportHtml(const Report& r, const std::string& agency_label) {
  const std::string scope =
      r.agency.empty() ? "the whole deployment"
      : agency_label.empty() || agency_label == r.agency
          ? "agency <code>" + EscapeHtml(r.agency) + "</code>"
          : EscapeHtml(agency_label) + " (<code>" + EscapeHtml(r.agency) + "</code>)";
  std::string h =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Transparency report " +
      EscapeHtml(r.period.name) +
      "</title>\n"
      "<style>body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;padding:0 1em}"
      "table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;"
      "text-align:left}td.v{text-align:right}pre{background:#f4f4f4;padding:8px;overflow-x:auto}"
      "</style></head><body>\n"
      "<svg width=\"0\" height=\"0\" style=\"position:absolute\"><defs><pattern id=\"hatch\" "
      "width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"#9bb3cf\"/>"
      "</pattern></defs></svg>\n"
      "<h1>Transparency report " +
      EscapeHtml(r.period.name) +
      "</h1>\n"
      "<p>For " +
      scope + ", from " + FormatRfc3339(r.period.from_s * 1'000'000) + " to " +
      FormatRfc3339(r.period.to_s * 1'000'000) +
      " (UTC, end excluded). Every figure is "
      "counted from the public audit log, up to the checkpoint below; counts that concern "
      "residents are shown as &ldquo;fewer than 5&rdquo; when they are 0 to 4.</p>\n";
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Figure*>> sections;
  for (const auto& f : r.figures) {
    const std::string s = Report::Section(f.name);
    if (!sections.count(s)) order.push_back(s);
    sections[s].push_back(&f);
  }
  for (const auto& s : order) {
    auto title = SectionTitles().find(s);
    h += "<h2>" + EscapeHtml(title == SectionTitles().end() ? s : title->second) + "</h2>\n";
    h += BarChart(s, sections[s]);
    h += "<table><tr><th>figure</th><th>value</th></tr>\n";
    for (const Figure* f : sections[s]) {
      h += "<tr><td><code>" + EscapeHtml(f->name) + "</code></td><td class=\"v\">" +
           EscapeHtml(f->Published()) + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  h += "<h2>Checkpoint</h2>\n<p>Counted over the first " + std::to_string(r.checkpoint.size) +
       " leaves of the log, root <code>" + EscapeHtml(r.checkpoint.root_base64) +
       "</code>. The signed checkpoint:</p>\n<pre>" + EscapeHtml(r.checkpoint.note) + "</pre>\n";
  h += "<h2>Re-count it yourself</h2>\n<p><code>canvass report verify --url http://HOST:PORT "
       "--key audit.key --period " +
       EscapeHtml(r.period.name) + (r.agency.empty() ? "" : " --agency " + EscapeHtml(r.agency)) +
       "</code> fetches this report and the public log, checks the checkpoint's signature, "
       "re-derives the tree and re-counts every figure from the public leaves "
       "(docs/guide/operations.md).</p>\n</body></html>\n";
  return h;
}

}  // namespace canvass::report
