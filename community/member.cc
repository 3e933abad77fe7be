#include "community/member.h"

#include "core/utf8.h"

namespace qunying::community {

std::string_view NicknameSourceName(NicknameSource s) {
  switch (s) {
    case NicknameSource::kMiniProgram:
      return "mini_program";
    case NicknameSource::kEnrollment:
      return "enrollment";
    case NicknameSource::kRoster:
      return "roster";
    case NicknameSource::kOperator:
      return "operator";
  }
  return "mini_program";
}

Status CheckNickname(const std::string& nickname, const std::string& field) {
  if (!IsValidUtf8(nickname)) {
    return Status::InvalidArgument(field + " is not valid UTF-8", field);
  }
  if (nickname.find_first_not_of(" \t\n") == std::string::npos) {
    return Status::InvalidArgument(field + " must not be empty", field);
  }
  if (Utf8Length(nickname) > 64) {
    return Status::InvalidArgument(field + " must be at most 64 characters",
                                   field);
  }
  if (HasControlChars(nickname)) {
    return Status::InvalidArgument(field + " must not hold control characters",
                                   field);
  }
  return Status::Ok();
}

}  // namespace qunying::community
