#pragma once
// The pictures met in a QTI item's text or choices (qti_text.h), each read from the item's content package
// relative to the item: PNG, JPEG, GIF or WebP by their bytes, within the question's limits; a
// link elsewhere, data:, an SVG or a file the package lacks refused with why. Internal to
// import/qti.

#include <string>
#include <vector>

#include "exam/exam.h"
#include "import/qti/qti_item.h"
#include "import/qti/qti_text.h"

namespace pupitre::importers::qti {

// Appends each of `pictures` to `images`, read through `files` (none: an item uploaded alone);
// why not ("" : every one read). At most exam::kMaxImagesPerQuestion in all. Without an alt
// text a picture is named by its file's name, but a choice's (`in_choice`) is not: the name
// could tell the key (the page names it).
std::string ReadPictures(const std::vector<Picture>& pictures, const QtiFileReader& files,
                         std::vector<exam::QuestionImage>& images, bool in_choice = false);

}  // namespace pupitre::importers::qti
