#include "sr/SrNodes.h"

#include <dcmtk/dcmsr/dsrcodtn.h>
#include <dcmtk/dcmsr/dsrcontn.h>
#include <dcmtk/dcmsr/dsrdattn.h>
#include <dcmtk/dcmsr/dsrdncsr.h>
#include <dcmtk/dcmsr/dsrdtitn.h>
#include <dcmtk/dcmsr/dsrimgtn.h>
#include <dcmtk/dcmsr/dsrnumtn.h>
#include <dcmtk/dcmsr/dsrpnmtn.h>
#include <dcmtk/dcmsr/dsrreftn.h>
#include <dcmtk/dcmsr/dsrsc3tn.h>
#include <dcmtk/dcmsr/dsrscotn.h>
#include <dcmtk/dcmsr/dsrtcotn.h>
#include <dcmtk/dcmsr/dsrtextn.h>
#include <dcmtk/dcmsr/dsrtimtn.h>
#include <dcmtk/dcmsr/dsruidtn.h>

#include <cstdlib>

#include "sr/Codes.h"

namespace annulo::sr {

std::vector<Node*> childrenOf(Node* node) {
  std::vector<Node*> out;
  if (!node) return out;
  DSRDocumentTreeNodeCursor cursor(node);
  if (cursor.gotoChild() > 0) {
    do out.push_back(cursor.getNode());
    while (cursor.gotoNext() > 0);
  }
  return out;
}

DSRCodedEntryValue* codeValue(Node* node) { return dynamic_cast<DSRCodeTreeNode*>(node); }
DSRNumericMeasurementValue* numValue(Node* node) { return dynamic_cast<DSRNumTreeNode*>(node); }
DSRSpatialCoordinatesValue* scoordValue(Node* node) { return dynamic_cast<DSRSCoordTreeNode*>(node); }
DSRSpatialCoordinates3DValue* scoord3dValue(Node* node) { return dynamic_cast<DSRSCoord3DTreeNode*>(node); }
DSRTemporalCoordinatesValue* tcoordValue(Node* node) { return dynamic_cast<DSRTCoordTreeNode*>(node); }
DSRImageReferenceValue* imageValue(Node* node) { return dynamic_cast<DSRImageTreeNode*>(node); }

std::optional<std::string> stringValue(const Node* node) {
  // All string-valued content items derive from DSRStringValue.
  if (auto* s = dynamic_cast<const DSRStringValue*>(node)) return std::string(s->getValue().c_str());
  return std::nullopt;
}

std::optional<double> numericValue(const DSRNumericMeasurementValue& num) {
  Float64 exact = 0;
  if (num.getFloatingPointRepresentation(exact).good()) return exact;
  const std::string text = num.getNumericValue().c_str();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  while (end && *end == ' ') ++end;
  if (!end || *end != '\0') return std::nullopt;
  return v;
}

const char* valueTypeName(const Node* node) { return DSRTypes::valueTypeToDefinedTerm(node->getValueType()); }

namespace {

std::string truncated(std::string text) {
  constexpr std::size_t kMax = 80;
  if (text.size() > kMax) text = text.substr(0, kMax - 3) + "...";
  return text;
}

std::string summary(Node* node) {
  if (auto s = stringValue(node)) return "\"" + truncated(*s) + "\"";
  if (auto* code = codeValue(node)) return describe(*code);
  if (auto* num = numValue(node)) {
    const std::string unit = num->getMeasurementUnit().getCodeValue().c_str();
    return std::string(num->getNumericValue().c_str()) + (unit.empty() ? "" : " " + unit);
  }
  if (auto* sc = scoordValue(node))
    return std::string(DSRTypes::graphicTypeToEnumeratedValue(sc->getGraphicType())) + " with " +
           std::to_string(sc->getGraphicDataList().getNumberOfItems()) + " point(s)";
  if (auto* sc3 = scoord3dValue(node))
    return std::string(DSRTypes::graphicType3DToEnumeratedValue(sc3->getGraphicType())) + " with " +
           std::to_string(sc3->getGraphicDataList().getNumberOfItems()) + " point(s), frame of reference " +
           sc3->getFrameOfReferenceUID().c_str();
  if (auto* tc = tcoordValue(node))
    return std::string(DSRTypes::temporalRangeTypeToReadableName(tc->getTemporalRangeType()));
  if (auto* ref = dynamic_cast<const DSRCompositeReferenceValue*>(node))
    return std::string(ref->getSOPClassName().c_str()) + " " + ref->getSOPInstanceUID().c_str();
  if (auto* byRef = dynamic_cast<const DSRByReferenceTreeNode*>(node))
    return "reference to content item " + std::string(byRef->getReferencedContentItem().c_str());
  if (node->getValueType() == DSRTypes::VT_Container)
    return "container with " + std::to_string(childrenOf(node).size()) + " item(s)";
  return "(no value)";
}

}  // namespace

std::string describeNode(Node* node) {
  std::string text = DSRTypes::relationshipTypeToReadableName(node->getRelationshipType());
  text += std::string(" ") + valueTypeName(node);
  const DSRCodedEntryValue& concept = node->getConceptName();
  if (!concept.getCodeValue().empty() || !concept.getCodeMeaning().empty())
    text += " \"" + std::string(concept.getCodeMeaning().c_str()) + "\"";
  return text + " = " + summary(node);
}

void describeSubtree(Node* node, const std::string& prefix, std::vector<std::string>& out,
                     const std::set<const Node*>* skip) {
  out.push_back(prefix + describeNode(node));
  const std::string inside = prefix + "(in \"" + node->getConceptName().getCodeMeaning().c_str() + "\") ";
  for (Node* child : childrenOf(node))
    if (!skip || !skip->count(child)) describeSubtree(child, inside, out, skip);
}

}  // namespace annulo::sr
