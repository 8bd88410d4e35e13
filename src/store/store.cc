#include "store/store.h"

namespace disan {

std::string_view RevisionActionName(RevisionAction action) {
  switch (action) {
    case RevisionAction::kCreate: return "create";
    case RevisionAction::kUpdate: return "update";
    case RevisionAction::kDelete: return "delete";
    case RevisionAction::kRestore: return "restore";
  }
  return "update";
}

}  // namespace disan
