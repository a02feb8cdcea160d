// An ordering question's grading (see ordering.h).

#include "exam/ordering.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

namespace pupitre::exam {
namespace {

constexpr std::array<std::pair<OrderingGrading, std::string_view>, 8> kGradingNames = {{
    {OrderingGrading::kAbsolutePosition, "absolute_position"},
    {OrderingGrading::kRelativeNextExcludingLast, "relative_next_excluding_last"},
    {OrderingGrading::kRelativeNextIncludingLast, "relative_next_including_last"},
    {OrderingGrading::kRelativeOnePreviousAndNext, "relative_one_previous_and_next"},
    {OrderingGrading::kRelativeAllPreviousAndNext, "relative_all_previous_and_next"},
    {OrderingGrading::kLongestOrderedSubset, "longest_ordered_subset"},
    {OrderingGrading::kLongestContiguousSubset, "longest_contiguous_subset"},
    {OrderingGrading::kRelativeToCorrect, "relative_to_correct"},
}};

// The longest run, in the student's order, of items in their right order: `places` holds each
// given item's right place. Contiguous: each item's right place the one after the last's.
size_t LongestRun(const std::vector<int>& places, bool contiguous) {
  const size_t n = places.size();
  size_t best = 0;
  if (contiguous) {
    // run[p]: the longest run ending with the item whose right place is p.
    std::vector<size_t> run(n, 0);
    for (int p : places) {
      const size_t at = static_cast<size_t>(p);
      run[at] = (at > 0 && run[at - 1] > 0 ? run[at - 1] : 0) + 1;
      best = std::max(best, run[at]);
    }
    return best;
  }
  // Longest increasing subsequence of the right places (patience sorting).
  std::vector<int> tails;
  for (int p : places) {
    const auto it = std::lower_bound(tails.begin(), tails.end(), p);
    if (it == tails.end()) {
      tails.push_back(p);
    } else {
      *it = p;
    }
  }
  return tails.size();
}

}  // namespace

std::string_view OrderingGradingName(OrderingGrading g) {
  for (const auto& [grading, name] : kGradingNames) {
    if (grading == g) return name;
  }
  return "absolute_position";
}

std::optional<OrderingGrading> ParseOrderingGrading(std::string_view name) {
  for (const auto& [grading, known] : kGradingNames) {
    if (known == name) return grading;
  }
  return std::nullopt;
}

double OrderingShare(const Question& q, const std::vector<int>& given) {
  const std::vector<int>& key = q.order_key;
  const size_t n = key.size();
  if (n < 2 || given.size() != n) return 0.0;
  // Each item's right place, and its place in the student's order.
  std::vector<int> right(n, -1), mine(n, -1);
  for (size_t i = 0; i < n; ++i) {
    if (key[i] < 0 || static_cast<size_t>(key[i]) >= n) return 0.0;
    right[static_cast<size_t>(key[i])] = static_cast<int>(i);
    if (given[i] < 0 || static_cast<size_t>(given[i]) >= n) return 0.0;
    mine[static_cast<size_t>(given[i])] = static_cast<int>(i);
  }
  if (std::count(mine.begin(), mine.end(), -1) > 0) return 0.0;  // an item twice
  // The item at `place` of an order, or -1 past either end.
  const auto at = [n](const std::vector<int>& order, int place) {
    return place < 0 || static_cast<size_t>(place) >= n ? -1 : order[static_cast<size_t>(place)];
  };
  const double items = static_cast<double>(n);
  size_t earned = 0;
  switch (q.ordering_grading) {
    case OrderingGrading::kAbsolutePosition:
      for (size_t i = 0; i < n; ++i) earned += given[i] == key[i] ? 1 : 0;
      return static_cast<double>(earned) / items;
    case OrderingGrading::kRelativeNextExcludingLast:
    case OrderingGrading::kRelativeNextIncludingLast: {
      const bool last = q.ordering_grading == OrderingGrading::kRelativeNextIncludingLast;
      const size_t counted = last ? n : n - 1;
      for (size_t i = 0; i < counted; ++i) {
        const int item = key[i];
        if (at(given, mine[static_cast<size_t>(item)] + 1) == at(key, static_cast<int>(i) + 1)) {
          ++earned;
        }
      }
      return static_cast<double>(earned) / static_cast<double>(counted);
    }
    case OrderingGrading::kRelativeOnePreviousAndNext:
      for (size_t i = 0; i < n; ++i) {
        const int item = key[i];
        const int place = mine[static_cast<size_t>(item)];
        earned += at(given, place - 1) == at(key, static_cast<int>(i) - 1) ? 1 : 0;
        earned += at(given, place + 1) == at(key, static_cast<int>(i) + 1) ? 1 : 0;
      }
      return static_cast<double>(earned) / (2 * items);
    case OrderingGrading::kRelativeAllPreviousAndNext:
      // Each ordered pair of items on the same side of each other in both orders, counted from
      // either item (so twice).
      for (size_t a = 0; a < n; ++a) {
        for (size_t b = 0; b < n; ++b) {
          if (a != b && (right[a] < right[b]) == (mine[a] < mine[b])) ++earned;
        }
      }
      return static_cast<double>(earned) / (items * (items - 1));
    case OrderingGrading::kLongestOrderedSubset:
    case OrderingGrading::kLongestContiguousSubset: {
      std::vector<int> places;
      places.reserve(n);
      for (int item : given) places.push_back(right[static_cast<size_t>(item)]);
      const size_t run =
          LongestRun(places, q.ordering_grading == OrderingGrading::kLongestContiguousSubset);
      return run < 2 ? 0.0 : static_cast<double>(run) / items;
    }
    case OrderingGrading::kRelativeToCorrect:
      for (size_t item = 0; item < n; ++item) {
        const int off = std::abs(right[item] - mine[item]);
        earned += static_cast<size_t>(std::max(0, static_cast<int>(n) - 1 - off));
      }
      return static_cast<double>(earned) / (items * (items - 1));
  }
  return 0.0;
}

}  // namespace pupitre::exam
