#pragma once
// An ordering question's grading: the share of its points an order earns, as Moodle's ordering
// question grades it (qtype_ordering's grading types). grading.cc asks this of kOrdering.
// Internal to exam/.

#include <vector>

#include "exam/exam.h"

namespace pupitre::exam {

// The share (0 to 1) that `given` (the items' indices in the student's order, each once: a
// valid answer) earns of `q`'s points under q.ordering_grading; all_or_nothing is the caller's.
// With n items, in the right order `q.order_key`:
//   absolute_position: the items in their right place, over n;
//   relative_next_excluding_last: the items followed by their right next one, over n - 1;
//   relative_next_including_last: the same, the last item right when nothing follows, over n;
//   relative_one_previous_and_next: each item's right previous and next (none, at the ends),
//     over 2n;
//   relative_all_previous_and_next: for each item, the others on its right side of it, over
//     n(n - 1);
//   longest_ordered_subset: the longest run of items in their right order, over n (a run of one
//     earns nothing);
//   longest_contiguous_subset: the same, of items that follow each other in the right order;
//   relative_to_correct: each item n - 1 less its distance from its right place (at least 0),
//     over n(n - 1).
double OrderingShare(const Question& q, const std::vector<int>& given);

}  // namespace pupitre::exam
