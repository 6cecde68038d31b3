#pragma once
// Errors are values in the core: a Result<T> holds either a T or an Error that
// names what was wrong (and, where there is one, the file). AnnuloError is the
// one exception type thrown where a Result is unwrapped at the core's edge.

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace annulo {

struct Error {
  std::string message;
};

class AnnuloError : public std::runtime_error {
 public:
  explicit AnnuloError(const std::string& message) : std::runtime_error(message) {}
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return checked(); }
  T& value() & { return checked(); }
  T&& value() && { return std::move(checked()); }
  const T& operator*() const& { return checked(); }
  T& operator*() & { return checked(); }
  const T* operator->() const { return &checked(); }
  T* operator->() { return &checked(); }

  const Error& error() const { return std::get<Error>(state_); }
  const std::string& message() const { return error().message; }

 private:
  T& checked() {
    if (!ok()) throw AnnuloError(error().message);
    return std::get<T>(state_);
  }
  const T& checked() const {
    if (!ok()) throw AnnuloError(error().message);
    return std::get<T>(state_);
  }
  std::variant<T, Error> state_;
};

// Result of an operation with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT
  static Status success() { return {}; }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& message() const;
  const Error& error() const { return *error_; }
  void throwIfError() const {
    if (error_) throw AnnuloError(error_->message);
  }

 private:
  std::optional<Error> error_;
};

inline Error makeError(std::string message) { return Error{std::move(message)}; }

}  // namespace annulo
