#include "sr/TearSummary.h"

#include "annulo/annotation/Vocabulary.h"

namespace annulo::sr {
namespace {

std::string zoneText(SpinalZone z) {
  std::string s = token(z);  // "foraminal-left" -> "left foraminal"
  const auto dash = s.rfind('-');
  if (dash != std::string::npos) {
    const std::string side = s.substr(dash + 1);
    if (side == "left" || side == "right") s = side + " " + s.substr(0, dash);
  }
  return s;
}

std::string leakText(LeakPattern p) {
  switch (p) {
    case LeakPattern::None:
      return "no leak";
    case LeakPattern::NotAssessed:
      return {};
    default:
      return std::string(token(p)) + " leak";
  }
}

std::string painText(PainResponse p) {
  switch (p) {
    case PainResponse::Concordant:
      return "concordant pain";
    case PainResponse::Discordant:
      return "discordant pain";
    case PainResponse::None:
      return "no pain";
    case PainResponse::NotTested:
      return {};
  }
  return {};
}

}  // namespace

std::string tearSummary(const TearAnnotation& t) {
  std::string head = t.id;
  if (!t.level.empty()) head += (head.empty() ? "" : " ") + t.level;
  head += (head.empty() ? "" : " ") + std::string(token(t.type));
  std::string out = head + ", Dallas " + std::to_string(t.grade);
  auto part = [&out](const std::string& s) {
    if (!s.empty()) out += ", " + s;
  };
  if (t.clock) part(std::to_string(*t.clock) + " o'clock");
  if (t.zone) part(zoneText(*t.zone));
  part(leakText(t.leak));
  part(painText(t.pain));
  return out;
}

std::string commentText(const TearAnnotation& tear) {
  const std::string summary = tearSummary(tear);
  return tear.comment.empty() ? summary : summary + "; " + tear.comment;
}

std::string readerComment(const TearAnnotation& tear, const std::string& text) {
  const std::string summary = tearSummary(tear);
  if (text == summary) return {};
  if (text.rfind(summary + "; ", 0) == 0) return text.substr(summary.size() + 2);
  return text;
}

}  // namespace annulo::sr
