#include "server/json_body.h"

#include <algorithm>

#include "core/utf8.h"

namespace qunying::server {
namespace {

// Deepest bracket nesting outside strings; cheap guard before parsing so a
// body of 100k '[' cannot exhaust the stack.
int MaxDepth(std::string_view s) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      max_depth = std::max(max_depth, ++depth);
    else if (c == ']' || c == '}')
      --depth;
  }
  return max_depth;
}

Status WrongType(const char* field, const char* type) {
  return Status::InvalidArgument(
      std::string("field '") + field + "' must be " + type, field);
}

}  // namespace

Result<Json> ParseJsonObject(std::string_view body) {
  if (body.empty()) {
    return Status::InvalidArgument("request body is empty; expected JSON");
  }
  if (MaxDepth(body) > kMaxJsonDepth) {
    return Status::InvalidArgument("JSON nests deeper than " +
                                   std::to_string(kMaxJsonDepth) + " levels");
  }
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parse again with exceptions to learn where it broke.
    try {
      Json again = Json::parse(body);
      (void)again;
    } catch (const Json::parse_error& e) {
      return Status::InvalidArgument("malformed JSON at byte " +
                                     std::to_string(e.byte));
    } catch (const Json::exception&) {
      // A number beyond a double's range (1e400) is reported as out_of_range,
      // not as a parse error; the number itself is not echoed (it may be a
      // megabyte of digits).
      return Status::InvalidArgument(
          "malformed JSON: a number is out of range");
    }
    return Status::InvalidArgument("malformed JSON");
  }
  if (!j.is_object()) {
    return Status::InvalidArgument("request body must be a JSON object");
  }
  return j;
}

Result<std::optional<std::string>> GetString(const Json& obj, const char* field,
                                             bool required, size_t max_bytes) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) {
      return Status::InvalidArgument(
          std::string("field '") + field + "' is required", field);
    }
    return std::optional<std::string>();
  }
  if (!it->is_string()) return WrongType(field, "a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    return Status::InvalidArgument(std::string("field '") + field +
                                       "' is longer than " +
                                       std::to_string(max_bytes) + " bytes",
                                   field);
  }
  if (!IsValidUtf8(s)) return WrongType(field, "valid UTF-8 text");
  return std::optional<std::string>(s);
}

Result<std::optional<int64_t>> GetInt(const Json& obj, const char* field,
                                      bool required) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) {
      return Status::InvalidArgument(
          std::string("field '") + field + "' is required", field);
    }
    return std::optional<int64_t>();
  }
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return WrongType(field, "an integer within 64 bits");
  }
  if (it->is_number_integer())
    return std::optional<int64_t>(it->get<int64_t>());
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) {
      return std::optional<int64_t>(static_cast<int64_t>(d));
    }
  }
  return WrongType(field, "an integer");
}

Result<std::string> GetStringOr(const Json& obj, const char* field,
                                std::string fallback, size_t max_bytes) {
  QY_ASSIGN_OR_RETURN(auto v, GetString(obj, field, false, max_bytes));
  return v ? *v : fallback;
}

Result<std::string> RequireString(const Json& obj, const char* field,
                                  size_t max_bytes) {
  QY_ASSIGN_OR_RETURN(auto v, GetString(obj, field, true, max_bytes));
  return *v;
}

Status RejectUnknownFields(const Json& obj,
                           const std::vector<std::string_view>& allowed,
                           std::string_view hint, const std::string& prefix) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end())
      continue;
    return Status::InvalidArgument(
        "unknown field '" + prefix + key + "': " + std::string(hint),
        prefix + key);
  }
  return Status::Ok();
}

}  // namespace qunying::server
