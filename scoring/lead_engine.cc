#include "scoring/lead_engine.h"

#include <chrono>
#include <sstream>

namespace qunying::scoring {
namespace {

double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - t)
      .count();
}

}  // namespace

std::string EncodeCalibration(const std::vector<CalibrationBin>& bins) {
  std::ostringstream os;
  for (const auto& b : bins)
    os << b.lo << ' ' << b.hi << ' ' << b.n << ' ' << b.predicted << ' '
       << b.observed << '\n';
  return os.str();
}

std::vector<CalibrationBin> DecodeCalibration(const std::string& text) {
  std::vector<CalibrationBin> out;
  std::istringstream in(text);
  CalibrationBin b;
  while (in >> b.lo >> b.hi >> b.n >> b.predicted >> b.observed)
    out.push_back(b);
  return out;
}

LeadEngine::LeadEngine(LeadStore* store, const Clock* clock,
                       LeadEngineOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Status LeadEngine::LoadModel() {
  QY_ASSIGN_OR_RETURN(auto stored, store_->LatestModel());
  if (!stored) return Status::Ok();
  QY_ASSIGN_OR_RETURN(FeatureSchema schema,
                      FeatureSchema::Parse(stored->schema));
  QY_ASSIGN_OR_RETURN(
      auto model,
      scoring::LoadModel(stored->kind, stored->bytes, schema.size()));
  auto t = std::make_shared<TrainedModel>();
  t->schema = std::move(schema);
  t->model = std::move(model);
  t->n_train = stored->n_train;
  t->n_won = stored->n_won;
  t->auc_cv = stored->auc_cv;
  t->calibration = DecodeCalibration(stored->calibration);
  std::lock_guard<std::mutex> lock(mu_);
  model_ = std::move(t);
  model_id_ = stored->id;
  return Status::Ok();
}

ScoringRules LeadEngine::rules() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rules_;
}

void LeadEngine::SetRules(ScoringRules rules) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_ = std::move(rules);
}

int64_t LeadEngine::model_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return model_id_;
}

std::shared_ptr<const TrainedModel> LeadEngine::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return model_;
}

Result<RescoreReport> LeadEngine::Rescore() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  RescoreReport report;
  ScoringRules rules = this->rules();
  auto model = Current();
  auto t0 = std::chrono::steady_clock::now();
  QY_ASSIGN_OR_RETURN(auto features, store_->LoadFeatures(clock_->NowMillis()));
  report.load_ms = MsSince(t0);
  report.members = features.size();

  t0 = std::chrono::steady_clock::now();
  std::vector<ScoredMember> scored(features.size());
  std::vector<Attributes> rows(features.size());
  for (size_t i = 0; i < features.size(); ++i) {
    scored[i].member_id = features[i].member_id;
    scored[i].points = ScorePoints(features[i], rules);
    rows[i] = ToAttributes(features[i], rules);
  }
  if (model) {
    QY_ASSIGN_OR_RETURN(auto p, model->Predict(rows));
    for (size_t i = 0; i < p.size(); ++i) scored[i].probability = p[i];
  }
  for (size_t i = 0; i < rows.size(); ++i)
    scored[i].attributes = std::move(rows[i]);
  report.score_ms = MsSince(t0);

  t0 = std::chrono::steady_clock::now();
  QY_ASSIGN_OR_RETURN(
      report.created,
      store_->ApplyScores(scored, rules.lead_threshold, clock_->NowMillis()));
  report.write_ms = MsSince(t0);
  return report;
}

Result<TrainReport> LeadEngine::Train() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  QY_ASSIGN_OR_RETURN(auto labelled, store_->TrainingRows());
  std::vector<Attributes> rows;
  std::vector<bool> won;
  for (auto& [a, w] : labelled) {
    rows.push_back(std::move(a));
    won.push_back(w);
  }
  QY_ASSIGN_OR_RETURN(TrainedModel trained,
                      scoring::Train(rows, won, options_.train));
  StoredModel stored;
  stored.kind = trained.model->Kind();
  stored.schema = trained.schema.Serialize();
  QY_ASSIGN_OR_RETURN(stored.bytes, trained.model->Serialize());
  stored.calibration = EncodeCalibration(trained.calibration);
  stored.n_train = trained.n_train;
  stored.n_won = trained.n_won;
  stored.auc_cv = trained.auc_cv;
  stored.created_at_ms = clock_->NowMillis();
  QY_ASSIGN_OR_RETURN(int64_t id, store_->SaveModel(stored));

  TrainReport report{id,
                     stored.kind,
                     trained.n_train,
                     trained.n_won,
                     trained.auc_cv,
                     trained.calibration,
                     0};
  auto model = std::make_shared<const TrainedModel>(std::move(trained));
  QY_ASSIGN_OR_RETURN(auto open, store_->OpenLeads());
  std::vector<Attributes> open_rows;
  for (auto& [lead_id, a] : open) open_rows.push_back(std::move(a));
  QY_ASSIGN_OR_RETURN(auto p, model->Predict(open_rows));
  std::vector<std::pair<int64_t, double>> updates;
  for (size_t i = 0; i < open.size(); ++i)
    updates.push_back({open[i].first, p[i]});
  QY_RETURN_IF_ERROR(store_->SetProbabilities(updates, id));
  report.rescored = updates.size();
  std::lock_guard<std::mutex> lock(mu_);
  model_ = std::move(model);
  model_id_ = id;
  return report;
}

Result<std::vector<Lead>> LeadEngine::Claim(int64_t user, int count) {
  int64_t now = clock_->NowMillis();
  constexpr int64_t kDayMs = 86400000;
  int64_t offset = int64_t{options_.utc_offset_minutes} * 60000;
  int64_t day_start = (now + offset) / kDayMs * kDayMs - offset;
  return store_->Claim(user, count, options_.claim, day_start,
                       now - options_.sla_ms, now);
}

Result<int> LeadEngine::ReleaseOverdue() {
  int64_t now = clock_->NowMillis();
  return store_->ReleaseOverdue(now - options_.sla_ms, now);
}

Result<std::vector<ModelFactor>> LeadEngine::Explain(const Lead& lead) const {
  auto model = Current();
  if (!model) return std::vector<ModelFactor>{};
  return model->Explain(lead.attributes, options_.explain_top);
}

}  // namespace qunying::scoring
