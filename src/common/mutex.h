#pragma once
// Mutexes that clang's -Wthread-safety understands. libstdc++'s std::mutex carries no
// annotations, so shared state is guarded by these instead:
//
//   mutable Mutex mu_;
//   std::map<...> rooms_ GUARDED_BY(mu_);
//   void Admit() REQUIRES(mu_);
//   { MutexLock l(mu_); ... }
//
// `make test` builds with clang-14 and -Wthread-safety -Werror (build-clang/), so a field read
// without its lock, or a REQUIRES function called without it, fails the build.

#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define PUPITRE_TSA(x) __attribute__((x))
#else
#define PUPITRE_TSA(x)
#endif

#define CAPABILITY(x) PUPITRE_TSA(capability(x))
#define SCOPED_CAPABILITY PUPITRE_TSA(scoped_lockable)
#define GUARDED_BY(x) PUPITRE_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) PUPITRE_TSA(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) PUPITRE_TSA(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) PUPITRE_TSA(acquired_after(__VA_ARGS__))
#define REQUIRES(...) PUPITRE_TSA(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) PUPITRE_TSA(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) PUPITRE_TSA(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) PUPITRE_TSA(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) PUPITRE_TSA(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) PUPITRE_TSA(release_shared_capability(__VA_ARGS__))
#define EXCLUDES(...) PUPITRE_TSA(locks_excluded(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS PUPITRE_TSA(no_thread_safety_analysis)

namespace pupitre {

class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  // For std::condition_variable_any and std::unique_lock.
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// Many readers or one writer.
class CAPABILITY("mutex") SharedMutex {
 public:
  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  void LockShared() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void UnlockShared() RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a Mutex for its scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() RELEASE() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

// Holds a SharedMutex exclusively for its scope.
class SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(SharedMutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~WriterLock() RELEASE() { mu_.Unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex& mu_;
};

// Holds a SharedMutex shared for its scope.
class SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_.LockShared(); }
  ~ReaderLock() RELEASE() { mu_.UnlockShared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace pupitre
