// Admin endpoints of the scoring loop: rules (versioned), rescoring,
// training with cross-validated AUC and a calibration table, and the list
// of models.
#include <cmath>

#include "core/time_util.h"
#include "server/api.h"
#include "server/scoring_json.h"

namespace qunying::server {
namespace {

Json CalibrationJson(const std::vector<scoring::CalibrationBin>& bins) {
  Json out = Json::array();
  auto r4 = [](double x) { return std::round(x * 10000) / 10000; };
  for (const auto& b : bins)
    out.push_back({{"lo", b.lo},
                   {"hi", b.hi},
                   {"n", b.n},
                   {"predicted", r4(b.predicted)},
                   {"observed", r4(b.observed)}});
  return out;
}

}  // namespace

// POST /scoring/train: learns from every lead with an outcome.
Result<Reply> TrainModel(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(auto t, s.lead_engine->Train(r.principal.id));
  Json candidates = Json::array();
  for (const auto& c : t.candidates)
    candidates.push_back({{"settings", c.settings},
                          {"auc_cv", std::round(c.auc_cv * 10000) / 10000}});
  return Reply{200,
               {{"model_id", IdString(t.model_id)},
                {"kind", t.kind},
                {"n_train", t.n_train},
                {"n_won", t.n_won},
                {"auc_cv", std::round(t.auc_cv * 10000) / 10000},
                {"calibration", CalibrationJson(t.calibration)},
                {"settings", t.settings},
                {"candidates", std::move(candidates)},
                {"rescored", t.rescored}}};
}

// POST /scoring/rescore: scores every member now (also runs on a schedule).
Result<Reply> RescoreLeads(Services& s, Request&) {
  QY_ASSIGN_OR_RETURN(auto rep, s.lead_engine->Rescore());
  return Reply{200,
               {{"members", rep.members},
                {"created", rep.created},
                {"reused", rep.reused},
                {"unchanged", rep.unchanged},
                {"probability_only", rep.probability_only},
                {"texts_kept", rep.texts_kept},
                {"predicted", rep.predicted},
                {"memory_restored", rep.memory_restored},
                {"load_ms", std::round(rep.load_ms)},
                {"score_ms", std::round(rep.score_ms)},
                {"write_ms", std::round(rep.write_ms)}}};
}

// GET /scoring/models: the models, newest first, in pages (a daily retrain
// keeps one a day).
Result<Reply> ListModels(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(OffsetPage page, ParseOffsetPage(r));
  QY_ASSIGN_OR_RETURN(auto models,
                      s.leads->Models(static_cast<int>(page.Fetch())));
  int64_t current = s.lead_engine->model_id();
  return Reply{
      200, page.Page(models, [&](const auto& m) -> Json {
        return {{"id", IdString(m.id)},
                {"kind", m.kind},
                {"n_train", m.n_train},
                {"n_won", m.n_won},
                {"auc_cv", std::round(m.auc_cv * 10000) / 10000},
                {"settings", m.settings},
                {"calibration",
                 CalibrationJson(scoring::DecodeCalibration(m.calibration))},
                {"created_at", FormatRfc3339(m.created_at_ms)},
                {"current", m.id == current}};
      })};
}

// GET /scoring/model (sales, admin): the model behind the leads'
// probabilities, without its calibration — {"model": null} before one —
// so that a rep's page can say how far to trust them.
Result<Reply> CurrentModel(Services& s, Request&) {
  const int64_t current = s.lead_engine->model_id();
  Json model;  // null
  if (current) {
    QY_ASSIGN_OR_RETURN(auto models, s.leads->Models(50));
    for (const auto& m : models) {
      if (m.id != current) continue;
      model = {{"id", IdString(m.id)},
               {"kind", m.kind},
               {"n_train", m.n_train},
               {"n_won", m.n_won},
               {"auc_cv", std::round(m.auc_cv * 10000) / 10000},
               {"created_at", FormatRfc3339(m.created_at_ms)}};
    }
  }
  return Reply{200, {{"model", model}}};
}

// GET /scoring/rules
Result<Reply> GetRules(Services& s, Request&) {
  return Reply{200, RulesToJson(s.lead_engine->rules())};
}

namespace {

// 400 naming the first key of `body` that `known` (the rules as GET shows
// them) does not have, in it or in its objects ("tier_a" for "tiers.a"):
// the save would otherwise succeed and quietly change nothing.
Status RejectUnknownKeys(const Json& body, const Json& known,
                         const std::string& prefix) {
  if (!body.is_object() || !known.is_object()) return Status::Ok();
  std::vector<std::string_view> keys;
  for (auto it = known.begin(); it != known.end(); ++it)
    keys.push_back(it.key());
  QY_RETURN_IF_ERROR(RejectUnknownFields(
      body, keys,
      "the rules have no such field (GET /scoring/rules lists them)", prefix));
  for (auto it = body.begin(); it != body.end(); ++it)
    QY_RETURN_IF_ERROR(RejectUnknownKeys(it.value(), known.at(it.key()),
                                         prefix + it.key() + "."));
  return Status::Ok();
}

// The current rules with the request's partial update, refusing fields
// the rules do not have.
Result<scoring::ScoringRules> RulesFromBody(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  scoring::ScoringRules current = s.lead_engine->rules();
  QY_RETURN_IF_ERROR(RejectUnknownKeys(body, RulesToJson(current), ""));
  return RulesFromJson(body, current);
}

}  // namespace

// PUT /scoring/rules: a partial update over the current rules; a new
// version, kept with who made it.
Result<Reply> PutRules(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::ScoringRules rules, RulesFromBody(s, r));
  Json stored = RulesToJson(rules);
  stored.erase("version");
  QY_ASSIGN_OR_RETURN(
      rules.version,
      s.leads->SaveRules(stored.dump(), r.principal.id, s.clock->NowMillis()));
  s.lead_engine->SetRules(rules);
  return Reply{200, RulesToJson(rules)};
}

// POST /scoring/rules/preview: what a PUT of the same body would do at the
// next pass, from the last pass's members (points only); nothing saved.
Result<Reply> PreviewRules(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(scoring::ScoringRules rules, RulesFromBody(s, r));
  QY_ASSIGN_OR_RETURN(scoring::RulesPreview p,
                      s.lead_engine->PreviewRules(rules));
  Json tiers = Json::object();
  for (const auto& [tier, n] : p.tiers) tiers[tier] = n;
  return Reply{200,
               {{"members", p.members},
                {"open_leads", p.open_leads},
                {"at_threshold", p.at_threshold},
                {"new_leads", p.new_leads},
                {"open_below_threshold", p.open_below},
                {"tiers", tiers},
                {"mean_change", std::round(p.mean_change * 10) / 10}}};
}

}  // namespace qunying::server
