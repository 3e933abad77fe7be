// ReexecWithSingleThreadedOpenMp (see the header).
#include "ocr/openmp_env.h"

#include "core/startup_env.h"

namespace qunying::ocr {

void ReexecWithSingleThreadedOpenMp(char** argv) {
  ReexecWithEnvDefaults(argv, {{"OMP_THREAD_LIMIT", "1"}});
}

}  // namespace qunying::ocr
