#include "net/idle_set.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

namespace gpm::net {

IdleSet::IdleSet(int timeout_ms, Handler on_readable, Handler on_expired)
    : timeout_(std::chrono::milliseconds(timeout_ms)),
      on_readable_(std::move(on_readable)),
      on_expired_(std::move(on_expired)) {}

IdleSet::~IdleSet() {
  if (thread_.joinable()) stop_and_close_all();
  if (epfd_ >= 0) ::close(epfd_);
  if (evfd_ >= 0) ::close(evfd_);
}

bool IdleSet::start() {
  epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
  evfd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epfd_ < 0 || evfd_ < 0) return false;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the wake-up eventfd
  if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, evfd_, &ev) != 0) return false;
  thread_ = std::thread([this] { loop(); });
  return true;
}

bool IdleSet::park(Connection* c) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    was_empty = parked_.empty();
    c->idle_until_ = std::chrono::steady_clock::now() + timeout_;
    c->idle_pos_ = parked_.insert(parked_.end(), c);
    c->parked_ = true;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.ptr = c;
    int op = c->in_epoll_ ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(epfd_, op, c->stream().fd(), &ev) != 0) {
      parked_.erase(c->idle_pos_);
      c->parked_ = false;
      return false;
    }
    c->in_epoll_ = true;
  }
  // The loop sleeps without a deadline while nothing is parked.
  if (was_empty) wake();
  return true;
}

void IdleSet::stop_and_close_all() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake();
  if (thread_.joinable()) thread_.join();
  std::list<Connection*> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.swap(parked_);
  }
  for (Connection* c : left) {
    c->parked_ = false;
    on_expired_(c);
  }
}

void IdleSet::wake() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(evfd_, &one, sizeof one);
}

void IdleSet::loop() {
  constexpr int kBatch = 256;
  epoll_event events[kBatch];
  std::vector<Connection*> readable, expired;
  for (;;) {
    int timeout_ms = -1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      if (!parked_.empty()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            parked_.front()->idle_until_ - std::chrono::steady_clock::now());
        timeout_ms = static_cast<int>(std::max<long long>(left.count() + 1, 0));
      }
    }
    int n = ::epoll_wait(epfd_, events, kBatch, timeout_ms);
    if (n < 0 && errno != EINTR) return;
    readable.clear();
    expired.clear();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 0; i < n; ++i) {
        auto* c = static_cast<Connection*>(events[i].data.ptr);
        if (c == nullptr) {
          uint64_t count;
          [[maybe_unused]] ssize_t r = ::read(evfd_, &count, sizeof count);
          continue;
        }
        if (!c->parked_) continue;
        parked_.erase(c->idle_pos_);
        c->parked_ = false;
        c->ready_ = true;
        readable.push_back(c);
      }
      auto now = std::chrono::steady_clock::now();
      while (!parked_.empty() && parked_.front()->idle_until_ <= now) {
        Connection* c = parked_.front();
        parked_.pop_front();
        c->parked_ = false;
        expired.push_back(c);
      }
    }
    for (Connection* c : readable) on_readable_(c);
    for (Connection* c : expired) on_expired_(c);
  }
}

}  // namespace gpm::net
