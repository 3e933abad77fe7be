// ReexecWithEnvDefaults (see the header).
#include "core/startup_env.h"

#include <malloc.h>
#include <unistd.h>

#include <climits>
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

void TuneMalloc(size_t trim_threshold, size_t mmap_threshold) {
  // mallopt only fails on a bad value.
  auto set = [](int param, size_t value) {
    if (value > 0 && value <= static_cast<size_t>(INT_MAX))
      (void)mallopt(param, static_cast<int>(value));
  };
  set(M_MMAP_THRESHOLD, mmap_threshold);
  set(M_TRIM_THRESHOLD, trim_threshold);
}

}  // namespace qunying
