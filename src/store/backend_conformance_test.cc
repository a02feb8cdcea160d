// The store conformance suite (tests/conformance/store_backend_suite.h) on SQLite.
#include "conformance/store_backend_suite.h"
#include "store/sqlite/sqlite_store.h"

namespace pupitre::store {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Backends, BackendConformanceTest,
    ::testing::Values(BackendKind{"sqlite", [](const std::string& dir) { return OpenSqlite(dir); }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace pupitre::store
