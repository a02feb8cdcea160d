#include "common/net.h"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cstdlib>

namespace pupitre {

bool IsHttpsOrLoopback(std::string_view url) {
  if (url.size() > 2048) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  const bool https = url.rfind("https://", 0) == 0;
  if (!https && url.rfind("http://", 0) != 0) return false;
  std::string_view rest = url.substr(https ? 8 : 7);
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.find('@') != std::string_view::npos) return false;  // no user info: it misleads
  if (host.empty()) return false;
  if (https) return true;
  if (host.front() == '[') return host.substr(0, 5) == "[::1]" && (host.size() == 5 || host[5] == ':');
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.rfind("127.", 0) == 0;
}

std::string SubnetOf(std::string_view address) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(address, ec);
  if (ec) return std::string(address);
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  }
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    b[3] = 0;
    return boost::asio::ip::address_v4(b).to_string() + "/24";
  }
  auto b = a.to_v6().to_bytes();
  std::fill(b.begin() + 8, b.end(), 0);
  return boost::asio::ip::address_v6(b).to_string() + "/64";
}

namespace {

// An address in the one form the sets compare: IPv4-mapped IPv6 as IPv4.
bool ParseAddress(std::string_view text, boost::asio::ip::address& out) {
  boost::system::error_code ec;
  out = boost::asio::ip::make_address(text, ec);
  if (ec) return false;
  if (out.is_v6() && out.to_v6().is_v4_mapped()) {
    out = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, out.to_v6());
  }
  return true;
}

}  // namespace

Result<AddressSet> AddressSet::Parse(const std::vector<std::string>& entries) {
  AddressSet set;
  for (const std::string& e : entries) {
    const size_t slash = e.find('/');
    boost::asio::ip::address a;
    if (!ParseAddress(std::string_view(e).substr(0, slash), a)) {
      return Error::Invalid("\"" + e + "\" is not an address or a network (a.b.c.d/n, x::/n)");
    }
    const int max = a.is_v4() ? 32 : 128;
    int prefix = max;
    if (slash != std::string::npos) {
      const std::string bits = e.substr(slash + 1);
      char* end = nullptr;
      const long p = std::strtol(bits.c_str(), &end, 10);
      if (bits.empty() || *end != '\0' || p < 0 || p > max) {
        return Error::Invalid("\"" + e + "\": the prefix must be from 0 to " + std::to_string(max));
      }
      prefix = static_cast<int>(p);
    }
    if (a.is_v4()) {
      const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
      set.v4_.push_back({a.to_v4().to_uint() & mask, mask});
    } else {
      set.v6_.push_back({a.to_v6().to_bytes(), prefix});
    }
  }
  return set;
}

bool AddressSet::Contains(std::string_view address) const {
  boost::asio::ip::address a;
  if (!ParseAddress(address, a)) return false;
  if (a.is_v4()) {
    const uint32_t x = a.to_v4().to_uint();
    return std::any_of(v4_.begin(), v4_.end(),
                       [x](const V4& n) { return (x & n.mask) == n.network; });
  }
  const auto b = a.to_v6().to_bytes();
  return std::any_of(v6_.begin(), v6_.end(), [&b](const V6& n) {
    for (int bit = 0; bit < n.prefix; ++bit) {
      const int mask = 0x80 >> (bit % 8);
      if ((b[bit / 8] & mask) != (n.network[bit / 8] & mask)) return false;
    }
    return true;
  });
}

}  // namespace pupitre
