#include "scoring/lead_engine.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <optional>
#include <sstream>
#include <thread>

#include "scoring/member_encoder.h"
#include "scoring/open_lead_predictions.h"
#include "scoring/part_queue.h"

namespace qunying::scoring {
namespace {

size_t ParallelThreads(size_t n) {
  return n < 10000 ? 1 : std::max(1u, std::thread::hardware_concurrency());
}

// Raises the calling thread's nice value by `by` (a thread's own on
// Linux; raising it needs no privilege). Best effort.
void LowerPriority(int by) {
  if (by <= 0) return;
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (nice == -1 && errno != 0) return;
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()),
                    std::min(19, nice + by));
}

// A member's probability not computed (not needed, or no model yet).
constexpr double kNoProbability = -1;

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
  t->settings = stored->settings;
  std::lock_guard<std::mutex> lock(mu_);
  model_ = std::move(t);
  model_id_ = stored->id;
  ++model_generation_;
  return Status::Ok();
}

void LeadEngine::SetModel(std::shared_ptr<const TrainedModel> model,
                          int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  model_ = std::move(model);
  model_id_ = id;
  ++model_generation_;
}

ScoringRules LeadEngine::rules() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rules_;
}

void LeadEngine::SetRules(ScoringRules rules) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_ = std::move(rules);
  ++rules_generation_;
}

int64_t LeadEngine::model_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return model_id_;
}

std::shared_ptr<const TrainedModel> LeadEngine::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return model_;
}

LeadEngine::Setup LeadEngine::CurrentSetup() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {rules_,
          model_,
          model_id_,
          rules_generation_,
          model_generation_,
          TextsFingerprint(rules_),
          OtherTextsFingerprint(rules_),
          OtherInputsFingerprint(rules_),
          ScoreFormula::Of(rules_)};
}

Result<RescoreReport> LeadEngine::Rescore() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  RescoreReport report;
  auto t0 = std::chrono::steady_clock::now();
  // One copy of the rules and model for the pass: the features' intent is
  // indexed against the rules' dictionary.
  Setup setup = CurrentSetup();
  std::vector<MemberFeatures>& features = features_;
  // A pass that fails leaves no features for a preview (PreviewRules) to
  // read against last_setup_: their intent matches may be of this setup's
  // phrases, or half loaded. Cleared, they keep their capacity.
  bool completed = false;
  struct ClearUnlessCompleted {
    std::vector<MemberFeatures>& features;
    const bool& completed;
    ~ClearUnlessCompleted() {
      if (!completed) features.clear();
    }
  } guard{features, completed};
  // The open leads are read beside the features, on a second thread:
  // LoadFeatures keeps one core busy for most of a pass without news, and
  // the read took a fifth of such a pass (docs/benchmarks.md). Their
  // digests are needed when the engine has no memory of what it wrote
  // (PassMemory::held); on the first pass the load restores that memory,
  // so that pass reads the digests whatever it finds.
  const bool digests = !restore_tried_ || memory_.written.empty();
  std::vector<HeldLead>& held = memory_.open;
  int64_t moved = memory_.leads_moved;
  Status held_read;
  std::thread held_reader(
      [&] { held_read = store_->HeldOpenLeads(digests, &moved, &held); });
  Status loaded =
      store_->LoadFeatures(clock_->NowMillis(), setup.rules.intent, &features);
  held_reader.join();
  QY_RETURN_IF_ERROR(loaded);
  QY_RETURN_IF_ERROR(held_read);
  // The store read the digests if a lead moved: compare with them.
  if (moved != memory_.leads_moved) memory_.written.clear();
  memory_.leads_moved = moved;
  if (!restore_tried_) {
    restore_tried_ = true;
    report.memory_restored =
        RestoreMemory(store_->TakeRestoredEngineState().bytes, &setup);
  }
  const bool compare = memory_.written.empty();
  report.load_ms = MsSince(t0);
  report.members = features.size();

  t0 = std::chrono::steady_clock::now();
  MemberIdSet& leads = memory_.with_lead;
  leads.Clear();
  for (const HeldLead& h : held) leads.Add(h.member_id);
  leads.Seal();
  if (compare) {
    memory_.held.reserve(held.size());
    for (const HeldLead& h : held) memory_.held.emplace(h.member_id, h);
  }
  held.clear();
  ScoredParts& scored = memory_.kept;
  // The store writes each part as soon as it is scored.
  Result<int> created = 0;
  auto write = [&](ScoringProgress* progress) -> Status {
    created = store_->ApplyScores(scored, setup.formula, clock_->NowMillis(),
                                  progress);
    return created.status();
  };
  std::chrono::steady_clock::time_point scored_at;
  Status status = ScoreWith(setup, features, leads, &memory_, &report, &scored,
                            write, &scored_at);
  memory_.held = {};
  report.score_ms =
      std::chrono::duration<double, std::milli>(scored_at - t0).count();
  report.write_ms = MsSince(scored_at);
  // After a failed pass some parts are stored and some not: forget what
  // was written, so that the next pass explains every lead again and the
  // store compares digests.
  if (!status.ok()) memory_.written.clear();
  last_setup_ = setup;
  for (auto& part : scored) {
    if (status.ok()) {
      for (const ScoredMember& m : part.members)
        memory_.written[m.member_id] = {m.content, m.inputs, m.texts, m.intent};
    }
    report.text_bytes += part.texts.reserved_bytes();
    part.members.clear();  // The parts' capacity stays,
    part.texts.Reset();    // and so do the arenas' blocks.
  }
  QY_RETURN_IF_ERROR(status);
  report.created = *created;
  completed = true;
  return report;
}

Result<ScoredParts> LeadEngine::ScoreAll(
    const std::vector<MemberFeatures>& features,
    const MemberIdSet& with_lead) const {
  RescoreReport report;
  ScoredParts parts;
  QY_RETURN_IF_ERROR(
      ScoreWith(CurrentSetup(), features, with_lead, nullptr, &report, &parts));
  return parts;
}

// One thread's share of a pass: scores a run of members block by block.
// Points (no words) for every member; a model row, into a small reused
// matrix, only for those whose probability matters (all of them under a
// probability threshold, else those kept), one prediction per block; then
// words and model inputs only for the members kept (at a threshold, or
// already leads), the only ones stored.
class LeadEngine::ChunkScorer {
 public:
  ChunkScorer(const Setup& setup, const MemberEncoder* encoder,
              const std::vector<MemberFeatures>& features,
              const MemberIdSet& with_lead, PassMemory* memory)
      : setup_(setup),
        encoder_(encoder),
        features_(features),
        with_lead_(with_lead),
        memory_(memory),
        cols_(setup.model ? setup.model->schema.size() : 0),
        x_{0, cols_, std::vector<float>(kBlock * cols_)} {}

  // Scores members [begin, end) into `kept`.
  Status Run(size_t begin, size_t end, ScoredPart* kept) {
    kept_ = kept;
    for (size_t b = begin; b < end; b += kBlock) {
      size_t m = std::min(kBlock, end - b);
      miss_.clear();
      for (size_t k = 0; k < m; ++k) Points(b, k);
      QY_RETURN_IF_ERROR(Predict());
      for (size_t k = 0; k < m; ++k) Keep(b, k);
    }
    return Status::Ok();
  }

  size_t unchanged = 0, reused = 0, probability_only = 0, texts_kept = 0,
         predicted = 0;

 private:
  static constexpr size_t kBlock = 4096;
  // A block row: what it scored, and where it came from.
  struct Row {
    uint64_t fingerprint = 0;  // Of the member's features.
    uint64_t points_key = 0, key = 0;
    uint64_t inputs = 0, content = 0;  // See PassMemory::Score.
    uint64_t texts = 0;                // TextsKey.
    uint64_t intent_key = 0;  // IntentKey if the points were computed; else 0.
    double fit = 0, engagement = 0, intent = 0, intent_raw = 0;
    double total = 0;  // By the pass's formula.
    double probability = kNoProbability;
    bool has_lead = false;
    bool fresh = false;  // Anything computed afresh (memory to update).
  };

  // Fills row `k` of the block at `b`, from memory where it can; queues
  // it for prediction if its probability is needed and not known.
  void Points(size_t b, size_t k) {
    const MemberFeatures& f = features_[b + k];
    Row& r = rows_[k];
    const uint64_t fingerprint = Fingerprint(f);
    r.fingerprint = fingerprint;
    r.texts = TextsKey(fingerprint, setup_.other_texts);
    r.intent_key = 0;
    r.points_key = MixHash(fingerprint, setup_.texts);
    r.key = MixHash(r.points_key, setup_.model_generation);
    r.has_lead = with_lead_.Contains(f.member_id);
    const PassMemory::Score* last =
        memory_ && memory_->scores[b + k].member_id == f.member_id
            ? &memory_->scores[b + k]
            : nullptr;
    r.probability = kNoProbability;
    r.fresh = !last || last->key != r.key;
    if (last && last->points_key == r.points_key) {
      // The parts stand after a new model, and after new weights, tiers
      // or thresholds, which change only the total (and the tier).
      r.fit = last->fit, r.engagement = last->engagement;
      r.intent = last->intent, r.intent_raw = last->intent_raw;
      r.content = last->content, r.inputs = last->inputs;
      if (!r.fresh) r.probability = last->probability;
    } else {
      PointsScore p = ScorePoints(f, setup_.rules, /*explain=*/false);
      r.fit = p.fit, r.engagement = p.engagement;
      r.intent = p.intent, r.intent_raw = p.intent_raw;
      r.content = ContentKey(fingerprint, setup_.other_texts, p);
      r.inputs = InputsKey(fingerprint, setup_.other_inputs, p);
      r.intent_key = IntentKey(setup_.other_texts, p);
      // New fit rules, engagement settings or weights of phrases the
      // member did not write: if its model inputs are as they were, and
      // the model too, so is its probability.
      if (last && last->inputs == r.inputs &&
          last->key == MixHash(last->points_key, setup_.model_generation))
        r.probability = last->probability;
    }
    r.total = setup_.formula.Total(r.fit, r.engagement, r.intent);
    const ScoringRules& rules = setup_.rules;
    bool wanted = setup_.model && (rules.lead_probability > 0 || r.has_lead ||
                                   r.total >= rules.lead_threshold);
    if (wanted && r.probability == kNoProbability) {
      encoder_->Encode(f, r.intent_raw, &x_.data[miss_.size() * cols_]);
      miss_.push_back(k);
      r.fresh = true;
    }
    if (!r.fresh) ++reused;
  }

  Status Predict() {
    if (miss_.empty()) return Status::Ok();
    x_.rows = miss_.size();
    x_.data.resize(x_.rows * cols_);
    QY_ASSIGN_OR_RETURN(auto p, setup_.model->model->Predict(x_));
    predicted += miss_.size();
    for (size_t j = 0; j < miss_.size(); ++j)
      rows_[miss_[j]].probability = p[j];
    x_.data.resize(kBlock * cols_);
    return Status::Ok();
  }

  // Remembers row `k`'s scores and, if the member is kept, adds what the
  // store must write (nothing, the probability alone, or everything).
  void Keep(size_t b, size_t k) {
    const MemberFeatures& f = features_[b + k];
    const Row& r = rows_[k];
    if (memory_ && r.fresh) {
      memory_->scores[b + k] = {
          f.member_id, r.points_key, r.key,    r.inputs,     r.content,
          r.fit,       r.engagement, r.intent, r.intent_raw, r.probability};
    }
    const ScoringRules& rules = setup_.rules;
    bool keep = r.has_lead || r.total >= rules.lead_threshold ||
                (setup_.model && rules.lead_probability > 0 &&
                 r.probability >= rules.lead_probability);
    if (!keep) return;
    ScoredMember sm;
    sm.member_id = f.member_id;
    sm.content = r.content;
    // The probability follows from the features, the model and the
    // settings of its inputs.
    sm.inputs = MixHash(r.content, MixHash(r.inputs, setup_.model_generation));
    if (setup_.model) {
      sm.probability = r.probability;
      sm.model_id = setup_.model_id;
    }
    const PassMemory::Written* written = nullptr;  // What the store holds.
    if (memory_ && r.has_lead) {
      auto it = memory_->written.find(f.member_id);
      if (it != memory_->written.end()) written = &it->second;
    }
    if (written) {
      if (written->inputs == sm.inputs) {
        ++unchanged;
        return;
      }
      sm.texts = written->texts;
      sm.intent = written->intent;
      if (written->content == sm.content) {
        KeepProbabilityOnly(std::move(sm));
        return;
      }
      if (written->texts == r.texts) {
        KeepOtherTexts(f, r, written->intent, std::move(sm));
        return;
      }
    } else if (memory_ && r.has_lead && AsHeld(r, &sm)) {
      return;
    }
    sm.points = ScorePoints(f, rules, /*explain=*/true);
    sm.digest = ScoreDigest(sm.points, sm.content);
    sm.texts = r.texts;
    sm.intent = IntentKey(setup_.other_texts, sm.points);
    StoredFactors parts = SplitFactors(sm.points.factors);
    sm.fit_factors_text = kept_->texts.Add(parts.fit);
    sm.intent_factors_text = kept_->texts.Add(parts.intent);
    sm.intent_digest = FactorsDigest(sm.intent_factors_text);
    sm.factors_text = kept_->texts.Add(parts.engagement);
    // Freed, not kept: `= {}` would clear the factors but keep their
    // capacity, ~1.6 KB in every kept member until the pass ends.
    sm.points.factors = std::vector<PointsFactor>();
    sm.attributes_text = kept_->texts.Add(AttributesText(f, rules));
    sm.texts_digest = TextsDigest(sm.attributes_text, sm.factors_text);
    kept_->members.push_back(std::move(sm));
  }

  void KeepProbabilityOnly(ScoredMember&& sm) {
    sm.probability_only = true;
    ++probability_only;
    kept_->members.push_back(std::move(sm));
  }

  // A lead whose texts other than the fit and intent factors are as last
  // written (new fit rules that it meets, new weights of phrases it
  // wrote): its parts, those factors and its intent input alone. The engagement
  // factors and the attributes were two thirds of a fit-rule pass's scoring
  // (docs/benchmarks.md).
  // Where the intent factors are as written too (`written_intent`, new
  // fit rules), they are not built either (ScoredMember::intent_kept).
  void KeepOtherTexts(const MemberFeatures& f, const Row& r,
                      uint64_t written_intent, ScoredMember&& sm) {
    sm.points.fit = r.fit, sm.points.engagement = r.engagement;
    sm.points.intent = r.intent, sm.points.intent_raw = r.intent_raw;
    sm.points.total = r.total;
    sm.digest = ScoreDigest(sm.points, sm.content);
    sm.fit_factors_text =
        kept_->texts.Add(EncodeFactors(FitFactors(f, setup_.rules)));
    sm.intent = r.intent_key;
    if (r.intent_key != 0 && r.intent_key == written_intent) {
      sm.intent_kept = true;
    } else {
      sm.intent_factors_text =
          kept_->texts.Add(EncodeFactors(IntentFactors(f, setup_.rules)));
      sm.intent_digest = FactorsDigest(sm.intent_factors_text);
    }
    sm.texts_kept = true;
    ++texts_kept;
    kept_->members.push_back(std::move(sm));
  }

  // Whether the store holds `sm`'s open lead with the digest row `r`
  // gives (the same parts from the same features and settings, so the
  // same texts): then it is unchanged, or its probability alone changed,
  // and is dealt with here without words. ApplyScores would decide the
  // same from the same row.
  bool AsHeld(const Row& r, ScoredMember* sm) {
    auto it = memory_->held.find(sm->member_id);
    if (it == memory_->held.end()) return false;
    const HeldLead& h = it->second;
    PointsScore parts;
    parts.fit = r.fit, parts.engagement = r.engagement, parts.intent = r.intent;
    if (ScoreDigest(parts, sm->content) != h.digest) return false;
    sm->texts = r.texts;
    if (h.ProbabilityChanges(*sm)) {
      KeepProbabilityOnly(std::move(*sm));
      return true;
    }
    adopted.push_back(
        {sm->member_id, {sm->content, sm->inputs, r.texts, r.intent_key}});
    ++unchanged;
    return true;
  }

 public:
  // Members found unchanged through PassMemory::held, with what the store
  // holds of them (for PassMemory::written).
  std::vector<std::pair<int64_t, PassMemory::Written>> adopted;

 private:
  ScoredPart* kept_ = nullptr;  // Where kept members and their texts go.

  const Setup& setup_;
  const MemberEncoder* encoder_;  // Null without a model.
  const std::vector<MemberFeatures>& features_;
  MemberIdSet::Cursor with_lead_;  // Its parts come in ascending order.
  PassMemory* memory_;             // Null: nothing kept between passes.
  size_t cols_;
  Matrix x_;
  std::vector<size_t> miss_;  // Rows of the block to predict.
  std::array<Row, kBlock> rows_;
};

Status LeadEngine::ScoreWith(
    const Setup& setup, const std::vector<MemberFeatures>& features,
    const MemberIdSet& with_lead, PassMemory* memory, RescoreReport* report,
    ScoredParts* out, const PartsReader& read,
    std::chrono::steady_clock::time_point* scored_at) const {
  std::optional<MemberEncoder> encoder;
  if (setup.model) encoder.emplace(setup.model->schema, setup.rules);
  const size_t n = features.size();
  const size_t per_part = std::max<size_t>(1, options_.score_part_members);
  const size_t parts = std::max<size_t>(1, (n + per_part - 1) / per_part);
  const size_t threads = std::min(parts, ParallelThreads(n));
  if (memory) memory->scores.resize(n);
  out->resize(parts);
  for (ScoredPart& part : *out) {
    part.members.clear();  // Its capacity stays for this pass,
    part.texts.Reset();    // and so do its arena's blocks.
  }
  std::vector<std::unique_ptr<ChunkScorer>> scorers;
  for (size_t t = 0; t < threads; ++t) {
    scorers.push_back(std::make_unique<ChunkScorer>(
        setup, encoder ? &*encoder : nullptr, features, with_lead, memory));
  }
  PartQueue queue(parts);
  auto work = [&](size_t t) {
    while (std::optional<size_t> p = queue.Take()) {
      size_t begin = *p * per_part;
      queue.Finish(*p, scorers[t]->Run(begin, std::min(n, begin + per_part),
                                       &(*out)[*p]));
    }
  };
  auto background = [&](size_t t) {
    LowerPriority(options_.score_thread_nice);
    work(t);
  };
  std::vector<std::thread> pool;
  Status read_status;
  if (read) {  // Every thread scores; this one reads what they fill.
    for (size_t t = 0; t < threads; ++t) pool.emplace_back(background, t);
    read_status = read(&queue);
    queue.Stop();  // After an error: the parts left are not needed.
  } else {
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(background, t);
    work(0);
  }
  for (auto& th : pool) th.join();
  if (scored_at) {
    *scored_at =
        queue.all_filled_at().value_or(std::chrono::steady_clock::now());
  }
  QY_RETURN_IF_ERROR(queue.status());
  for (auto& scorer : scorers) {
    if (memory) {
      for (const auto& [member, written] : scorer->adopted)
        memory->written[member] = written;
    }
    report->unchanged += scorer->unchanged;
    report->reused += scorer->reused;
    report->probability_only += scorer->probability_only;
    report->texts_kept += scorer->texts_kept;
    report->predicted += scorer->predicted;
  }
  return read_status;
}

Result<TrainReport> LeadEngine::Train(int64_t actor) {
  std::lock_guard<std::mutex> training(train_mu_);
  QY_ASSIGN_OR_RETURN(auto labelled, store_->TrainingRows());
  std::vector<Attributes> rows;
  std::vector<bool> won;
  for (auto& [a, w] : labelled) {
    rows.push_back(std::move(a));
    won.push_back(w);
  }
  QY_ASSIGN_OR_RETURN(TrainedModel trained,
                      scoring::Train(rows, won, options_.train));
  std::lock_guard<std::mutex> pass(pass_mu_);
  StoredModel stored;
  stored.kind = trained.model->Kind();
  stored.schema = trained.schema.Serialize();
  QY_ASSIGN_OR_RETURN(stored.bytes, trained.model->Serialize());
  stored.calibration = EncodeCalibration(trained.calibration);
  stored.n_train = trained.n_train;
  stored.n_won = trained.n_won;
  stored.auc_cv = trained.auc_cv;
  stored.settings = trained.settings;
  stored.created_at_ms = clock_->NowMillis();
  stored.by_user_id = actor;
  QY_ASSIGN_OR_RETURN(int64_t id, store_->SaveModel(stored));

  TrainReport report{id,
                     stored.kind,
                     trained.n_train,
                     trained.n_won,
                     trained.auc_cv,
                     trained.calibration,
                     0,
                     trained.settings,
                     trained.candidates};
  auto model = std::make_shared<const TrainedModel>(std::move(trained));
  QY_ASSIGN_OR_RETURN(
      report.rescored,
      PredictOpenLeads(*store_, *model, id, clock_->NowMillis(),
                       {.part_leads = options_.train_part_leads}));
  std::lock_guard<std::mutex> lock(mu_);
  model_ = std::move(model);
  model_id_ = id;
  ++model_generation_;
  return report;
}

int64_t LeadEngine::LocalDayStart(int64_t now) const {
  constexpr int64_t kDayMs = 86400000;
  int64_t offset = int64_t{options_.utc_offset_minutes} * 60000;
  return (now + offset) / kDayMs * kDayMs - offset;
}

Result<std::vector<Lead>> LeadEngine::Claim(int64_t user, int count) {
  int64_t now = clock_->NowMillis();
  return store_->Claim(user, count, options_.claim, LocalDayStart(now),
                       now - options_.sla_ms, now);
}

Result<Lead> LeadEngine::ClaimLead(int64_t user, int64_t lead_id) {
  int64_t now = clock_->NowMillis();
  return store_->ClaimLead(user, lead_id, options_.claim, LocalDayStart(now),
                           now - options_.sla_ms, now);
}

Result<int> LeadEngine::ReleaseOverdue() {
  int64_t now = clock_->NowMillis();
  return store_->ReleaseOverdue(now - options_.sla_ms, now);
}

Result<int> LeadEngine::ReturnActiveLost() {
  if (options_.lost_return_ms <= 0) return 0;
  int64_t now = clock_->NowMillis();
  return store_->ReturnActiveLost(now - options_.lost_return_ms,
                                  std::max(1, options_.lost_return_checkins),
                                  now);
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
