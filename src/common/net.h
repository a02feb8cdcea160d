#pragma once
// Client addresses as the defences group them.

#include <string>
#include <string_view>

namespace pupitre {

// The subnet an address belongs to, as connection caps and rate limits group them: /24 for
// IPv4 (and IPv4-mapped IPv6), /64 for IPv6, e.g. "192.0.2.0/24". An address that does not
// parse is its own subnet.
std::string SubnetOf(std::string_view address);

}  // namespace pupitre
