// JSON request bodies: parsing with a nesting limit, and typed field access
// whose errors name the field. Thread-safe (pure functions).
#ifndef QUNYING_SERVER_JSON_BODY_H_
#define QUNYING_SERVER_JSON_BODY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace qunying::server {

using Json = nlohmann::json;

// Deepest nesting of arrays/objects accepted in a request body.
inline constexpr int kMaxJsonDepth = 32;

// Parses `body` as a JSON object. InvalidArgument (saying where) for
// malformed JSON, a non-object top level, or nesting beyond kMaxJsonDepth.
Result<Json> ParseJsonObject(std::string_view body);

// Field readers. A missing or null field is an error only when `required`;
// a present field of the wrong type always is. Strings must be valid UTF-8
// and at most `max_bytes` long.
Result<std::optional<std::string>> GetString(const Json& obj, const char* field,
                                             bool required,
                                             size_t max_bytes = 4096);
Result<std::optional<int64_t>> GetInt(const Json& obj, const char* field,
                                      bool required);

// The string or "" when absent; for optional text fields.
Result<std::string> GetStringOr(const Json& obj, const char* field,
                                std::string fallback = "",
                                size_t max_bytes = 4096);
// A required string (errors when missing).
Result<std::string> RequireString(const Json& obj, const char* field,
                                  size_t max_bytes = 4096);

// InvalidArgument "unknown field '<prefix><key>': <hint>", naming that
// field, for the first key of `obj` not in `allowed`: a field an endpoint
// does not take (a typo) is refused rather than answered 200 with nothing
// done.
[[nodiscard]] Status RejectUnknownFields(
    const Json& obj, const std::vector<std::string_view>& allowed,
    std::string_view hint, const std::string& prefix = "");

}  // namespace qunying::server

#endif  // QUNYING_SERVER_JSON_BODY_H_
