#pragma once
// Test support: the stand-in BigBlueButton server (tests/standins/bbb_standin.py, Python) on a
// loopback port, checking every call's checksum with the shared secret it is given.

#include <cstdint>
#include <string>

#include "testkit/standin_process.h"

namespace pupitre::testkit {

class BbbStandin {
 public:
  BbbStandin(std::string secret, std::string checksum) : secret_(std::move(secret)), checksum_(std::move(checksum)) {}
  ~BbbStandin() { Stop(); }  // SIGKILLs it if it still runs

  // Starts it and waits (at most 30 s) for its listening line; false if it did not come up.
  bool Start();
  void Stop();
  uint16_t port() const { return process_.port(); }
  // The API endpoint, for [live] bbb_url.
  std::string api_url() const;

 private:
  std::string secret_;
  std::string checksum_;
  StandinProcess process_;
};

}  // namespace pupitre::testkit
