// A QTI item's pictures read from its package (see qti_pictures.h).
#include "import/qti/qti_pictures.h"

#include <fmt/format.h>

#include <utility>

#include "common/text.h"

namespace pupitre::importers::qti {

// The question's images, each picture met in its text read from the item's files; why not,
// if one cannot be.
std::string ReadPictures(const std::vector<Picture>& pictures, const QtiFileReader& files,
                         std::vector<exam::QuestionImage>& images, bool in_choice) {
  if (images.size() + pictures.size() > exam::kMaxImagesPerQuestion) {
    return fmt::format("it shows more than {} pictures", exam::kMaxImagesPerQuestion);
  }
  for (const Picture& p : pictures) {
    const std::string href = PercentDecoded(p.href);
    const std::string shown = PrintableAscii(href, 200);
    if (href.empty()) return "a picture names no file";
    if (href.starts_with("data:"))
      return "a picture written inside the item (data:) is not imported yet";
    if (href.front() == '/' || href.find("://") != std::string::npos) {
      return fmt::format("picture '{}' is a link outside the package (never fetched)", shown);
    }
    if (!files) {
      return fmt::format(
          "picture '{}' is a file of its package: upload the content package (a "
          "ZIP) that holds it with the item",
          shown);
    }
    Result<std::string> bytes = files(href);
    if (!bytes.ok()) return fmt::format("picture '{}': {}", shown, bytes.error().message);
    const std::string_view type = exam::ImageTypeOf(*bytes);
    if (type.empty())
      return fmt::format("picture '{}' is not a PNG, JPEG, GIF or WebP picture", shown);
    if (static_cast<int64_t>(bytes->size()) > exam::kMaxImageBytes) {
      return fmt::format("picture '{}' is larger than {} MiB", shown,
                         exam::kMaxImageBytes / (1024 * 1024));
    }
    exam::QuestionImage image;
    image.content_type = std::string(type);
    image.alt = p.alt.empty() && !in_choice ? href.substr(href.rfind('/') + 1) : p.alt;
    image.size = static_cast<int64_t>(bytes->size());
    image.bytes = std::move(*bytes);
    images.push_back(std::move(image));
  }
  return "";
}

}  // namespace pupitre::importers::qti
