#include "ocr/openmp_env.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace qunying::ocr {
namespace {

// When this binary is re-executed by the test below, it only reports the
// OMP_THREAD_LIMIT it was started with and exits, before any test runs.
const bool kProbe = [] {
  const char* out = std::getenv("QY_OPENMP_PROBE");
  if (out == nullptr) return false;
  const char* limit = std::getenv("OMP_THREAD_LIMIT");
  std::ofstream(out) << (limit ? limit : "unset");
  _exit(0);
}();

TEST(OpenMpEnvTest, RestartsTheProgramWithOpenMpAtOneThread) {
  ASSERT_FALSE(kProbe);
  std::string out = (std::filesystem::temp_directory_path() /
                     ("qy-openmp-" + std::to_string(getpid())))
                        .string();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    unsetenv("OMP_THREAD_LIMIT");
    setenv("QY_OPENMP_PROBE", out.c_str(), 1);
    char name[] = "ocr_test";
    char* argv[] = {name, nullptr};
    ReexecWithSingleThreadedOpenMp(argv);
    _exit(3);  // Returned: it did not restart.
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string seen;
  std::ifstream(out) >> seen;
  std::filesystem::remove(out);
  EXPECT_EQ(seen, "1");
}

// A variable already set is kept: StartupEnvTest (core) covers that.

}  // namespace
}  // namespace qunying::ocr
