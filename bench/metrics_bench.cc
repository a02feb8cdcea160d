// What recording one request's metrics costs on the hot path: the route's cached handles
// (RouteStats::Record, what the server does) against looking the labelled series up by their
// label text on every request (what it did before: two formatted strings and two locked map
// lookups). Two threads, like the server's two event loops on the development machine.
//
// Usage: metrics_bench [Google Benchmark flags]
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "common/metrics.h"

namespace {

pupitre::Metrics& Shared() {
  static pupitre::Metrics m;
  return m;
}

void LookupByLabels(benchmark::State& state) {
  pupitre::Metrics& m = Shared();
  const std::string route = "save";
  for (auto _ : state) {
    m.http_latency.At(fmt::format("route=\"{}\"", route)).Observe(0.001);
    m.http_requests.At(fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", route, "PUT", 200))
        .fetch_add(1, std::memory_order_relaxed);
  }
}
BENCHMARK(LookupByLabels)->Threads(2)->UseRealTime();

void CachedRouteStats(benchmark::State& state) {
  static pupitre::RouteStats stats(Shared(), "save", "PUT");
  for (auto _ : state) stats.Record(200, 0.001);
}
BENCHMARK(CachedRouteStats)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
