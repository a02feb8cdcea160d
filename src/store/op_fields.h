#pragma once
// A write's values in one flat list, in its struct's field order (nested records flattened,
// bools as 0/1, the seed as its 64 bits): what every SQL backend binds. Each backend keeps one
// statement per kind of write, indexed by the write's place in WriteOp (`WriteOp::index()`),
// whose parameters are numbered in this order (?1.. in SQLite, $1.. in PostgreSQL). So a new
// field is added once here, and a backend cannot bind another backend's values in another order.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <variant>

#include "store/records.h"

namespace pupitre::store {

using Field = std::variant<int64_t, double, std::string_view>;

struct OpFields {
  static constexpr size_t kMax = 13;  // the widest write (PutItem)
  std::array<Field, kMax> values{};
  size_t count = 0;
};

// The values of `op`, viewing its strings. REQUIRES: `op` outlives the result. Barrier: none.
OpFields FieldsOf(const WriteOp& op);

// How many kinds of write there are (the size of a backend's statement table).
inline constexpr size_t kWriteKinds = std::variant_size_v<WriteOp>;

// The place of `Op` in WriteOp, for backends that treat some kinds apart.
template <typename Op, typename V = WriteOp>
struct KindOf;
template <typename Op, typename... Ts>
struct KindOf<Op, std::variant<Ts...>> {
  static constexpr size_t value = [] {
    size_t i = 0;
    (void)((std::is_same_v<Op, Ts> ? false : (++i, true)) && ...);
    return i;
  }();
};

}  // namespace pupitre::store
