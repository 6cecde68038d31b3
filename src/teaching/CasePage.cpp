#include "teaching/CasePage.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "annulo/annotation/Vocabulary.h"

namespace annulo::teaching {
namespace {

std::string number(const std::optional<double>& v, const char* unit) {
  if (!v) return "&ndash;";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %s", *v, unit);
  return b;
}

std::string clockZone(const TearAnnotation& t) {
  std::string s = t.clock ? std::to_string(*t.clock) + " o'clock" : "";
  if (t.zone) s += (s.empty() ? "" : " / ") + std::string(token(*t.zone));
  return s.empty() ? "&ndash;" : htmlEscape(s);
}

void findingsTable(std::ostringstream& out, std::vector<TearAnnotation> tears) {
  // Cranial to caudal, as a reader goes down the spine.
  const auto& levels = discLevels();
  auto rank = [&](const std::string& l) { return std::find(levels.begin(), levels.end(), l) - levels.begin(); };
  std::stable_sort(tears.begin(), tears.end(),
                   [&](const auto& a, const auto& b) { return rank(a.level) < rank(b.level); });
  out << "<table id=\"findings\">\n<thead><tr><th>Level</th><th>Type</th><th>Dallas grade</th><th>Clock / zone</th>"
         "<th>Leak pattern</th><th>Onset</th><th>Leak area</th><th>Pain "
         "response</th><th>Comment</th></tr></thead>\n<tbody>\n";
  for (const auto& t : tears) {
    const auto& f = t.leakFigures;
    out << "<tr><td>" << htmlEscape(t.level) << "</td><td>" << token(t.type) << "</td><td>" << t.grade << "</td><td>"
        << clockZone(t) << "</td><td>" << token(t.leak) << "</td><td>" << number(f ? f->onsetMs : std::nullopt, "ms")
        << "</td><td>" << number(f ? f->areaMm2 : std::nullopt, "mm&sup2;") << "</td><td>" << token(t.pain)
        << "</td><td>" << htmlEscape(t.comment) << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

}  // namespace

std::string htmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string casePage(const std::string& title, const std::vector<TearAnnotation>& tears, const deid::DeidReport& deid,
                     const CasePictures& pictures) {
  const auto& snapshots = pictures.snapshots;
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << htmlEscape(title)
      << "</title>\n<style>\n"
         "body{font-family:sans-serif;margin:2em;color:#222;background:#fff}\n"
         "h1{font-size:1.6em;border-bottom:3px solid #c0392b;padding-bottom:.2em}\n"
         "table{border-collapse:collapse;margin:1em 0;font-size:1.05em}\n"
         "th,td{border:1px solid #999;padding:.35em .7em;text-align:left}\n"
         "th{background:#34495e;color:#fff}\ntr:nth-child(even) td{background:#ecf0f1}\n"
         ".grid{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}\n"
         ".grid figure{margin:0;flex:1 1 30%;max-width:32%}\n.grid figure.wide{flex:1 1 48%;max-width:49%}\n"
         "figure img,figure video{width:100%;height:auto;display:block}\n"
         "figcaption{font-size:.9em;color:#444;margin-top:.3em}\n"
         ".deid{background:#fdf2e9;border-left:6px solid #e67e22;padding:.6em 1em}\n"
         "</style>\n</head>\n<body>\n<h1>"
      << htmlEscape(title) << "</h1>\n<h2>Findings per disc level</h2>\n";
  findingsTable(out, tears);
  if (!snapshots.empty()) out << "<h2>Annotated frames</h2>\n<div class=\"grid\">\n";
  for (const auto& snap : snapshots)
    out << "<figure><img src=\"" << htmlEscape(snap.file) << "\" alt=\"" << htmlEscape(snap.tearId) << "\"><figcaption>"
        << htmlEscape(snap.caption) << "</figcaption></figure>\n";
  if (!snapshots.empty()) out << "</div>\n";
  std::vector<const TearAnnotation*> volume;
  for (const auto& t : tears)
    if (t.geometry.is3D() &&
        std::none_of(snapshots.begin(), snapshots.end(), [&](const Snapshot& snap) { return snap.tearId == t.id; }))
      volume.push_back(&t);
  if (!volume.empty()) {
    out << "<p>Marked in 3D, no volume of their frame of reference in this case: ";
    for (std::size_t i = 0; i < volume.size(); ++i)
      out << (i ? "; " : "") << htmlEscape(volume[i]->level) << " " << token(volume[i]->type) << ", grade "
          << volume[i]->grade;
    out << ".</p>\n";
  }
  if (!pictures.cines.empty() || !pictures.plot.empty())
    out << "<h2>Cine of the injection and leak area over time</h2>\n<div class=\"grid\">\n";
  for (const auto& cine : pictures.cines)
    out << "<figure class=\"wide\"><video src=\"" << htmlEscape(cine.file)
        << "\" controls loop muted autoplay playsinline></video><figcaption>Cine: " << htmlEscape(cine.caption)
        << " &middot; <a href=\"" << htmlEscape(cine.file) << "\">WebM file</a></figcaption></figure>\n";
  if (!pictures.plot.empty())
    out << "<figure class=\"wide\"><img src=\"" << htmlEscape(pictures.plot)
        << "\" alt=\"Leak area over time\"><figcaption>Leak area per frame (from the segmentation); the dashed "
           "line is the leak onset.</figcaption></figure>\n";
  if (!pictures.cines.empty() || !pictures.plot.empty()) out << "</div>\n";
  out << "<h2>De-identification</h2>\n<div class=\"deid\"><p>Images, report, segmentation and presentation state "
         "were de-identified with DICOM PS3.15 Annex E:</p>\n<ul>\n";
  for (const auto& m : deid.method) out << "<li>" << htmlEscape(m) << "</li>\n";
  out << "</ul>\n<p>Patient name and ID are a pseudonym; every UID was replaced with a keyed one (references "
         "between the files still resolve). "
      << deid.written() << " DICOM file(s) in <code>dicom/</code>";
  if (deid.refused() > 0)
    out << "; " << deid.refused() << " file(s) were not included because they could not be cleaned safely";
  out << ".</p></div>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace annulo::teaching
