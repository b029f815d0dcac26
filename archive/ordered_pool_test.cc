#include "archive/ordered_pool.h"

#include <chrono>
#include <thread>

#include <doctest/doctest.h>

namespace tseq::archive {
namespace {

TEST_SUITE("OrderedPool") {
  TEST_CASE("results come back in the order the items went in, whichever worker is faster") {
    OrderedPool pool(3, 4, [](size_t, OrderedPool::Item& item) {
      // Later items finish first.
      std::this_thread::sleep_for(std::chrono::microseconds(200 * (item.tag % 4)));
      item.output = "out " + item.input;
      return item.tag == 7 ? InvalidArgumentError("item 7") : Status::Ok();
    });
    std::vector<std::string> results;
    const auto take = [&] {
      OrderedPool::Item item = pool.Next();
      results.push_back(item.output + (item.status.ok() ? "" : " (" + item.status.message() + ")"));
    };
    for (uint64_t tag = 10; tag > 0; --tag) {
      if (pool.Full()) take();
      pool.Submit(std::to_string(tag), tag);
    }
    while (!pool.Empty()) take();
    CHECK(results == std::vector<std::string>{"out 10", "out 9", "out 8", "out 7 (item 7)", "out 6",
                                              "out 5", "out 4", "out 3", "out 2", "out 1"});
  }

  TEST_CASE("an output buffer handed to Submit is the item's output when the function runs") {
    OrderedPool pool(1, 1, [](size_t, OrderedPool::Item& item) {
      return item.output == "reused" && item.output.capacity() >= 4096
                 ? Status::Ok()
                 : InternalError("a new buffer");
    });
    std::string buffer;
    buffer.reserve(4096);
    buffer = "reused";
    pool.Submit("input", 1, std::move(buffer));
    CHECK(pool.Next().status.ok());
    pool.Submit("input", 2);
    CHECK(pool.Next().status.message() == "a new buffer");
  }
}

}  // namespace
}  // namespace tseq::archive
