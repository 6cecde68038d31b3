#pragma once
// Private: read-side helpers over a DCMTK SR content tree: children of a node,
// typed access that tolerates wrong value types, and a one-line description of
// any content item (for the `unmapped` list and warnings).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsr/dsrdoctn.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

class DSRCodedEntryValue;
class DSRNumericMeasurementValue;
class DSRSpatialCoordinatesValue;
class DSRSpatialCoordinates3DValue;
class DSRTemporalCoordinatesValue;
class DSRImageReferenceValue;

namespace annulo::sr {

using Node = DSRDocumentTreeNode;

std::vector<Node*> childrenOf(Node* node);

// Typed views; nullptr when the node has another value type. Not const:
// DCMTK's coordinate list getters are non-const (the tree is ours, read only).
DSRCodedEntryValue* codeValue(Node* node);
DSRNumericMeasurementValue* numValue(Node* node);
DSRSpatialCoordinatesValue* scoordValue(Node* node);
DSRSpatialCoordinates3DValue* scoord3dValue(Node* node);
DSRTemporalCoordinatesValue* tcoordValue(Node* node);
DSRImageReferenceValue* imageValue(Node* node);
// TEXT, UIDREF, PNAME, DATE, TIME, DATETIME.
std::optional<std::string> stringValue(const Node* node);

// The numeric value as a double: Floating Point Value when present (exact),
// else the DS text. nullopt when neither parses.
std::optional<double> numericValue(const DSRNumericMeasurementValue& num);

// `<relationship> <VALUE TYPE> "<concept meaning>" = <value summary>`.
std::string describeNode(Node* node);
const char* valueTypeName(const Node* node);

// describeNode() of `node` and of every item below it, each line starting
// with `prefix`; descendants also name the item they are in.
// `skip`: descendants already imported elsewhere (not described again).
void describeSubtree(Node* node, const std::string& prefix, std::vector<std::string>& out,
                     const std::set<const Node*>* skip = nullptr);

}  // namespace annulo::sr
