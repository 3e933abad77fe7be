// LeadEngine::PreviewRules: what new rules would do, from the last pass's
// features and scores, before an admin saves them.
#include "scoring/lead_engine.h"

namespace qunying::scoring {
namespace {

bool SamePhrases(const std::vector<IntentPhrase>& a,
                 const std::vector<IntentPhrase>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].phrase != b[i].phrase) return false;
  return true;
}

}  // namespace

Result<RulesPreview> LeadEngine::PreviewRules(const ScoringRules& proposed) {
  QY_RETURN_IF_ERROR(proposed.Validate());
  std::lock_guard<std::mutex> pass(pass_mu_);
  // "Now" is what the last pass scored with, and what the leads show.
  const Setup& now = last_setup_;
  if (features_.empty())
    return Status::Conflict(
        "no rescoring pass has run yet: run one (POST /scoring/rescore) and"
        " preview again");
  // The features' intent matches are indexed by the last pass's phrases.
  if (!SamePhrases(proposed.intent, now.rules.intent))
    return Status::InvalidArgument(
        "a preview keeps the intent phrases (their weights may change): a"
        " new phrase is matched only by a rescoring pass",
        "intent");
  std::vector<HeldLead> held;
  QY_RETURN_IF_ERROR(
      store_->HeldOpenLeads(/*digests=*/false, /*moved=*/nullptr, &held));
  MemberIdSet leads;
  for (const HeldLead& h : held) leads.Add(h.member_id);
  leads.Seal();
  MemberIdSet::Cursor lead_of(leads);
  const ScoreFormula after = ScoreFormula::Of(proposed);
  // New weights, tiers or thresholds alone keep every member's parts.
  const bool same_parts = TextsFingerprint(proposed) == now.texts;
  RulesPreview out;
  out.members = features_.size();
  double change = 0;
  for (size_t i = 0; i < features_.size(); ++i) {
    const MemberFeatures& f = features_[i];
    PointsScore was;
    const PassMemory::Score* m =
        i < memory_.scores.size() && memory_.scores[i].member_id == f.member_id
            ? &memory_.scores[i]
            : nullptr;
    if (m) {
      was.fit = m->fit, was.engagement = m->engagement, was.intent = m->intent;
    } else {
      was = ScorePoints(f, now.rules, /*explain=*/false);
    }
    PointsScore will =
        same_parts ? was : ScorePoints(f, proposed, /*explain=*/false);
    const double total = after.Total(will.fit, will.engagement, will.intent);
    const bool lead = lead_of.Contains(f.member_id);
    const bool kept = total >= proposed.lead_threshold;
    out.at_threshold += kept;
    out.new_leads += kept && !lead;
    if (lead) {
      ++out.open_leads;
      out.open_below += !kept;
      change += total - now.formula.Total(was.fit, was.engagement, was.intent);
    }
    if (lead || kept)
      ++out.tiers[after.Tier(will.fit, will.engagement, will.intent)];
  }
  if (out.open_leads) out.mean_change = change / out.open_leads;
  return out;
}

}  // namespace qunying::scoring
