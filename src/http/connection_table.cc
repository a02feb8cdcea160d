#include "http/connection_table.h"

#include <vector>

#include "common/net.h"

namespace pupitre::http {

namespace {
void Decrement(std::unordered_map<std::string, int64_t>& m, const std::string& key) {
  auto it = m.find(key);
  if (it != m.end() && --it->second <= 0) m.erase(it);
}
}  // namespace

ConnectionTable::Verdict ConnectionTable::Add(const std::shared_ptr<TableEntry>& entry,
                                              const std::string& address, bool ops,
                                              bool& evicted) {
  evicted = false;
  std::shared_ptr<TableEntry> victim;
  {
    MutexLock lock(mu_);
    TableEntry& e = *entry;
    if (ops) {
      if (ops_open_ >= limits_.ops) return Verdict::kFull;
      ++ops_open_;
      e.ops_ = true;
      e.counted_ = true;
      all_[&e] = entry;
      return Verdict::kAdmitted;
    }
    // An empty address (a trusted proxy: many clients) is counted in the total only.
    const bool by_address = !address.empty();
    std::string subnet = by_address ? SubnetOf(address) : std::string();
    if (by_address && limits_.per_address > 0) {
      auto it = by_address_.find(address);
      if (it != by_address_.end() && it->second >= limits_.per_address) {
        return Verdict::kAddressFull;
      }
    }
    if (by_address && limits_.per_subnet > 0) {
      auto it = by_subnet_.find(subnet);
      if (it != by_subnet_.end() && it->second >= limits_.per_subnet) {
        return Verdict::kSubnetFull;
      }
    }
    if (open_ >= limits_.total) {
      victim = PickVictim();
      if (!victim) return Verdict::kFull;
      evicted = true;
    }
    ++open_;
    if (by_address) {
      ++by_address_[address];
      ++by_subnet_[subnet];
    }
    e.address_ = address;
    e.subnet_ = std::move(subnet);
    e.counted_ = true;
    e.fresh_ = true;
    e.fresh_at_ = fresh_.insert(fresh_.end(), entry);
    all_[&e] = entry;
  }
  if (victim) victim->Evict();  // outside the lock: it posts to the victim's loop
  return Verdict::kAdmitted;
}

ConnectionTable::Verdict ConnectionTable::Name(TableEntry& e, const std::string& address) {
  MutexLock lock(mu_);
  if (!e.counted_ || e.ops_ || !e.address_.empty() || address.empty()) return Verdict::kAdmitted;
  std::string subnet = SubnetOf(address);
  if (limits_.per_address > 0) {
    auto it = by_address_.find(address);
    if (it != by_address_.end() && it->second >= limits_.per_address) return Verdict::kAddressFull;
  }
  if (limits_.per_subnet > 0) {
    auto it = by_subnet_.find(subnet);
    if (it != by_subnet_.end() && it->second >= limits_.per_subnet) return Verdict::kSubnetFull;
  }
  ++by_address_[address];
  ++by_subnet_[subnet];
  e.address_ = address;
  e.subnet_ = std::move(subnet);
  return Verdict::kAdmitted;
}

std::shared_ptr<TableEntry> ConnectionTable::PickVictim() {
  for (const auto& weak : fresh_) {
    // An entry that no longer locks is being destroyed: its destructor removes it.
    if (std::shared_ptr<TableEntry> v = weak.lock()) {
      Uncount(*v);
      return v;
    }
  }
  return nullptr;
}

void ConnectionTable::Uncount(TableEntry& e) {
  if (!e.counted_) return;
  e.counted_ = false;
  all_.erase(&e);
  if (e.ops_) {
    --ops_open_;
    return;
  }
  if (e.fresh_) {
    fresh_.erase(e.fresh_at_);
    e.fresh_ = false;
  }
  --open_;
  if (!e.address_.empty()) {
    Decrement(by_address_, e.address_);
    Decrement(by_subnet_, e.subnet_);
  }
}

void ConnectionTable::Active(TableEntry& entry) {
  MutexLock lock(mu_);
  if (entry.counted_ && entry.fresh_) {
    fresh_.erase(entry.fresh_at_);
    entry.fresh_ = false;
  }
}

void ConnectionTable::Remove(TableEntry& entry) {
  MutexLock lock(mu_);
  Uncount(entry);
}

int64_t ConnectionTable::open() const {
  MutexLock lock(mu_);
  return open_;
}

void ConnectionTable::ForEach(const std::function<void(const std::shared_ptr<TableEntry>&)>& f) {
  std::vector<std::shared_ptr<TableEntry>> live;
  {
    MutexLock lock(mu_);
    for (auto& [ptr, weak] : all_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (const auto& e : live) f(e);
}

}  // namespace pupitre::http
