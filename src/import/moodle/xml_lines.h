#pragma once
// The 1-based line of a place in an XML text pugixml parsed (it tells offsets only), for
// problems named by their line. Shared by the Moodle XML and QTI readers.

#include <pugixml.hpp>

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace pupitre::importers {

class XmlLines {
 public:
  explicit XmlLines(std::string_view xml) : xml_(xml) {}

  // The line of `offset`; cheap when asked in increasing order (counted on from the last).
  int At(size_t offset) {
    offset = std::min(offset, xml_.size());
    if (offset < at_) {
      at_ = 0;
      line_ = 1;
    }
    line_ += static_cast<int>(std::count(xml_.begin() + static_cast<ptrdiff_t>(at_),
                                         xml_.begin() + static_cast<ptrdiff_t>(offset), '\n'));
    at_ = offset;
    return line_;
  }
  int Of(const pugi::xml_node& n) {
    return At(static_cast<size_t>(std::max<ptrdiff_t>(0, n.offset_debug())));
  }

 private:
  std::string_view xml_;
  size_t at_ = 0;
  int line_ = 1;
};

}  // namespace pupitre::importers
