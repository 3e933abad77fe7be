#include "scoring/lead_engine.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <optional>
#include <sstream>
#include <thread>

#include "scoring/member_encoder.h"

namespace qunying::scoring {
namespace {

size_t ParallelThreads(size_t n) {
  return n < 10000 ? 1 : std::max(1u, std::thread::hardware_concurrency());
}

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
  ++generation_;
  return Status::Ok();
}

void LeadEngine::SetModel(std::shared_ptr<const TrainedModel> model,
                          int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  model_ = std::move(model);
  model_id_ = id;
  ++generation_;
}

ScoringRules LeadEngine::rules() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rules_;
}

void LeadEngine::SetRules(ScoringRules rules) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_ = std::move(rules);
  ++generation_;
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
  auto t0 = std::chrono::steady_clock::now();
  // One copy of the rules for the pass: the features' intent is indexed
  // against its dictionary.
  ScoringRules rules;
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rules = rules_;
    generation = generation_;
  }
  std::vector<MemberFeatures>& features = features_;
  QY_RETURN_IF_ERROR(
      store_->LoadFeatures(clock_->NowMillis(), rules.intent, &features));
  QY_ASSIGN_OR_RETURN(auto with_lead, store_->MembersWithOpenLeads());
  report.load_ms = MsSince(t0);
  report.members = features.size();

  t0 = std::chrono::steady_clock::now();
  std::unordered_set<int64_t> leads(with_lead.begin(), with_lead.end());
  QY_ASSIGN_OR_RETURN(auto scored, ScoreWith(rules, generation, features, leads,
                                             &memory_, &report));
  report.score_ms = MsSince(t0);

  t0 = std::chrono::steady_clock::now();
  QY_ASSIGN_OR_RETURN(report.created,
                      store_->ApplyScores(scored, clock_->NowMillis()));
  for (const ScoredMember& m : scored) memory_.written[m.member_id] = m.inputs;
  report.write_ms = MsSince(t0);
  return report;
}

Result<std::vector<ScoredMember>> LeadEngine::ScoreAll(
    const std::vector<MemberFeatures>& features,
    const std::unordered_set<int64_t>& with_lead) const {
  RescoreReport report;
  return ScoreWith(rules(), 0, features, with_lead, nullptr, &report);
}

Result<std::vector<ScoredMember>> LeadEngine::ScoreWith(
    const ScoringRules& rules, uint64_t generation,
    const std::vector<MemberFeatures>& features,
    const std::unordered_set<int64_t>& with_lead, PassMemory* memory,
    RescoreReport* report) const {
  auto model = Current();
  std::optional<MemberEncoder> encoder;
  if (model) encoder.emplace(model->schema, rules);
  const size_t n = features.size();
  const size_t threads = ParallelThreads(n);
  std::vector<std::vector<ScoredMember>> kept(threads);
  std::vector<size_t> same(threads), reused(threads);
  if (memory) memory->scores.resize(n);
  std::vector<Status> status(threads);
  // Each thread scores blocks of its chunk: points (no words) and a model
  // row per member into a small reused matrix, one prediction per block;
  // then words and model inputs only for the members that are kept (at a
  // threshold, or already leads), who are the only ones stored.
  auto run = [&](size_t t) {
    constexpr size_t kBlock = 4096;
    size_t chunk = (n + threads - 1) / threads;
    size_t begin = t * chunk, end = std::min(n, begin + chunk);
    size_t cols = model ? model->schema.size() : 0;
    Matrix x{0, cols, std::vector<float>(kBlock * cols)};
    std::vector<double> total(kBlock), prob(kBlock, -1);
    std::vector<uint64_t> key(kBlock);
    std::vector<size_t> miss;  // Rows of the block scored afresh.
    for (size_t b = begin; b < end && status[t].ok(); b += kBlock) {
      size_t m = std::min(kBlock, end - b);
      miss.clear();
      for (size_t k = 0; k < m; ++k) {
        const MemberFeatures& f = features[b + k];
        key[k] = MixHash(Fingerprint(f), generation);
        if (memory) {
          const auto& c = memory->scores[b + k];
          if (c.member_id == f.member_id && c.key == key[k]) {
            total[k] = c.total;
            prob[k] = c.probability;
            ++reused[t];
            continue;
          }
        }
        PointsScore p = ScorePoints(f, rules, /*explain=*/false);
        total[k] = p.total;
        if (encoder)
          encoder->Encode(f, p.intent_raw, &x.data[miss.size() * cols]);
        miss.push_back(k);
      }
      if (model && !miss.empty()) {
        x.rows = miss.size();
        x.data.resize(x.rows * cols);
        auto r = model->model->Predict(x);
        if (!r.ok()) {
          status[t] = r.status();
          return;
        }
        for (size_t j = 0; j < miss.size(); ++j) prob[miss[j]] = (*r)[j];
        x.data.resize(kBlock * cols);
      }
      if (memory) {
        for (size_t k : miss)
          memory->scores[b + k] = {features[b + k].member_id, key[k], total[k],
                                   prob[k]};
      }
      for (size_t k = 0; k < m; ++k) {
        const MemberFeatures& f = features[b + k];
        bool keep = total[k] >= rules.lead_threshold ||
                    (model && rules.lead_probability > 0 &&
                     prob[k] >= rules.lead_probability) ||
                    with_lead.count(f.member_id);
        if (!keep) continue;
        uint64_t inputs =
            MixHash(key[k], std::bit_cast<uint64_t>(model ? prob[k] : -1.0));
        if (memory && with_lead.count(f.member_id)) {
          auto it = memory->written.find(f.member_id);
          if (it != memory->written.end() && it->second == inputs) {
            ++same[t];
            continue;
          }
        }
        ScoredMember& sm = kept[t].emplace_back();
        sm.inputs = inputs;
        sm.member_id = f.member_id;
        sm.points = ScorePoints(f, rules, /*explain=*/true);
        sm.factors_text = EncodeFactors(sm.points.factors);
        sm.points.factors = {};
        sm.attributes_text = EncodeAttributes(ToAttributes(f, rules));
        if (model) sm.probability = prob[k];
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& th : pool) th.join();
  for (const auto& st : status) QY_RETURN_IF_ERROR(st);
  for (size_t t = 0; t < threads; ++t) {
    report->unchanged += same[t];
    report->reused += reused[t];
  }
  std::vector<ScoredMember> out;
  for (auto& part : kept)
    for (auto& m : part) out.push_back(std::move(m));
  return out;
}

Result<TrainReport> LeadEngine::Train(int64_t actor) {
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
  stored.by_user_id = actor;
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
  ++generation_;
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

Result<int64_t> LeadEngine::AutoAssign() {
  int64_t assigned = 0;
  for (const AssignRequest& req : rules().auto_assign) {
    QY_ASSIGN_OR_RETURN(auto pairs, store_->Assign(req, options_.claim, 0,
                                                   clock_->NowMillis()));
    assigned += static_cast<int64_t>(pairs.size());
  }
  return assigned;
}

Result<std::vector<ModelFactor>> LeadEngine::Explain(const Lead& lead) const {
  auto model = Current();
  if (!model) return std::vector<ModelFactor>{};
  return model->Explain(lead.attributes, options_.explain_top);
}

}  // namespace qunying::scoring
