#include "server/scoring_json.h"

#include <algorithm>
#include <cmath>

#include "core/time_util.h"
#include "server/api.h"

namespace qunying::server {
namespace {

using scoring::ScoringRules;

Status Bad(const std::string& field, const std::string& want) {
  return Status::InvalidArgument(field + " must be " + want, field);
}

// Reads a number at j[key] into *out when present.
Status Num(const Json& j, const char* key, const std::string& path,
           double* out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_number()) return Bad(path + key, "a number");
  *out = it->get<double>();
  return Status::Ok();
}

Result<std::string> Text(const Json& j, const char* key,
                         const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() ||
      it->get_ref<const std::string&>().empty())
    return Bad(path + key, "a non-empty string");
  return it->get<std::string>();
}

Result<std::vector<scoring::FitRule>> FitFromJson(const Json& a) {
  if (!a.is_array()) return Bad("fit", "an array of rules");
  std::vector<scoring::FitRule> out;
  for (size_t i = 0; i < a.size(); ++i) {
    std::string path = "fit[" + std::to_string(i) + "].";
    const Json& r = a[i];
    if (!r.is_object())
      return Bad(path.substr(0, path.size() - 1), "an object");
    scoring::FitRule rule;
    QY_ASSIGN_OR_RETURN(rule.field, Text(r, "field", path));
    auto v = r.find("values");
    if (v == r.end() || !v->is_array() || v->empty())
      return Bad(path + "values", "a non-empty array of strings");
    for (const auto& x : *v) {
      if (!x.is_string()) return Bad(path + "values", "an array of strings");
      rule.values.push_back(x.get<std::string>());
    }
    QY_RETURN_IF_ERROR(Num(r, "points", path, &rule.points));
    auto label = r.find("label");
    rule.label = label != r.end() && label->is_string()
                     ? label->get<std::string>()
                     : rule.field;
    out.push_back(std::move(rule));
  }
  return out;
}

Result<std::vector<scoring::IntentPhrase>> IntentFromJson(const Json& a) {
  if (!a.is_array()) return Bad("intent", "an array of {phrase, weight}");
  std::vector<scoring::IntentPhrase> out;
  for (size_t i = 0; i < a.size(); ++i) {
    std::string path = "intent[" + std::to_string(i) + "].";
    if (!a[i].is_object())
      return Bad(path.substr(0, path.size() - 1), "an object");
    scoring::IntentPhrase p;
    QY_ASSIGN_OR_RETURN(p.phrase, Text(a[i], "phrase", path));
    QY_RETURN_IF_ERROR(Num(a[i], "weight", path, &p.weight));
    out.push_back(std::move(p));
  }
  return out;
}

Status EngagementFromJson(const Json& e, scoring::EngagementRules& r) {
  if (!e.is_object()) return Bad("engagement", "an object");
  const std::pair<const char*, double*> keys[] = {
      {"completion", &r.completion},
      {"streak", &r.streak},
      {"dwell", &r.dwell},
      {"reads", &r.reads},
      {"renewals", &r.renewals},
      {"paid", &r.paid},
      {"streak_full_days", &r.streak_full_days},
      {"dwell_full_s", &r.dwell_full_s},
      {"reads_full", &r.reads_full},
      {"renewals_full", &r.renewals_full},
      {"paid_full_fen", &r.paid_full_fen},
      {"makeup_weight", &r.makeup_weight},
      {"half_life_days", &r.half_life_days}};
  for (const auto& [k, p] : keys)
    QY_RETURN_IF_ERROR(Num(e, k, "engagement.", p));
  return Status::Ok();
}

std::string Time(int64_t ms) { return ms ? FormatRfc3339(ms) : ""; }
// As Time, but null when unset (a newer field, cleared with null).
Json TimeOrNull(int64_t ms) { return ms ? Json(FormatRfc3339(ms)) : Json(); }

Json AutoAssignToJson(const std::vector<scoring::AssignRequest>& rules) {
  Json out = Json::array();
  for (const auto& a : rules) out.push_back(AssignRequestToJson(a));
  return out;
}

Result<std::vector<scoring::AssignRequest>> AutoAssignFromJson(const Json& j) {
  if (!j.is_array()) return Bad("auto_assign", "an array");
  std::vector<scoring::AssignRequest> out;
  for (size_t i = 0; i < j.size(); ++i) {
    QY_ASSIGN_OR_RETURN(
        auto req,
        AssignRequestFromJson(j[i], "auto_assign[" + std::to_string(i) + "]"));
    out.push_back(std::move(req));
  }
  return out;
}

}  // namespace

Json AssignRequestToJson(const scoring::AssignRequest& a) {
  Json reps = Json::array();
  for (int64_t id : a.reps) reps.push_back(IdString(id));
  return {{"rule", a.rule},
          {"series", a.series},
          {"city", a.city},
          {"reps", reps},
          {"count", a.count}};
}

Result<scoring::AssignRequest> AssignRequestFromJson(const Json& j,
                                                     const std::string& at) {
  if (!j.is_object()) return Bad(at, "an object");
  auto read = [&]() -> Result<scoring::AssignRequest> {
    scoring::AssignRequest req;
    QY_ASSIGN_OR_RETURN(req.rule, GetStringOr(j, "rule", req.rule, 16));
    QY_ASSIGN_OR_RETURN(req.series, GetStringOr(j, "series", "", 100));
    QY_ASSIGN_OR_RETURN(req.city, GetStringOr(j, "city", "", 100));
    QY_ASSIGN_OR_RETURN(auto count, GetInt(j, "count", false));
    // Clamped before narrowing, so Validate sees an out-of-range count.
    if (count)
      req.count = static_cast<int>(std::clamp<int64_t>(*count, 0, 1001));
    if (auto reps = j.find("reps"); reps != j.end() && !reps->is_null()) {
      if (!reps->is_array()) return Bad("reps", "an array of user ids");
      for (const auto& rep : *reps) {
        QY_ASSIGN_OR_RETURN(int64_t id, GetId(Json{{"reps", rep}}, "reps"));
        req.reps.push_back(id);
      }
    }
    QY_RETURN_IF_ERROR(req.Validate());
    return req;
  };
  auto req = read();
  if (req.ok() || at.empty()) return req;
  const Status& s = req.status();
  std::string field = s.field().empty() ? at : at + "." + s.field();
  return Status::InvalidArgument(at + ": " + s.message(), field);
}

Json RulesToJson(const ScoringRules& r) {
  Json fit = Json::array();
  for (const auto& f : r.fit)
    fit.push_back({{"field", f.field},
                   {"values", f.values},
                   {"points", f.points},
                   {"label", f.label}});
  Json intent = Json::array();
  for (const auto& p : r.intent)
    intent.push_back({{"phrase", p.phrase}, {"weight", p.weight}});
  const auto& e = r.engagement;
  return {{"version", r.version},
          {"weights",
           {{"fit", r.weight_fit},
            {"engagement", r.weight_engagement},
            {"intent", r.weight_intent}}},
          {"lead_threshold", r.lead_threshold},
          {"lead_probability", r.lead_probability},
          {"tiers",
           {{"a", r.tier_a},
            {"b", r.tier_b},
            {"level_1", r.level_1},
            {"level_2", r.level_2}}},
          {"fit", fit},
          {"engagement",
           {{"completion", e.completion},
            {"streak", e.streak},
            {"dwell", e.dwell},
            {"reads", e.reads},
            {"renewals", e.renewals},
            {"paid", e.paid},
            {"streak_full_days", e.streak_full_days},
            {"dwell_full_s", e.dwell_full_s},
            {"reads_full", e.reads_full},
            {"renewals_full", e.renewals_full},
            {"paid_full_fen", e.paid_full_fen},
            {"makeup_weight", e.makeup_weight},
            {"half_life_days", e.half_life_days}}},
          {"intent", intent},
          {"auto_assign", AutoAssignToJson(r.auto_assign)}};
}

Result<ScoringRules> RulesFromJson(const Json& j, ScoringRules r) {
  if (!j.is_object()) return Bad("rules", "a JSON object");
  if (auto w = j.find("weights"); w != j.end()) {
    if (!w->is_object()) return Bad("weights", "an object");
    QY_RETURN_IF_ERROR(Num(*w, "fit", "weights.", &r.weight_fit));
    QY_RETURN_IF_ERROR(Num(*w, "engagement", "weights.", &r.weight_engagement));
    QY_RETURN_IF_ERROR(Num(*w, "intent", "weights.", &r.weight_intent));
  }
  QY_RETURN_IF_ERROR(Num(j, "lead_threshold", "", &r.lead_threshold));
  QY_RETURN_IF_ERROR(Num(j, "lead_probability", "", &r.lead_probability));
  if (auto t = j.find("tiers"); t != j.end()) {
    if (!t->is_object()) return Bad("tiers", "an object");
    QY_RETURN_IF_ERROR(Num(*t, "a", "tiers.", &r.tier_a));
    QY_RETURN_IF_ERROR(Num(*t, "b", "tiers.", &r.tier_b));
    QY_RETURN_IF_ERROR(Num(*t, "level_1", "tiers.", &r.level_1));
    QY_RETURN_IF_ERROR(Num(*t, "level_2", "tiers.", &r.level_2));
  }
  if (auto f = j.find("fit"); f != j.end()) {
    QY_ASSIGN_OR_RETURN(r.fit, FitFromJson(*f));
  }
  if (auto e = j.find("engagement"); e != j.end()) {
    QY_RETURN_IF_ERROR(EngagementFromJson(*e, r.engagement));
  }
  if (auto i = j.find("intent"); i != j.end()) {
    QY_ASSIGN_OR_RETURN(r.intent, IntentFromJson(*i));
  }
  if (auto a = j.find("auto_assign"); a != j.end()) {
    QY_ASSIGN_OR_RETURN(r.auto_assign, AutoAssignFromJson(*a));
  }
  QY_RETURN_IF_ERROR(r.Validate());
  return r;
}

Json LeadJson(const scoring::Lead& l, bool unmask) {
  auto id_or_null = [](int64_t id) { return id ? Json(IdString(id)) : Json(); };
  Json p =
      l.probability ? Json(std::round(*l.probability * 10000) / 10000) : Json();
  return {{"id", IdString(l.id)},
          {"member_id", id_or_null(l.member_id)},
          {"external_id", l.external_id.empty() ? Json() : Json(l.external_id)},
          {"score", l.score},
          {"probability", p},
          {"tier", l.tier},
          {"status", l.status},
          {"owner_id", id_or_null(l.owner_id)},
          {"source", l.source},
          {"fit", std::round(l.fit * 10) / 10},
          {"engagement", std::round(l.engagement * 10) / 10},
          {"intent", std::round(l.intent * 10) / 10},
          {"nickname", MemberText(l.nickname, unmask)},
          {"phone", unmask ? l.phone : MaskPhone(l.phone)},
          {"lost_reason", l.lost_reason},
          {"checkins_since_lost", l.checkins_since_lost},
          {"amount_fen", l.amount_fen},
          {"created_at", Time(l.created_at_ms)},
          {"assigned_at", Time(l.assigned_at_ms)},
          {"contacted_at", Time(l.contacted_at_ms)},
          {"closed_at", Time(l.closed_at_ms)},
          {"updated_at", Time(l.updated_at_ms)},
          {"follow_up_at", TimeOrNull(l.follow_up_at_ms)}};
}

}  // namespace qunying::server
