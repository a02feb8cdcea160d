// Questions' images kept and served (see question_images.h).
#include "api/question_images.h"

#include "api/file_answer.h"

namespace pupitre::api {

Status StoreQuestionImages(store::BlobStore& blobs, std::vector<exam::Question>& questions) {
  for (exam::Question& q : questions) {
    for (exam::QuestionImage& image : q.images) {
      if (image.bytes.empty()) continue;  // stored already
      auto stored = blobs.Put(image.bytes);
      if (!stored.ok()) return stored.take_error();
      image.blob = stored->sha256;
      image.size = static_cast<int64_t>(stored->size);
      image.bytes.clear();
      image.bytes.shrink_to_fit();
    }
  }
  return OkStatus();
}

void SendQuestionImage(store::BlobStore& blobs, const ContextPtr& c,
                       const std::vector<exam::Question>& questions, std::string_view blob) {
  const exam::QuestionImage* shown = nullptr;
  for (const exam::Question& q : questions) {
    for (const exam::QuestionImage& image : q.images) {
      if (image.blob == blob) shown = &image;
    }
  }
  if (!shown) return c->Fail(Error::NotFound("no such image"));
  auto opened = blobs.Open(blob);
  if (!opened.ok()) return c->Fail(opened.error());
  FileFacts facts;
  facts.size = (*opened)->size();
  facts.mtime_s = (*opened)->mtime_s();
  facts.etag = "\"" + std::string(blob) + "\"";
  facts.content_type = shown->content_type;
  // Named by its type, so that it is shown inline (a picture of these types is safe to show).
  facts.file_name = "image." + shown->content_type.substr(shown->content_type.find('/') + 1);
  FileAnswer a = PlanFileAnswer(c->req, facts);
  const int fd = (*opened)->fd();
  c->SendFile(std::move(a.header), http::FileBody{std::move(*opened), fd, a.offset, a.length});
}

}  // namespace pupitre::api
