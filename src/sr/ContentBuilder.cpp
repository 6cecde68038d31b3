#include "sr/ContentBuilder.h"

#include "sr/Codes.h"

namespace annulo::sr {

ContentBuilder::ContentBuilder(DSRDocumentTree& tree) : tree_(tree) {
  // When the parent already has children, move to the last one so that the
  // next item goes after it (DSRDocumentSubTree::addContentItem, AM_afterCurrent).
  bool hasChildren = false;
  DSRDocumentTreeNodeCursor cursor;
  if (tree_.getCursorToCurrentNode(cursor) && cursor.hasChildNodes()) {
    if (tree_.goDown() > 0) {
      while (tree_.gotoNext() > 0) {
      }
      hasChildren = true;
    }
  }
  levelHasChildren_.push_back(hasChildren);
}

bool ContentBuilder::append(DSRTypes::E_RelationshipType relationship, DSRTypes::E_ValueType valueType,
                            const std::string& what) {
  if (!status_.ok()) return false;
  const DSRTypes::E_AddMode mode = levelHasChildren_.back() ? DSRTypes::AM_afterCurrent : DSRTypes::AM_belowCurrent;
  if (tree_.addContentItem(relationship, valueType, mode) == 0) {
    status_ = makeError("cannot add " + std::string(DSRTypes::valueTypeToDefinedTerm(valueType)) + " " + what +
                        " with relationship " + DSRTypes::relationshipTypeToDefinedTerm(relationship) +
                        " here (not allowed by the SR IOD's relationship constraints)");
    return false;
  }
  levelHasChildren_.back() = true;
  return true;
}

bool ContentBuilder::add(DSRTypes::E_RelationshipType relationship, DSRTypes::E_ValueType valueType,
                         const DSRCodedEntryValue& conceptName) {
  if (!append(relationship, valueType, describe(conceptName))) return false;
  return check(item().setConceptName(conceptName), "concept name " + describe(conceptName));
}

bool ContentBuilder::addUnnamed(DSRTypes::E_RelationshipType relationship, DSRTypes::E_ValueType valueType) {
  return append(relationship, valueType, "item");
}

void ContentBuilder::enter() { levelHasChildren_.push_back(false); }

void ContentBuilder::leave() {
  if (levelHasChildren_.size() <= 1) return;  // never above the starting parent
  const bool hadChildren = levelHasChildren_.back();
  levelHasChildren_.pop_back();
  if (hadChildren) tree_.goUp();
}

bool ContentBuilder::check(const OFCondition& condition, const std::string& what) {
  if (!status_.ok()) return false;
  if (condition.bad()) {
    status_ = makeError("cannot set " + what + ": " + condition.text());
    return false;
  }
  return true;
}

}  // namespace annulo::sr
