#include "annulo/base/Result.h"

namespace annulo {

const std::string& Status::message() const {
  static const std::string kEmpty;
  return error_ ? error_->message : kEmpty;
}

}  // namespace annulo
