// ReexecWithEnvDefaults (see the header).
#include "core/startup_env.h"

#include <unistd.h>

#include <cstdlib>

namespace qunying {

void ReexecWithEnvDefaults(char** argv,
                           std::initializer_list<EnvDefault> defaults) {
  bool changed = false;
  for (const EnvDefault& d : defaults) {
    if (std::getenv(d.name) != nullptr) continue;
    if (setenv(d.name, d.value, /*overwrite=*/1) != 0) return;
    changed = true;
  }
  if (!changed) return;
  execv("/proc/self/exe", argv);
  // Still here: exec failed. Carry on without the new settings.
}

}  // namespace qunying
