// The program starts itself again with the variables it lacks, and keeps
// those already set (an operator's choice).
#include "core/startup_env.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace qunying {
namespace {

// When this binary is re-executed by a test below, it only writes the two
// variables it was started with and exits, before any test runs.
const bool kProbe = [] {
  const char* out = std::getenv("QY_STARTUP_PROBE");
  if (out == nullptr) return false;
  const char* a = std::getenv("QY_TEST_A");
  const char* b = std::getenv("QY_TEST_B");
  std::ofstream(out) << (a ? a : "unset") << " " << (b ? b : "unset");
  _exit(0);
}();

// Runs ReexecWithEnvDefaults in a child with QY_TEST_B preset (or not) and
// returns what the probe saw, or "returned" if it did not restart.
std::string RunChild(const char* preset_b) {
  std::string out = (std::filesystem::temp_directory_path() /
                     ("qy-startup-" + std::to_string(getpid())))
                        .string();
  std::filesystem::remove(out);
  pid_t child = fork();
  if (child == 0) {
    unsetenv("QY_TEST_A");
    if (preset_b) {
      setenv("QY_TEST_B", preset_b, 1);
    } else {
      unsetenv("QY_TEST_B");
    }
    setenv("QY_STARTUP_PROBE", out.c_str(), 1);
    char name[] = "core_test";
    char* argv[] = {name, nullptr};
    ReexecWithEnvDefaults(argv, {{"QY_TEST_A", "1"}, {"QY_TEST_B", "two"}});
    _exit(3);  // Returned: it did not restart.
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return "no child";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "returned";
  std::string a, b;
  std::ifstream(out) >> a >> b;
  std::filesystem::remove(out);
  return a + " " + b;
}

TEST(StartupEnvTest, RestartsWithEveryUnsetVariableSet) {
  ASSERT_FALSE(kProbe);
  EXPECT_EQ(RunChild(nullptr), "1 two");
}

TEST(StartupEnvTest, KeepsAVariableAlreadySet) {
  EXPECT_EQ(RunChild("mine"), "1 mine");
}

TEST(StartupEnvTest, DoesNotRestartWhenNothingIsMissing) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setenv("QY_TEST_A", "x", 1);
    setenv("QY_STARTUP_PROBE", "/dev/null", 1);  // A restart would exit 0.
    char name[] = "core_test";
    char* argv[] = {name, nullptr};
    ReexecWithEnvDefaults(argv, {{"QY_TEST_A", "1"}});
    _exit(std::string(std::getenv("QY_TEST_A")) == "x" ? 7 : 8);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
}

}  // namespace
}  // namespace qunying
