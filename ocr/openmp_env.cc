#include "ocr/openmp_env.h"

#include <unistd.h>

#include <cstdlib>

namespace qunying::ocr {

void ReexecWithSingleThreadedOpenMp(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  if (setenv("OMP_THREAD_LIMIT", "1", /*overwrite=*/1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: exec failed. Carry on with OpenMP as it is.
}

}  // namespace qunying::ocr
