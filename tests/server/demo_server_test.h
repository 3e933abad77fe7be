// A fixture: the real server on loopback with the demo community seeded
// (SeedDemo) at the fake clock's time, for tests that read the demo
// through the API.
#ifndef QUNYING_TESTS_SERVER_DEMO_SERVER_TEST_H_
#define QUNYING_TESTS_SERVER_DEMO_SERVER_TEST_H_

#include "server/demo.h"
#include "tests/server/test_server.h"

namespace qunying::server {

class DemoServerTest : public ServerTest {
 protected:
  void SetUp() override {
    Start();
    ASSERT_FALSE(HasFatalFailure());
    auto seeded = SeedDemo(*app_, clock_);
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    summary_ = *seeded;
  }

  DemoSummary summary_;
};

}  // namespace qunying::server

#endif  // QUNYING_TESTS_SERVER_DEMO_SERVER_TEST_H_
