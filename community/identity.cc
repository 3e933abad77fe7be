#include "community/identity.h"

#include <algorithm>
#include <unordered_set>

#include "community/nickname.h"

namespace qunying::community {
namespace {

constexpr MatchMethod kPasses[] = {
    MatchMethod::kUnionid,         MatchMethod::kWechatId,
    MatchMethod::kReviewed,        MatchMethod::kNickname,
    MatchMethod::kNicknameHistory, MatchMethod::kFuzzy};

void AddTo(std::unordered_map<std::string, std::vector<size_t>>& index,
           const std::string& key, size_t i) {
  if (key.empty()) return;
  auto& v = index[key];
  if (v.empty() || v.back() != i) v.push_back(i);
}

std::string Evidence(MatchMethod m, const RosterRow& row,
                     const KnownMember& member, const std::string& norm,
                     const SettledNames& settled) {
  switch (m) {
    case MatchMethod::kReviewed:
      return "'" + row.nickname + "' settled as this member in review #" +
             std::to_string(settled.at(row.nickname).review_id);
    case MatchMethod::kUnionid:
      return "unionid " + row.unionid;
    case MatchMethod::kWechatId:
      return "wechat_id " + row.wechat_id;
    case MatchMethod::kNickname:
      return "nickname '" + row.nickname + "'";
    case MatchMethod::kNicknameHistory:
      return "earlier nickname '" + row.nickname + "' (now '" +
             member.nickname + "')";
    case MatchMethod::kFuzzy:
      return "'" + row.nickname + "' normalises to '" + norm + "' like '" +
             member.nickname + "'";
    case MatchMethod::kNone:
      return "";
  }
  return "";
}

}  // namespace

std::string_view MatchMethodName(MatchMethod m) {
  switch (m) {
    case MatchMethod::kNone:
      return "none";
    case MatchMethod::kUnionid:
      return "unionid";
    case MatchMethod::kWechatId:
      return "wechat_id";
    case MatchMethod::kNickname:
      return "nickname";
    case MatchMethod::kNicknameHistory:
      return "nickname_history";
    case MatchMethod::kFuzzy:
      return "fuzzy";
    case MatchMethod::kReviewed:
      return "reviewed";
  }
  return "none";
}

namespace {
constexpr std::string_view kFits = " fits ", kMembers = " members";
constexpr std::string_view kPointAt =
    " rows of this snapshot point at one member";

// The whole of `s` as a count from 1 to 10^6, or 0.
int CountIn(std::string_view s) {
  if (s.empty() || s.size() > 7 ||
      s.find_first_not_of("0123456789") != std::string_view::npos)
    return 0;
  int n = std::stoi(std::string(s));
  return n <= 1'000'000 ? n : 0;
}
}  // namespace

std::string ReviewReasonText(const ReviewReason& r) {
  switch (r.kind) {
    case ReviewReason::Kind::kAmbiguous:
      return std::string(MatchMethodName(r.method)) + std::string(kFits) +
             std::to_string(r.count) + std::string(kMembers);
    case ReviewReason::Kind::kContested:
      return std::to_string(r.count) + std::string(kPointAt);
    case ReviewReason::Kind::kOther:
      break;
  }
  return "";
}

ReviewReason ParseReviewReason(std::string_view text) {
  ReviewReason r;
  if (text.size() > kPointAt.size() &&
      text.substr(text.size() - kPointAt.size()) == kPointAt) {
    int n = CountIn(text.substr(0, text.size() - kPointAt.size()));
    if (n) r = {ReviewReason::Kind::kContested, MatchMethod::kNone, n};
    return r;
  }
  size_t fits = text.find(kFits);
  if (fits == std::string_view::npos || text.size() <= kMembers.size() ||
      text.substr(text.size() - kMembers.size()) != kMembers)
    return r;
  std::string_view method = text.substr(0, fits);
  size_t from = fits + kFits.size();
  int n = from <= text.size() - kMembers.size()
              ? CountIn(text.substr(from, text.size() - kMembers.size() - from))
              : 0;
  for (MatchMethod m :
       {MatchMethod::kUnionid, MatchMethod::kWechatId, MatchMethod::kNickname,
        MatchMethod::kNicknameHistory, MatchMethod::kFuzzy}) {
    if (n && method == MatchMethodName(m))
      r = {ReviewReason::Kind::kAmbiguous, m, n};
  }
  return r;
}

IdentityIndex::IdentityIndex(std::vector<KnownMember> members)
    : members_(std::move(members)) {
  for (size_t i = 0; i < members_.size(); ++i) {
    const KnownMember& m = members_[i];
    AddTo(by_unionid_, m.unionid, i);
    AddTo(by_wechat_id_, m.wechat_id, i);
    AddTo(by_nickname_, m.nickname, i);
    std::string norm = NormalizeNickname(m.nickname);
    AddTo(by_fuzzy_current_, norm, i);
    AddTo(by_fuzzy_any_, norm, i);
    for (const auto& old : m.earlier_nicknames) {
      if (old != m.nickname) AddTo(by_history_, old, i);
      AddTo(by_fuzzy_any_, NormalizeNickname(old), i);
    }
  }
}

std::vector<int64_t> IdentityIndex::Candidates(
    const RosterRow& row, MatchMethod method, const std::string& normalized,
    const SettledNames& settled) const {
  const Index* index = nullptr;
  std::string key;
  switch (method) {
    case MatchMethod::kReviewed: {
      if (row.nickname == kPlaceholderNickname) return {};
      auto it = settled.find(row.nickname);
      if (it == settled.end()) return {};
      return {it->second.member_id};
    }
    case MatchMethod::kUnionid:
      index = &by_unionid_;
      key = row.unionid;
      break;
    case MatchMethod::kWechatId:
      index = &by_wechat_id_;
      key = row.wechat_id;
      break;
    case MatchMethod::kNickname:
      index = &by_nickname_;
      key = row.nickname;
      break;
    case MatchMethod::kNicknameHistory:
      index = &by_history_;
      key = row.nickname;
      break;
    case MatchMethod::kFuzzy: {
      // A normalised current nickname is better evidence than an old one:
      // use the wider set only when the narrow one is empty.
      auto it = by_fuzzy_current_.find(normalized);
      index =
          it != by_fuzzy_current_.end() ? &by_fuzzy_current_ : &by_fuzzy_any_;
      key = normalized;
      break;
    }
    case MatchMethod::kNone:
      return {};
  }
  if (key.empty() || key == kPlaceholderNickname) return {};
  auto it = index->find(key);
  if (it == index->end()) return {};
  std::vector<int64_t> ids;
  for (size_t i : it->second) ids.push_back(members_[i].id);
  std::sort(ids.begin(), ids.end());  // One person, however many entries.
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<RowMatch> IdentityIndex::ResolveSnapshot(
    const std::vector<RosterRow>& rows, const SettledNames& names) const {
  std::vector<RowMatch> out(rows.size());
  std::vector<bool> settled(rows.size(), false);
  std::vector<std::string> norm(rows.size());
  for (size_t r = 0; r < rows.size(); ++r)
    norm[r] = NormalizeNickname(rows[r].nickname);
  std::unordered_set<int64_t> claimed;
  std::unordered_map<int64_t, size_t> id_to_index;
  for (size_t i = 0; i < members_.size(); ++i)
    id_to_index.emplace(members_[i].id, i);  // The member's own entry first.
  SettledNames known_settled;  // Names settled as members the index holds.
  for (const auto& [name, s] : names) {
    if (id_to_index.count(s.member_id)) known_settled.emplace(name, s);
  }

  for (MatchMethod pass : kPasses) {
    std::unordered_map<int64_t, std::vector<size_t>> proposals;
    for (size_t r = 0; r < rows.size(); ++r) {
      if (settled[r]) continue;
      std::vector<int64_t> c =
          Candidates(rows[r], pass, norm[r], known_settled);
      c.erase(std::remove_if(c.begin(), c.end(),
                             [&](int64_t id) { return claimed.count(id) > 0; }),
              c.end());
      if (c.size() == 1) {
        proposals[c[0]].push_back(r);
      } else if (c.size() > 1) {
        out[r].review = true;  // Several equally good people: ask.
        out[r].candidates = c;
        out[r].evidence = ReviewReasonText(
            {ReviewReason::Kind::kAmbiguous, pass, static_cast<int>(c.size())});
        settled[r] = true;
      }
    }
    for (auto& [member_id, competing] : proposals) {
      if (competing.size() > 1) {
        for (size_t r : competing) {
          out[r].review = true;
          out[r].candidates = {member_id};
          out[r].evidence = ReviewReasonText(
              {ReviewReason::Kind::kContested, MatchMethod::kNone,
               static_cast<int>(competing.size())});
          settled[r] = true;
        }
        continue;
      }
      size_t r = competing[0];
      const KnownMember& m = members_[id_to_index[member_id]];
      out[r].member_id = member_id;
      out[r].method = pass;
      out[r].evidence = Evidence(pass, rows[r], m, norm[r], known_settled);
      settled[r] = true;
      claimed.insert(member_id);
    }
  }
  return out;
}

}  // namespace qunying::community
