// The referring physician's one-page provocation report, as HTML text.
// Layout: header (patient, study), the invalid-study banner when needed, the
// per-level table, pressure-volume curves, the tears, the conclusions, footer
// (criteria, reader). CSS is inline and print-friendly (A4, @page).

#include "annulo/report/ProvocationReport.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "annulo/annotation/Vocabulary.h"

namespace annulo {
namespace {

std::string personName(const std::string& dicom) {
  std::string out = dicom;
  std::replace(out.begin(), out.end(), '^', ' ');
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string dicomDate(const std::string& da) {
  if (da.size() != 8) return da;
  return da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2);
}

std::string cell(const std::string& text) { return "<td>" + (text.empty() ? "&ndash;" : escapeHtml(text)) + "</td>"; }

std::string pressureCell(const std::optional<double>& psi) {
  if (!psi) return cell("");
  return "<td>" + formatValue(*psi) + "<span class=\"kpa\"> (" + formatValue(psiToKpa(*psi)) + " kPa)</span></td>";
}

std::string optional(const std::optional<double>& v) { return v ? formatValue(*v) : std::string(); }

const char* classCss(ProvocationClass c) { return token(c); }

// Map a value range onto the plot area.
struct Axis {
  double lo, hi, pixLo, pixHi;
  double operator()(double v) const { return pixLo + (v - lo) / (hi - lo) * (pixHi - pixLo); }
};

std::string header(const Session& session, const ReportContext& c) {
  std::ostringstream h;
  h << "<header><h1>Provocation discography</h1><table class=\"ids\"><tr><th>Patient</th><td>"
    << escapeHtml(personName(c.patient.name)) << "</td><th>ID</th><td>" << escapeHtml(c.patient.id)
    << "</td><th>Born</th><td>" << escapeHtml(dicomDate(c.patient.birthDate)) << "</td><th>Sex</th><td>"
    << escapeHtml(c.patient.sex) << "</td></tr><tr><th>Study</th><td>" << escapeHtml(c.study.description)
    << "</td><th>Date</th><td>" << escapeHtml(dicomDate(c.study.date)) << "</td><th>Accession</th><td>"
    << escapeHtml(c.study.accessionNumber) << "</td><th>Referrer</th><td>"
    << escapeHtml(personName(c.study.referringPhysician)) << "</td></tr><tr><th>Institution</th><td colspan=\"3\">"
    << escapeHtml(c.institution) << "</td><th>Study UID</th><td colspan=\"3\" class=\"uid\">"
    << escapeHtml(session.studyInstanceUid.empty() ? c.study.instanceUid : session.studyInstanceUid)
    << "</td></tr></table></header>\n";
  return h.str();
}

std::string levelTable(const Session& s, const StudyAssessment& study) {
  std::ostringstream t;
  t << "<table class=\"levels\"><thead><tr><th>Level</th><th>Side</th><th>Opening psi</th><th>Pain at psi</th>"
       "<th>Peak psi</th><th>&Delta; open.</th><th>mL pain / total</th><th>Pain</th>"
       "<th>Concor&shy;dance</th><th>Dallas</th><th>Leak</th><th>Nucleo&shy;gram</th><th>Computed</th><th>Final</th></"
       "tr>"
       "</thead><tbody>\n";
  for (std::size_t i = 0; i < s.provocation.size(); ++i) {
    const ProvocationLevel& p = s.provocation[i];
    const LevelAssessment& a = study.levels[i];
    const LevelMorphology m = levelMorphology(p, s.tears);
    t << "<tr data-level=\"" << escapeHtml(p.level) << "\"><th>" << escapeHtml(p.level) << "</th>"
      << cell(p.side ? std::string(token(*p.side)) + (p.approach.empty() ? "" : " " + p.approach) : p.approach)
      << pressureCell(p.openingPsi) << pressureCell(p.painPsi) << pressureCell(p.peakPsi)
      << cell(a.psiAboveOpening ? formatValue(*a.psiAboveOpening) + " psi" : "")
      << cell(optional(p.volumeAtPainMl) + " / " + optional(p.totalVolumeMl))
      << cell(p.painScore ? std::to_string(*p.painScore) + "/10" : "")
      << cell(p.concordance ? token(*p.concordance) : "") << cell(m.dallasGrade ? std::to_string(*m.dallasGrade) : "")
      << cell(m.tearIds.empty() ? ""
              : !m.leakAssessed ? "not assessed"
              : m.leak          ? "leak"
                                : "contained")
      << cell(p.nucleogram ? token(*p.nucleogram) : "") << "<td class=\"" << classCss(a.computed) << "\">"
      << token(a.computed) << "</td><td class=\"" << classCss(a.final()) << "\">" << token(a.final())
      << (a.override_ ? " <small>(override)</small>" : "") << "</td></tr>\n";
  }
  t << "</tbody></table>\n";
  return t.str();
}

std::string curves(const Session& s, const ProvocationCriteria& criteria) {
  std::ostringstream c;
  c << "<section class=\"curves\">";
  for (const auto& p : s.provocation)
    c << "<figure><figcaption>" << escapeHtml(p.level) << "</figcaption>" << pressureVolumeSvg(p, criteria)
      << "</figure>";
  c << "</section>\n";
  return c.str();
}

std::string tears(const Session& s) {
  std::ostringstream t;
  t << "<section class=\"tears\"><h2>Annular tears</h2>";
  if (s.tears.empty()) {
    t << "<p>No tears marked.</p></section>\n";
    return t.str();
  }
  t << "<table><thead><tr><th>Tear</th><th>Level</th><th>Type</th><th>Dallas</th><th>Clock</th><th>Zone</th>"
       "<th>Leak</th><th>Comment</th></tr></thead><tbody>";
  for (const auto& tear : s.tears)
    t << "<tr>" << cell(tear.id) << cell(tear.level) << cell(token(tear.type)) << cell(std::to_string(tear.grade))
      << cell(tear.clock ? std::to_string(*tear.clock) : "") << cell(tear.zone ? token(*tear.zone) : "")
      << cell(token(tear.leak)) << cell(tear.comment) << "</tr>";
  t << "</tbody></table></section>\n";
  return t.str();
}

// The frames the tears were marked on, with the tears drawn, under the tears table.
std::string keyImages(const Session& s, const ReportContext& c) {
  if (s.tears.empty()) return {};
  std::ostringstream k;
  k << "<section class=\"keyimages\"><h2>Key images</h2>";
  if (c.keyImages.empty())
    k << "<p>" << escapeHtml(c.keyImagesNote.empty() ? "No key images." : c.keyImagesNote) << "</p>";
  for (const auto& image : c.keyImages)
    k << "<figure data-tear=\"" << escapeHtml(image.tearId) << "\"><img src=\"" << escapeHtml(image.file) << "\" alt=\""
      << escapeHtml(image.caption) << "\"><figcaption>" << escapeHtml(image.tearId) << " &middot; "
      << escapeHtml(image.caption) << "</figcaption></figure>";
  k << "</section>\n";
  return k.str();
}

std::string conclusions(const StudyAssessment& study) {
  std::ostringstream c;
  c << "<section class=\"conclusion\"><h2>Conclusion</h2><ul>";
  for (const auto& a : study.levels) {
    c << "<li class=\"" << classCss(a.final()) << "\">" << escapeHtml(a.conclusion);
    if (a.override_) c << " &mdash; override reason: " << escapeHtml(a.override_->reason);
    c << "</li>";
  }
  c << "</ul></section>\n";
  return c.str();
}

// Who signs: the reader asked for, else the session's observer, else whoever recorded the levels.
std::string readerOf(const Session& s, const ReportContext& c) {
  if (!c.readerName.empty()) return c.readerName;
  if (!s.observer.empty()) return s.observer;
  for (const auto& p : s.provocation)
    if (!p.observer.empty()) return p.observer;
  return {};
}

constexpr const char* kStyle = R"(<style>
@page { size: A4; margin: 12mm; }
body { font: 9.5pt/1.3 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 15pt; margin: 0 0 4px; } h2 { font-size: 11pt; margin: 8px 0 3px; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #999; padding: 2px 4px; text-align: left; }
table.ids th { background: #eee; width: 1%; white-space: nowrap; } .uid { font-size: 7.5pt; }
table.levels { margin-top: 6px; font-size: 7.5pt; } table.levels th, table.levels td { padding: 2px 2px; } table.levels thead th { background: #dde6f0; }
.kpa { color: #555; font-size: 6.5pt; display: block; }
td.positive, li.positive { color: #a00; font-weight: bold; } td.invalid, li.invalid { color: #a60; font-weight: bold; }
td.indeterminate { color: #555; font-style: italic; }
.banner { border: 2px solid #a60; background: #fff3e0; padding: 4px 6px; margin: 6px 0; font-weight: bold; }
section.curves { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
figure { margin: 0; border: 1px solid #ccc; padding: 2px; } figcaption { font-weight: bold; font-size: 8.5pt; }
section.tears table { font-size: 8.5pt; }
section.keyimages { display: flex; flex-wrap: wrap; gap: 6px; align-items: flex-start; }
section.keyimages h2 { width: 100%; }
section.keyimages figure { margin: 0; width: 4.2cm; break-inside: avoid; }
section.keyimages img { width: 4.2cm; height: auto; display: block; image-rendering: auto; }
section.keyimages figcaption { font-size: 7.5pt; }
footer { margin-top: 8px; border-top: 1px solid #999; padding-top: 4px; font-size: 8pt; color: #333; }
.signature { margin-top: 10px; font-size: 10pt; }
</style>
)";

}  // namespace

std::string escapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
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
        out += ch;
    }
  }
  return out;
}

ReportContext reportContextFrom(const Series& series) {
  ReportContext c;
  c.patient = series.patient;
  c.study = series.study;
  c.institution = series.equipment.institution;
  return c;
}

std::string pressureVolumeSvg(const ProvocationLevel& p, const ProvocationCriteria& criteria) {
  struct Pt {
    double v, psi;
    std::optional<int> pain;
  };
  std::vector<Pt> pts;
  for (const auto& r : p.log) pts.push_back({r.volumeMl, r.pressurePsi, r.pain});
  const bool fromLog = !pts.empty();
  if (!fromLog) {  // the recorded points only
    if (p.openingPsi) pts.push_back({0, *p.openingPsi, std::nullopt});
    if (p.volumeAtPainMl && p.painPsi) pts.push_back({*p.volumeAtPainMl, *p.painPsi, p.painScore});
    if (p.totalVolumeMl && p.peakPsi) pts.push_back({*p.totalVolumeMl, *p.peakPsi, std::nullopt});
  }
  double maxV = 4, maxP = 100;
  for (const auto& q : pts) maxV = std::max(maxV, q.v), maxP = std::max(maxP, q.psi);
  if (p.openingPsi) maxP = std::max(maxP, *p.openingPsi + criteria.maxPsiAboveOpening + 10);
  maxV = std::ceil(maxV), maxP = std::ceil(maxP / 25) * 25;  // whole ticks
  const Axis x{0, maxV, 34, 292}, y{0, maxP, 142, 8};
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"218\" height=\"124\" viewBox=\"0 0 300 170\" "
       "class=\"pv\" data-level=\""
    << escapeHtml(p.level) << "\" font-size=\"8\">";
  s << "<rect x=\"34\" y=\"8\" width=\"258\" height=\"134\" fill=\"#fafafa\" stroke=\"#888\"/>";
  for (double tick = 0; tick <= maxP + 1e-9; tick += 25)
    s << "<text x=\"30\" y=\"" << y(tick) + 3 << "\" text-anchor=\"end\">" << formatValue(tick) << "</text>";
  for (double tick = 0; tick <= maxV + 1e-9; tick += 1)
    s << "<text x=\"" << x(tick) << "\" y=\"152\" text-anchor=\"middle\">" << formatValue(tick) << "</text>";
  s << "<text x=\"163\" y=\"165\" text-anchor=\"middle\">volume (mL)</text>"
       "<text x=\"8\" y=\"75\" transform=\"rotate(-90 8 75)\" text-anchor=\"middle\">psi</text>";
  if (p.openingPsi) {
    const double limit = *p.openingPsi + criteria.maxPsiAboveOpening;
    s << "<line x1=\"34\" x2=\"292\" y1=\"" << y(*p.openingPsi) << "\" y2=\"" << y(*p.openingPsi)
      << "\" stroke=\"#2a7\" stroke-dasharray=\"4 3\"/><text x=\"38\" y=\"" << y(*p.openingPsi) + 9
      << "\" fill=\"#2a7\">opening " << formatValue(*p.openingPsi) << "</text>";
    s << "<line x1=\"34\" x2=\"292\" y1=\"" << y(limit) << "\" y2=\"" << y(limit)
      << "\" stroke=\"#c60\" stroke-dasharray=\"4 3\"/><text x=\"38\" y=\"" << y(limit) - 2
      << "\" fill=\"#c60\">opening + " << formatValue(criteria.maxPsiAboveOpening) << "</text>";
  }
  if (!pts.empty()) {
    s << "<polyline fill=\"none\" stroke=\"#1f4e99\" stroke-width=\"1.8\" points=\"";
    for (const auto& q : pts) s << x(q.v) << "," << y(q.psi) << " ";
    s << "\"/>";
  }
  for (const auto& q : pts) {
    if (!q.pain) continue;
    const bool high = *q.pain >= criteria.minPainScore;
    s << "<circle cx=\"" << x(q.v) << "\" cy=\"" << y(q.psi) << "\" r=\"4\" fill=\"" << (high ? "#c00" : "#f90")
      << "\"/><text x=\"" << x(q.v) + 5 << "\" y=\"" << y(q.psi) - 4 << "\" fill=\"" << (high ? "#c00" : "#a60")
      << "\">" << *q.pain << "/10</text>";
  }
  if (pts.empty())
    s << "<text x=\"163\" y=\"78\" text-anchor=\"middle\">no pressures recorded</text>";
  else if (!fromLog)
    s << "<text x=\"288\" y=\"136\" text-anchor=\"end\">recorded values, no log</text>";
  s << "</svg>";
  return s.str();
}

std::string provocationReportHtml(const Session& session, const ReportContext& context,
                                  const ProvocationCriteria& criteria) {
  const StudyAssessment study = assessProvocation(session.provocation, criteria);
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Provocation discography &ndash; "
    << escapeHtml(personName(context.patient.name)) << "</title>\n"
    << kStyle << "</head><body>\n";
  h << header(session, context);
  if (study.invalid) {
    h << "<div class=\"banner\">Invalid study: no valid control disc for ";
    for (std::size_t i = 0; i < study.reasons.size(); ++i) h << (i ? "; " : "") << escapeHtml(study.reasons[i]);
    h << "</div>\n";
  }
  if (session.provocation.empty()) h << "<p>No provocation record in this session.</p>\n";
  h << levelTable(session, study) << curves(session, criteria) << tears(session) << keyImages(session, context)
    << conclusions(study);
  h << "<footer>Classification computed by " << escapeHtml(criteria.name) << " (" << escapeHtml(criteria.version)
    << "): positive = concordant pain &ge; " << criteria.minPainScore << "/10 at &lt; "
    << formatValue(criteria.maxPsiAboveOpening) << " psi above opening with &le; " << formatValue(criteria.maxVolumeMl)
    << " mL and a negative adjacent control. &ldquo;Final&rdquo; is the reader's override where given; the computed "
       "result is kept beside it. Pressures in psi (kPa = psi &times; 6.894757).<div class=\"signature\">Reader: <b>"
    << escapeHtml(personName(readerOf(session, context))) << "</b>"
    << (context.generatedAt.empty() ? "" : " &middot; " + escapeHtml(context.generatedAt))
    << "</div></footer>\n</body></html>\n";
  return h.str();
}

}  // namespace annulo
