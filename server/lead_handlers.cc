// Leads for sales: the inbox (own leads and the pool), a lead's card with
// its explanation, atomic claims, status changes, import and export, and
// the reps' KPIs. A rep sees only their own leads and the pool; anything
// else answers 404. Phones unmask for the lead's owner and admins.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "community/roster_csv.h"
#include "core/time_util.h"
#include "ocr/profile.h"
#include "scoring/attribute_words.h"
#include "server/api.h"
#include "server/json_body.h"
#include "server/scoring_json.h"

namespace qunying::server {
namespace {

constexpr size_t kMaxImportRows = 10000;
constexpr int kMaxClaim = 50;

bool IsAdmin(const Request& r) {
  return r.principal.role == auth::Role::kAdmin;
}

bool Visible(const Request& r, const scoring::Lead& l) {
  return IsAdmin(r) || l.owner_id == r.principal.id ||
         (l.owner_id == 0 && l.status == "new");
}

bool Unmask(const Request& r, const scoring::Lead& l) {
  return IsAdmin(r) || (l.owner_id && l.owner_id == r.principal.id);
}

Result<scoring::Lead> VisibleLead(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(scoring::Lead l, s.leads->Get(id));
  if (!Visible(r, l)) return Status::NotFound("lead not found");
  return l;
}

// A page cursor in score order: "<score>_<id>" of the page's last lead,
// the score to the bit ("%.17g"), so that the next page starts right
// after it.
std::string ScoreCursor(const scoring::Lead& l) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g_%lld", l.score,
                static_cast<long long>(l.id));
  return buf;
}

Status ParseScoreCursor(const std::string& cursor, scoring::LeadFilter* f) {
  const char* end = cursor.data() + cursor.size();
  auto [sep, ec] = std::from_chars(cursor.data(), end, f->after_score);
  bool ok = ec == std::errc() && std::isfinite(f->after_score) && sep != end &&
            *sep == '_';
  if (ok) {
    auto [last, ec2] = std::from_chars(sep + 1, end, f->after_id);
    ok = ec2 == std::errc() && last == end && f->after_id > 0;
  }
  if (!ok) {
    return Status::InvalidArgument("cursor is not one this server issued",
                                   "cursor");
  }
  return Status::Ok();
}

// `q`: a part of a nickname (or an imported lead's external id), or digits
// of a phone: a whole number ("138 1234 5678", "+86…") or four or more
// digits of one ("尾号 5678" is typed as 5678). A rep finds by phone only
// their own leads.
Status SearchFrom(const Request& r, scoring::LeadFilter* f) {
  QY_ASSIGN_OR_RETURN(std::string q,
                      SearchQuery(r, "a part of a nickname or a phone number"));
  if (q.empty()) return Status::Ok();
  f->text = q;
  if (auto phone = ocr::CanonicalFactValue("phone", q); phone.ok()) {
    f->phone_digits = *phone;
  } else if (q.size() >= 4 &&
             q.find_first_not_of("0123456789") == std::string::npos) {
    f->phone_digits = q;
  }
  f->phone_owner_id = IsAdmin(r) ? 0 : r.principal.id;
  return Status::Ok();
}

Result<scoring::LeadFilter> FilterFrom(const Request& r) {
  scoring::LeadFilter f;
  std::string sort = r.Query("sort");
  if (!sort.empty() && sort != "id" && sort != "score")
    return Status::InvalidArgument("sort must be id or score", "sort");
  f.by_score = sort == "score";
  if (f.by_score) {
    QY_ASSIGN_OR_RETURN(int limit, ParseLimit(r));
    f.limit = limit + 1;
    std::string cursor = r.Query("cursor");
    if (!cursor.empty()) QY_RETURN_IF_ERROR(ParseScoreCursor(cursor, &f));
  } else {
    QY_ASSIGN_OR_RETURN(Page page, ParsePage(r));
    f.limit = page.limit + 1;
    f.after_id = page.after_id;
  }
  f.status = r.Query("status");
  if (!f.status.empty() && !scoring::IsLeadStatus(f.status) &&
      f.status != "open" && f.status != "closed") {
    return Status::InvalidArgument(
        "status must be new, assigned, contacted, qualified, won or lost, or "
        "open (any but won and lost) or closed (won or lost)",
        "status");
  }
  QY_RETURN_IF_ERROR(SearchFrom(r, &f));
  f.source = r.Query("source");
  if (!f.source.empty() && f.source != "score" && f.source != "import")
    return Status::InvalidArgument("source must be score or import", "source");
  std::string min = r.Query("min_score");
  if (!min.empty()) {
    char* end = nullptr;
    f.min_score = std::strtod(min.c_str(), &end);
    if (*end || !std::isfinite(f.min_score))
      return Status::InvalidArgument("min_score must be a number", "min_score");
  }
  std::string mine = r.Query("mine");
  bool only_mine = mine == "1" || mine == "true";
  if (!mine.empty() && !only_mine && mine != "0" && mine != "false")
    return Status::InvalidArgument("mine must be true or false", "mine");
  if (only_mine || !IsAdmin(r)) f.owner_id = r.principal.id;
  f.include_pool = !IsAdmin(r) && !only_mine;
  std::string again = r.Query("active_again");
  f.active_again = again == "1" || again == "true";
  if (!again.empty() && !f.active_again && again != "0" && again != "false")
    return Status::InvalidArgument("active_again must be true or false",
                                   "active_again");
  if (f.active_again && !f.status.empty() && f.status != "lost" &&
      f.status != "closed") {
    return Status::InvalidArgument(
        "active_again lists lost leads: leave status out or make it lost",
        "status");
  }
  std::string due = r.Query("follow_up_before");
  if (!due.empty()) {  // The follow-ups due by then (pool leads have none).
    auto at = ParseRfc3339(due);
    if (!at.ok()) {
      return Status::InvalidArgument(
          "follow_up_before must be an RFC 3339 time: " + at.status().message(),
          "follow_up_before");
    }
    f.follow_up_before_ms = *at;
    f.include_pool = false;
  }
  return f;
}

// Whether a factor's value tells a child's grade, school or age (the fit
// factors are named by their profile field, the model's by their attribute,
// "grade" or "grade=三年级").
bool AboutChild(const std::string& name) {
  return ocr::IsAboutChild(name.substr(0, name.find('=')));
}

// A card a rep sees before claiming the lead (`unmask` false) says which
// ideal-customer rules the child meets ("三至六年级") but not the child's
// grade, school or age, as it shows the phone masked.
Json FactorsJson(const scoring::Lead& l, bool unmask) {
  Json out = Json::array();
  for (const auto& f : l.factors) {
    std::string value = f.value, label = f.label;
    if (!unmask && f.part == "fit" && AboutChild(f.name)) {
      label = scoring::LabelWithoutValue(f);
      value.clear();
    }
    out.push_back({{"name", f.name},
                   {"value", value},
                   {"contribution", std::round(f.points * 10) / 10},
                   {"part", f.part},
                   {"label", label}});
  }
  return out;
}

Json ModelFactorsJson(const std::vector<scoring::ModelFactor>& factors,
                      bool unmask) {
  Json out = Json::array();
  for (const auto& f : factors) {
    std::string dir = f.contribution >= 0 ? "提高" : "降低";
    bool hide = !unmask && AboutChild(f.name) && !f.value.empty();
    // A scored lead's inputs in words ("最长连续打卡 9 天"); an imported
    // lead's as the CRM named them.
    std::string noun(scoring::AttributeNoun(f.name));
    std::string words = scoring::AttributeInWords(f.name, f.value);
    if (hide) {
      words = (noun.empty() ? f.name : noun) + "（认领后可见）";
    } else if (words.empty()) {
      words = f.name + (f.value.empty() ? "（未知）" : " = " + f.value);
    }
    out.push_back({{"name", f.name},
                   {"value", hide ? "" : f.value},
                   {"contribution", std::round(f.contribution * 1000) / 1000},
                   {"label", words + "，" + dir + "成交可能"}});
  }
  return out;
}

Result<scoring::AttrValue> AttrFrom(const Json& v, const std::string& path) {
  if (v.is_null()) return scoring::AttrValue{};
  if (v.is_number()) {
    double d = v.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > scoring::kMaxAttributeMagnitude) {
      return Status::InvalidArgument(
          path + " must be a number from -10^15 to 10^15", path);
    }
    return scoring::AttrValue{d};
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > 200)
      return Status::InvalidArgument(path + " is longer than 200 bytes", path);
    return scoring::AttrValue{s};
  }
  if (v.is_boolean()) return scoring::AttrValue{v.get<bool>() ? 1.0 : 0.0};
  return Status::InvalidArgument(path + " must be a number, a string or null",
                                 path);
}

Result<scoring::ImportRow> ImportRowFrom(const Json& j, size_t i) {
  std::string at = "rows[" + std::to_string(i) + "]";
  if (!j.is_object())
    return Status::InvalidArgument(at + " must be an object", at);
  scoring::ImportRow row;
  auto id = j.find("external_id");
  if (id == j.end() || !(id->is_string() || id->is_number_integer()))
    return Status::InvalidArgument(at + ".external_id is required",
                                   at + ".external_id");
  row.external_id = id->is_string() ? id->get<std::string>() : id->dump();
  if (row.external_id.empty() || row.external_id.size() > 128)
    return Status::InvalidArgument(at + ".external_id must be 1–128 bytes",
                                   at + ".external_id");
  if (auto a = j.find("attributes"); a != j.end() && !a->is_null()) {
    if (!a->is_object() || a->size() > 200)
      return Status::InvalidArgument(
          at + ".attributes must be an object of at most 200 names",
          at + ".attributes");
    for (const auto& [name, v] : a->items()) {
      std::string path = at + ".attributes." + name;
      if (name.empty() || name.size() > 64 ||
          name.find_first_of("\t\n\r\\") != std::string::npos)
        return Status::InvalidArgument(
            path + ": names are 1–64 bytes without tabs, newlines or \\", path);
      QY_ASSIGN_OR_RETURN(row.attributes[name], AttrFrom(v, path));
    }
  }
  if (auto o = j.find("outcome"); o != j.end() && !o->is_null()) {
    if (!o->is_string() || (*o != "won" && *o != "lost"))
      return Status::InvalidArgument(at + ".outcome must be won, lost or null",
                                     at + ".outcome");
    row.outcome = o->get<std::string>();
  }
  return row;
}

// A CRM's export as the JSON rows of an import: external_id (or 外部编号)
// and outcome (or 结果: 成交/流失) columns, every other column an
// attribute. A cell that reads as a plain number is a number (but one with a
// leading zero, like a post code, stays text); an empty cell is missing.
Result<Json> ImportRowsFromCsv(const std::string& bytes) {
  QY_ASSIGN_OR_RETURN(std::string text, community::ToUtf8(bytes));
  QY_ASSIGN_OR_RETURN(
      auto table,
      community::ParseCsv(text, {}, community::SniffDelimiter(text)));
  if (table.empty()) return Status::InvalidArgument("the file is empty");
  std::vector<std::string> names = table[0];
  bool has_id = false;
  for (std::string& n : names) {
    if (n == "外部编号" || n == "编号") n = "external_id";
    if (n == "结果") n = "outcome";
    has_id = has_id || n == "external_id";
  }
  if (!has_id) {
    return Status::InvalidArgument(
        "row 1: no external_id column (external_id or 外部编号)");
  }
  Json rows = Json::array();
  for (size_t r = 1; r < table.size(); ++r) {
    Json row = {{"attributes", Json::object()}, {"outcome", nullptr}};
    for (size_t c = 0; c < names.size() && c < table[r].size(); ++c) {
      const std::string& v = table[r][c];
      if (names[c] == "external_id") {
        row["external_id"] = v;
      } else if (names[c] == "outcome") {
        if (!v.empty())
          row["outcome"] = v == "成交" ? "won" : v == "流失" ? "lost" : v;
      } else if (!v.empty()) {
        char* end = nullptr;
        double number = std::strtod(v.c_str(), &end);
        bool numeric =
            end == v.c_str() + v.size() &&
            v.find_first_not_of("-.0123456789") == std::string::npos &&
            !(v.size() > 1 && v[0] == '0' && v[1] != '.');
        row["attributes"][names[c]] = numeric ? Json(number) : Json(v);
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

// GET /leads?status=&min_score=&mine=&source=&limit=&cursor=
Result<Reply> ListLeads(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::LeadFilter f, FilterFrom(r));
  QY_ASSIGN_OR_RETURN(auto leads, s.leads->List(f));
  Json page = PageJson(leads, f.limit - 1, [&](const scoring::Lead& l) {
    return LeadJson(l, Unmask(r, l));
  });
  if (f.by_score && !page["next_cursor"].is_null())
    page["next_cursor"] = ScoreCursor(leads[f.limit - 2]);
  return Reply{200, page};
}

// GET /leads/{id}: the card: scores, factors in words, the model's
// factors, history.
Result<Reply> GetLead(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::Lead l, VisibleLead(s, r));
  QY_ASSIGN_OR_RETURN(auto model_factors, s.lead_engine->Explain(l));
  QY_ASSIGN_OR_RETURN(auto history, s.leads->History(l.id));
  bool unmask = Unmask(r, l);
  Json j = LeadJson(l, unmask);
  j["model_factors"] = ModelFactorsJson(model_factors, unmask);
  // An imported lead's score is the model's: its factors are the model's.
  j["factors"] =
      l.factors.empty() ? j["model_factors"] : FactorsJson(l, unmask);
  j["model_id"] = l.model_id ? Json(IdString(l.model_id)) : Json();
  // An imported lead's own columns, as the CRM exported them: for its owner
  // and admins only, as its phone (a CRM's columns may hold personal data).
  if (l.source == "import" && Unmask(r, l)) {
    Json attrs = Json::object();
    for (const auto& [name, value] : l.attributes) {
      if (const auto* d = std::get_if<double>(&value))
        attrs[name] = *d;
      else if (const auto* t = std::get_if<std::string>(&value))
        attrs[name] = *t;
    }
    j["attributes"] = attrs;
  }
  Json h = Json::array();
  for (const auto& e : history)
    h.push_back({{"at", FormatRfc3339(e.at_ms)},
                 {"actor_id",
                  e.actor_user_id ? Json(IdString(e.actor_user_id)) : Json()},
                 {"kind", e.kind},
                 {"from", e.from_status},
                 {"to", e.to_status},
                 // A note from an earlier owner may hold a phone.
                 {"note", MemberText(e.note, unmask)}});
  j["history"] = h;
  return Reply{200, j};
}

// POST /leads/claim {"count"}: the best-scored pool leads, atomically.
Result<Reply> ClaimLeads(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(auto count, GetInt(body, "count", false));
  int64_t n = count.value_or(1);
  if (n < 1 || n > kMaxClaim) {
    return Status::InvalidArgument(
        "count must be from 1 to " + std::to_string(kMaxClaim), "count");
  }
  QY_ASSIGN_OR_RETURN(
      auto leads, s.lead_engine->Claim(r.principal.id, static_cast<int>(n)));
  Json items = Json::array();
  for (const auto& l : leads) items.push_back(LeadJson(l, true));
  return Reply{200, {{"items", items}}};
}

// One pool lead the rep chose, by id: the lead as a claim answers it.
Result<Reply> ClaimLead(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(auto lead, s.lead_engine->ClaimLead(r.principal.id, id));
  return Reply{200, LeadJson(lead, true)};
}

// PATCH's "follow_up_at": unset when absent, 0 for null (cleared), else a
// time from now to a year ahead.
Result<std::optional<int64_t>> FollowUpFrom(const Json& body, int64_t now) {
  auto it = body.find("follow_up_at");
  if (it == body.end()) return std::optional<int64_t>();
  if (it->is_null()) return std::optional<int64_t>(0);
  constexpr char kWhat[] =
      "follow_up_at must be an RFC 3339 time within the next year "
      "(2026-03-02T10:00:00+08:00), or null to clear it";
  if (!it->is_string()) return Status::InvalidArgument(kWhat, "follow_up_at");
  auto at = ParseRfc3339(it->get<std::string>());
  // A minute's grace for a clock a little behind the server's.
  constexpr int64_t kGraceMs = 60 * 1000, kYearMs = 366LL * 86400 * 1000;
  if (!at.ok() || *at < now - kGraceMs || *at > now + kYearMs)
    return Status::InvalidArgument(kWhat, "follow_up_at");
  return std::optional<int64_t>(*at);
}

// A lead the caller owns (or any, for admins); a pool lead is NotFound
// until claimed.
Result<scoring::Lead> OwnedLead(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::Lead l, VisibleLead(s, r));
  if (!IsAdmin(r) && l.owner_id != r.principal.id)
    return Status::NotFound("lead not found: claim it to work on it");
  return l;
}

constexpr int kActivityCheckins = 60;

// GET /leads/{id}/activity: for the lead's owner and admins, the member's
// latest check-ins (photos through /leads/{id}/photos/{checkin_id}), the
// profile hints read from them and the merged profile.
Result<Reply> LeadActivity(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::Lead l, OwnedLead(s, r));
  Json checkins = Json::array();
  Json hints = Json::array();
  Json profile = Json::array();
  if (l.member_id) {
    QY_ASSIGN_OR_RETURN(
        auto rows, s.community->MemberCheckins(l.member_id, kActivityCheckins));
    for (const auto& k : rows) {
      std::string photo =
          "/api/v1/leads/" + IdString(l.id) + "/photos/" + IdString(k.id);
      checkins.push_back(
          {{"id", IdString(k.id)},
           {"campaign_id", IdString(k.campaign_id)},
           {"day", k.day},
           {"text", k.text},
           {"duration_s", k.duration_s},
           {"makeup", k.makeup},
           {"ocr_status", k.ocr_status},
           {"photo_url", k.photo_sha256.empty() ? Json() : Json(photo)},
           {"created_at", FormatRfc3339(k.created_at_ms)}});
    }
    QY_ASSIGN_OR_RETURN(auto found, s.ocr_jobs->HintsFor(0, l.member_id));
    hints = HintsJson(found, true);
    QY_ASSIGN_OR_RETURN(profile, ProfileJson(s, l.member_id, found, true));
  }
  return Reply{
      200, {{"checkins", checkins}, {"hints", hints}, {"profile", profile}}};
}

// GET /leads/{id}/photos/{checkin_id}: a check-in photo of the lead's member.
Result<Reply> LeadPhoto(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::Lead l, OwnedLead(s, r));
  QY_ASSIGN_OR_RETURN(int64_t checkin, r.IdParam("checkin_id"));
  auto k = s.community->GetCheckin(checkin);
  if (!k.ok() || !l.member_id || k->member_id != l.member_id)
    return Status::NotFound("photo not found");
  return PhotoReply(s, *k);
}

// PATCH /leads/{id} {"status","note","lost_reason","amount_fen"}
Result<Reply> PatchLead(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::Lead l, OwnedLead(s, r));
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(std::string status,
                      GetStringOr(body, "status", l.status, 16));
  if (!scoring::IsLeadStatus(status)) {
    return Status::InvalidArgument(
        "status must be new, assigned, contacted, qualified, won or lost",
        "status");
  }
  QY_ASSIGN_OR_RETURN(std::string note, GetStringOr(body, "note", "", 2000));
  QY_ASSIGN_OR_RETURN(std::string reason,
                      GetStringOr(body, "lost_reason", "", 200));
  QY_ASSIGN_OR_RETURN(auto amount, GetInt(body, "amount_fen", false));
  if (amount && (*amount < 0 || *amount > community::kMaxMoneyFen))
    return Status::InvalidArgument("amount_fen must be from 0 to 10^10",
                                   "amount_fen");
  if (status == "lost" && reason.empty() && l.status != "lost")
    return Status::InvalidArgument("a lost lead needs a lost_reason",
                                   "lost_reason");
  if (!reason.empty() && status != "lost")
    return Status::InvalidArgument("lost_reason is for a lead marked lost",
                                   "lost_reason");
  if (amount && status != "won")
    return Status::InvalidArgument("amount_fen is for a lead marked won",
                                   "amount_fen");
  // A closed lead's amount or reason can be corrected; the history says
  // what changed, beside the caller's note if there is one.
  std::string correction;
  if (status == l.status && amount && *amount != l.amount_fen)
    correction = "amount_fen " + std::to_string(l.amount_fen) + " → " +
                 std::to_string(*amount);
  if (status == l.status && !reason.empty() && reason != l.lost_reason)
    correction = "lost_reason " + l.lost_reason + " → " + reason;
  if (!correction.empty())
    note = note.empty() ? correction : note + " (" + correction + ")";
  const int64_t now = s.clock->NowMillis();
  QY_ASSIGN_OR_RETURN(auto follow_up, FollowUpFrom(body, now));
  if (status == l.status && note.empty() && !follow_up) {
    return Status::InvalidArgument(
        "nothing to change: give a new status, a note, a follow_up_at, or a "
        "won lead's amount_fen or a lost lead's lost_reason",
        "status");
  }
  scoring::StatusChange change{status, note, reason,
                               amount.value_or(l.amount_fen), follow_up};
  QY_RETURN_IF_ERROR(s.leads->SetStatus(l.id, change, r.principal.id, now));
  QY_ASSIGN_OR_RETURN(scoring::Lead after, s.leads->Get(l.id));
  return Reply{200, LeadJson(after, Unmask(r, after))};
}

// POST /leads/import {"rows":[{"external_id","attributes","outcome"}]}, or
// the same as CSV (ImportRowsFromCsv): checked whole before anything is
// written.
Result<Reply> ImportLeads(Services& s, Request& r) {
  Json body;
  bool csv = IsDelimitedText(r.http.get_header_value("Content-Type"));
  if (csv) {
    QY_ASSIGN_OR_RETURN(Json rows, ImportRowsFromCsv(r.http.body));
    body = {{"rows", std::move(rows)}};
  } else {
    QY_ASSIGN_OR_RETURN(body, r.JsonBody());
  }
  auto rows = body.find("rows");
  if (rows == body.end() || !rows->is_array())
    return Status::InvalidArgument("rows must be an array", "rows");
  if (rows->size() > kMaxImportRows)
    return Status::TooLarge("at most " + std::to_string(kMaxImportRows) +
                            " rows per import");
  std::vector<scoring::ImportRow> parsed;
  std::set<std::string> seen;
  for (size_t i = 0; i < rows->size(); ++i) {
    auto row = ImportRowFrom((*rows)[i], i);
    Status bad = row.ok() ? Status::Ok() : row.status();
    if (bad.ok() && !seen.insert(row->external_id).second) {
      std::string at = "rows[" + std::to_string(i) + "].external_id";
      bad = Status::InvalidArgument(at + " repeats an earlier row", at);
    }
    if (!bad.ok() && csv) {  // Where it is in the file: row 1 is the header.
      return Status(bad.code(),
                    "row " + std::to_string(i + 2) + " (" + bad.message() + ")",
                    bad.field());
    }
    QY_RETURN_IF_ERROR(bad);
    parsed.push_back(std::move(*row));
  }
  QY_ASSIGN_OR_RETURN(auto counts, s.leads->Import(parsed, r.principal.id,
                                                   s.clock->NowMillis()));
  return Reply{200, {{"created", counts.first}, {"updated", counts.second}}};
}

// POST /leads/assign {"rule","reps","count","series","city"} (admin):
// pushes the best pool leads to reps, round-robin or by spare capacity.
Result<Reply> AssignLeads(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  QY_ASSIGN_OR_RETURN(scoring::AssignRequest req,
                      AssignRequestFromJson(body, ""));
  QY_ASSIGN_OR_RETURN(auto pairs,
                      s.leads->Assign(req, s.lead_engine->options().claim,
                                      r.principal.id, s.clock->NowMillis()));
  Json items = Json::array();
  for (const auto& [lead, rep] : pairs)
    items.push_back({{"lead_id", IdString(lead)}, {"owner_id", IdString(rep)}});
  return Reply{200, {{"assigned", pairs.size()}, {"items", items}}};
}

// GET /leads/export: the caller's visible leads as CSV (phones masked as
// in the API).
Result<Reply> ExportLeads(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::LeadFilter f, FilterFrom(r));
  std::string csv =
      "id,member_id,external_id,nickname,phone,score,probability,tier,status,"
      "owner_id,fit,engagement,intent,amount_fen,lost_reason,updated_at,"
      "follow_up_at\n";
  f.after_id = 0;
  f.limit = 1000;
  for (;;) {
    QY_ASSIGN_OR_RETURN(auto leads, s.leads->List(f));
    for (const auto& l : leads) {
      Json j = LeadJson(l, Unmask(r, l));
      auto text = [&](const char* k) {
        return j[k].is_null()     ? std::string()
               : j[k].is_string() ? CsvField(j[k].get<std::string>())
                                  : j[k].dump();
      };
      for (const char* k :
           {"id", "member_id", "external_id", "nickname", "phone", "score",
            "probability", "tier", "status", "owner_id", "fit", "engagement",
            "intent", "amount_fen", "lost_reason", "updated_at"})
        csv += text(k) + ",";
      csv += text("follow_up_at") + "\n";
    }
    if (leads.size() < static_cast<size_t>(f.limit)) break;
    f.after_id = leads.back().id;
  }
  return CsvReply(std::move(csv));
}

// GET /leads/kpis?from=&to= : per rep, and a leaderboard (won, then
// revenue). Default window: the last 30 days.
Result<Reply> LeadKpis(Services& s, Request& r) {
  int64_t now = s.clock->NowMillis();
  int64_t from = now - 30LL * 86400000, to = now + 1;
  for (auto [key, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    std::string v = r.Query(key);
    if (v.empty()) continue;
    auto t = ParseRfc3339(v);
    if (!t.ok())
      return Status::InvalidArgument(
          std::string(key) + " must be an RFC 3339 time", key);
    *out = *t;
  }
  int64_t sla = s.lead_engine->options().sla_ms;
  QY_ASSIGN_OR_RETURN(auto kpis, s.leads->Kpis(from, to, sla, now));
  std::sort(kpis.begin(), kpis.end(), [](const auto& a, const auto& b) {
    return a.won != b.won ? a.won > b.won : a.revenue_fen > b.revenue_fen;
  });
  Json items = Json::array();
  int rank = 0;
  for (const auto& k : kpis) {
    double conversion = k.claimed ? double(k.won) / k.claimed : 0;
    double in_sla = k.contacted ? double(k.contacted_in_sla) / k.contacted : 0;
    items.push_back({{"rank", ++rank},
                     {"user_id", IdString(k.user_id)},
                     {"name", k.name},
                     {"disabled", k.disabled},
                     {"claimed", k.claimed},
                     {"open", k.open},
                     {"contacted", k.contacted},
                     {"contacted_within_sla", k.contacted_in_sla},
                     {"sla_rate", std::round(in_sla * 10000) / 10000},
                     {"won", k.won},
                     {"lost", k.lost},
                     {"conversion", std::round(conversion * 10000) / 10000},
                     {"revenue_fen", k.revenue_fen},
                     {"follow_ups_overdue", k.follow_ups_overdue}});
  }
  return Reply{200,
               {{"from", FormatRfc3339(from)},
                {"to", FormatRfc3339(to)},
                {"sla_hours", sla / 3600000.0},
                {"items", items}}};
}

}  // namespace qunying::server
