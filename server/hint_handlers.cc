// Profile facts merged from OCR hints, and the operator's review queue for
// the weak or contested ones (accept, reject, edit).
#include <sstream>

#include "ocr/profile.h"
#include "server/api.h"
#include "server/json_body.h"

namespace qunying::server {
namespace {

constexpr const char* kFields[] = {"grade", "school", "city",       "district",
                                   "phone", "age",    "occupation", "company"};

Json ValueJson(const ocr::ProfileValue& v, const std::string& field,
               bool unmask) {
  Json ids = Json::array();
  for (int64_t id : v.checkin_ids) ids.push_back(IdString(id));
  return {{"value", field == "phone" && !unmask ? MaskPhone(v.value) : v.value},
          {"confidence", std::round(v.confidence * 100) / 100},
          {"evidence", ids.size()},
          {"checkin_ids", ids},
          {"sources", v.sources}};
}

Json FactJson(const ocr::ProfileFact& f, bool unmask) {
  Json j = ValueJson(f.best, f.field, unmask);
  j["field"] = f.field;
  j["status"] = ocr::FactStatusName(f.status);
  j["about_child"] = f.about_child;
  Json conflicts = Json::array();
  for (const auto& c : f.conflicts)
    conflicts.push_back(ValueJson(c, f.field, unmask));
  j["conflicts"] = conflicts;
  return j;
}

Result<std::vector<ocr::ProfileFact>> ProfileOf(
    Services& s, int64_t member, const std::vector<ocr::StoredHint>& hints) {
  QY_ASSIGN_OR_RETURN(auto decided, s.ocr_jobs->DecisionsFor(member));
  return ocr::BuildProfile(hints, decided);
}

// What an operator sees of the latest sighting of `f`'s value: the photo
// it was read from (`photo_url`), or else the line of the check-in's text
// it was written in (`evidence_text`, phones masked unless `unmask`).
Status AddLatestEvidence(Services& s, const ocr::ProfileFact& f,
                         const std::vector<ocr::StoredHint>& hints, bool unmask,
                         Json& j) {
  const ocr::StoredHint* latest = nullptr;
  for (const auto& h : hints) {
    if (h.hint.field != f.field || h.hint.value != f.best.value) continue;
    if (!latest || h.checkin_id > latest->checkin_id ||
        (h.checkin_id == latest->checkin_id && h.source == "photo")) {
      latest = &h;
    }
  }
  if (!latest) return Status::Ok();
  std::string checkin = IdString(latest->checkin_id);
  if (latest->source == "photo") {
    j["photo_url"] = "/api/v1/checkins/" + checkin + "/photo";
    return Status::Ok();
  }
  QY_ASSIGN_OR_RETURN(auto k, s.community->GetCheckin(latest->checkin_id));
  std::istringstream lines(k.text);
  std::string line;
  for (int i = 0; i <= latest->hint.line && std::getline(lines, line); ++i) {
  }
  j["evidence_text"] = MemberText(line, unmask);
  j["evidence_checkin_id"] = checkin;
  return Status::Ok();
}

// Appends a member's facts that wait for review to `items`.
Status AppendReviewItems(Services& s, int64_t member, bool unmask,
                         Json& items) {
  QY_ASSIGN_OR_RETURN(auto hints, s.ocr_jobs->HintsFor(0, member));
  QY_ASSIGN_OR_RETURN(auto facts, ProfileOf(s, member, hints));
  for (const auto& f : facts) {
    if (f.status != ocr::FactStatus::kReview) continue;
    Json j = FactJson(f, unmask);
    j["member_id"] = IdString(member);
    QY_RETURN_IF_ERROR(AddLatestEvidence(s, f, hints, unmask, j));
    items.push_back(std::move(j));
  }
  return Status::Ok();
}

}  // namespace

Result<Json> ProfileJson(Services& s, int64_t member,
                         const std::vector<ocr::StoredHint>& hints,
                         bool unmask) {
  QY_ASSIGN_OR_RETURN(auto facts, ProfileOf(s, member, hints));
  Json out = Json::array();
  for (const auto& f : facts) out.push_back(FactJson(f, unmask));
  return out;
}

// GET /hints/review?limit=&cursor= : facts waiting for an operator, member
// by member (a member's facts are never split across pages, so a page may
// hold a few more than `limit`); the cursor is the last member shown.
Result<Reply> HintReviewQueue(Services& s, Request& r) {
  constexpr int kBatch = 100;
  QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
  bool admin = r.principal.role == auth::Role::kAdmin;
  size_t limit = static_cast<size_t>(page.limit);
  Json items = Json::array();
  int64_t after = page.after_id;
  for (bool more = true; more && items.size() < limit;) {
    QY_ASSIGN_OR_RETURN(auto members,
                        s.ocr_jobs->MembersWithHints(after, kBatch));
    more = members.size() == kBatch;
    for (int64_t m : members) {
      after = m;
      QY_RETURN_IF_ERROR(AppendReviewItems(s, m, admin, items));
      if (items.size() >= limit) break;
    }
  }
  Json next = items.size() >= limit ? Json(IdString(after)) : Json(nullptr);
  return Reply{200, {{"items", items}, {"next_cursor", next}}};
}

// POST /hints/review {"member_id","field","value","decision","new_value"}:
// accept or reject a hinted value, or accept it edited to new_value.
Result<Reply> DecideHint(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(int64_t member, GetId(body, "member_id"));
  if (!member)
    return Status::InvalidArgument("field 'member_id' is required",
                                   "member_id");
  QY_ASSIGN_OR_RETURN(std::string field, RequireString(body, "field", 32));
  if (std::find(std::begin(kFields), std::end(kFields), field) ==
      std::end(kFields)) {
    return Status::InvalidArgument(
        "field must be one of grade, school, city, district, phone, age, "
        "occupation, company",
        "field");
  }
  QY_ASSIGN_OR_RETURN(std::string value, RequireString(body, "value", 200));
  QY_ASSIGN_OR_RETURN(std::string decision,
                      RequireString(body, "decision", 16));
  if (decision != "accept" && decision != "reject" && decision != "edit") {
    return Status::InvalidArgument("decision must be accept, reject or edit",
                                   "decision");
  }
  ocr::HintDecision d{field, value, decision != "reject", value};
  if (decision == "edit") {
    QY_ASSIGN_OR_RETURN(std::string typed,
                        RequireString(body, "new_value", 200));
    QY_ASSIGN_OR_RETURN(d.final_value, ocr::CanonicalFactValue(field, typed));
  }
  QY_ASSIGN_OR_RETURN(community::Member m, s.members->FindMember(member));
  QY_RETURN_IF_ERROR(
      s.ocr_jobs->Decide(m.id, d, r.principal.id, s.clock->NowMillis()));
  QY_ASSIGN_OR_RETURN(auto hints, s.ocr_jobs->HintsFor(0, m.id));
  QY_ASSIGN_OR_RETURN(
      Json profile,
      ProfileJson(s, m.id, hints, r.principal.role == auth::Role::kAdmin));
  return Reply{200, {{"member_id", IdString(m.id)}, {"profile", profile}}};
}

}  // namespace qunying::server
