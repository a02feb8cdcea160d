#pragma once
// Client addresses as the defences group them.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pupitre {

// The subnet an address belongs to, as connection caps and rate limits group them: /24 for
// IPv4 (and IPv4-mapped IPv6), /64 for IPv6, e.g. "192.0.2.0/24". An address that does not
// parse is its own subnet.
std::string SubnetOf(std::string_view address);

// Whether `url` is an address this server may trust keys, tokens and identities from: https://
// with a host, or http:// to this machine only (127.0.0.0/8, localhost, [::1]: a provider on
// the same host, or a test). No space or control character anywhere.
bool IsHttpsOrLoopback(std::string_view url);

}  // namespace pupitre

#include <vector>

#include "common/result.h"

namespace pupitre {

// A set of addresses and networks ("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"), e.g. the
// proxies whose word on the client's address is trusted. Immutable once parsed; thread-safe.
class AddressSet {
 public:
  // Fails naming the first entry that is neither an address nor a network.
  static Result<AddressSet> Parse(const std::vector<std::string>& entries);
  bool Contains(std::string_view address) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  struct V4 {
    uint32_t network, mask;
  };
  struct V6 {
    std::array<unsigned char, 16> network;
    int prefix;
  };
  std::vector<V4> v4_;
  std::vector<V6> v6_;
};

}  // namespace pupitre
