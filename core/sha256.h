// SHA-256 as lower-case hex (libsodium). Thread-safe.
#ifndef QUNYING_CORE_SHA256_H_
#define QUNYING_CORE_SHA256_H_

#include <string>
#include <string_view>

namespace qunying {

std::string Sha256Hex(std::string_view bytes);

}  // namespace qunying

#endif  // QUNYING_CORE_SHA256_H_
