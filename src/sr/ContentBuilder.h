#pragma once
// Private: appends content items to a DCMTK document tree in document order
// without juggling the tree cursor at every call site.
//
// Rules of use: construct it with the tree's cursor on the parent item (which
// may already have children: then new items go after the last one). add()
// appends a child of the current parent; enter() makes the item just added the
// parent; leave() returns to the previous parent. Every call after a failure
// is a no-op; status() holds the first failure, naming the concept.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsr/dsrdoctr.h>

#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::sr {

class ContentBuilder {
 public:
  explicit ContentBuilder(DSRDocumentTree& tree);

  // Adds a child of the current parent; on success the tree's current item is the new one.
  bool add(DSRTypes::E_RelationshipType relationship, DSRTypes::E_ValueType valueType,
           const DSRCodedEntryValue& conceptName);
  // An item without concept name (e.g. the IMAGE of a SELECTED FROM relationship).
  bool addUnnamed(DSRTypes::E_RelationshipType relationship, DSRTypes::E_ValueType valueType);

  void enter();
  void leave();

  // The item just added, to set its value.
  DSRContentItem& item() { return tree_.getCurrentContentItem(); }
  // Records a failed value setter (`what` names it).
  bool check(const OFCondition& condition, const std::string& what);

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

 private:
  bool append(DSRTypes::E_RelationshipType relationship, DSRTypes::E_ValueType valueType, const std::string& what);

  DSRDocumentTree& tree_;
  std::vector<bool> levelHasChildren_;  // per open parent: cursor is on its last child
  Status status_;
};

}  // namespace annulo::sr
