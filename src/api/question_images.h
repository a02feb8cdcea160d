#pragma once
// The images of questions (exam::QuestionImage): importers bring their bytes, which are kept
// as blobs (store/blob) before the question is; each is then served by its blob's name to who
// may read the question (an exam's paper, a course's bank).

#include <string_view>
#include <vector>

#include "api/context.h"
#include "common/result.h"
#include "exam/exam.h"
#include "store/blob/blob_store.h"

namespace pupitre::api {

// Stores the images' bytes as blobs: each image named by its blob, its bytes dropped. Blocks
// on the disk: from the worker pool.
Status StoreQuestionImages(store::BlobStore& blobs, std::vector<exam::Question>& questions);

// Sends image `blob` if one of `questions` shows it (404 otherwise, as for any unknown file).
void SendQuestionImage(store::BlobStore& blobs, const ContextPtr& c,
                       const std::vector<exam::Question>& questions, std::string_view blob);

}  // namespace pupitre::api
