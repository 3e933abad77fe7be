#include "storage/facts_digest.h"

#include <unordered_map>

#include "ocr/profile.h"
#include "storage/hint_rows.h"

namespace qunying::storage {
namespace {

FactsDigest::Facts FactsOf(const std::vector<ocr::StoredHint>& hints,
                           const std::vector<ocr::HintDecision>& decided) {
  FactsDigest::Facts out;
  for (const auto& fact : ocr::BuildProfile(hints, decided)) {
    if (fact.status != ocr::FactStatus::kReview)
      out.emplace_back(fact.field, fact.best.value);
  }
  return out;
}

}  // namespace

Status FactsDigest::ReadAll(Connection& c) {
  facts_.Clear();
  std::unordered_map<int64_t, std::vector<ocr::HintDecision>> decided;
  QY_ASSIGN_OR_RETURN(Statement * d,
                      c.Prepare(std::string(kDecisionCols) + "ORDER BY id"));
  QY_RETURN_IF_ERROR(ForEachRow(d, [&](const Statement& s) {
    decided[s.Int(4)].push_back(DecisionFromRow(s));
  }));
  // By member alone, in the member index's order (member, field, id):
  // "ORDER BY member_id, id" sorted every member's hints again in a
  // temporary B-tree, 2.1 s against 1.0 s for 1.9M hints in sqlite3
  // (docs/benchmarks.md). The order within a member is immaterial:
  // BuildProfile keys the evidence by field, value and check-in.
  QY_ASSIGN_OR_RETURN(Statement * h,
                      c.Prepare(std::string(kHintCols) + "ORDER BY member_id"));
  std::vector<ocr::StoredHint> hints;
  auto flush = [&] {
    if (hints.empty()) return;
    int64_t member = hints[0].member_id;
    facts_.At(member) = FactsOf(hints, decided[member]);
    ++rebuilt_;
    hints.clear();
  };
  QY_RETURN_IF_ERROR(ForEachRow(h, [&](const Statement& s) {
    if (!hints.empty() && hints[0].member_id != s.Int(5)) flush();
    hints.push_back(HintFromRow(s));
  }));
  flush();
  return Status::Ok();
}

Status FactsDigest::ReadChanged(Connection& c) {
  QY_ASSIGN_OR_RETURN(
      Statement * changed,
      c.Prepare("SELECT member_id FROM profile_changes WHERE seq > ?"));
  changed->Bind(1, seq_);
  std::vector<int64_t> members;
  QY_RETURN_IF_ERROR(ForEachRow(
      changed, [&](const Statement& s) { members.push_back(s.Int(0)); }));
  QY_ASSIGN_OR_RETURN(Statement * d,
                      c.Prepare(std::string(kDecisionCols) +
                                "WHERE member_id = ? ORDER BY id"));
  QY_ASSIGN_OR_RETURN(
      Statement * h,
      c.Prepare(std::string(kHintCols) + "WHERE member_id = ? ORDER BY id"));
  for (int64_t member : members) {
    std::vector<ocr::HintDecision> decided;
    d->Reset();
    d->Bind(1, member);
    QY_RETURN_IF_ERROR(ForEachRow(
        d, [&](const Statement& s) { decided.push_back(DecisionFromRow(s)); }));
    std::vector<ocr::StoredHint> hints;
    h->Reset();
    h->Bind(1, member);
    QY_RETURN_IF_ERROR(ForEachRow(
        h, [&](const Statement& s) { hints.push_back(HintFromRow(s)); }));
    // No hints, no facts (decisions alone name nothing to decide on).
    Facts facts = hints.empty() ? Facts{} : FactsOf(hints, decided);
    if (!facts.empty() || facts_.Find(member)) facts_.At(member) = facts;
    ++rebuilt_;
  }
  return Status::Ok();
}

Status FactsDigest::Update(Connection& c) {
  QY_ASSIGN_OR_RETURN(int64_t seq, TableEpoch(c, "profiles"));
  rebuilt_ = 0;
  if (seq_ >= 0 && seq == seq_) return Status::Ok();
  QY_RETURN_IF_ERROR(seq_ < 0 ? ReadAll(c) : ReadChanged(c));
  seq_ = seq;
  return Status::Ok();
}

}  // namespace qunying::storage

namespace qunying::storage {

void FactsDigest::Save(StateWriter& w) const {
  w.Put<int64_t>(seq_);
  w.Put<uint64_t>(facts_.size());
  facts_.ForEach([&](int64_t id, const Facts& facts) {
    w.Put<int64_t>(id);
    w.Put<uint64_t>(facts.size());
    for (const auto& [field, value] : facts) {
      w.PutBytes(field);
      w.PutBytes(value);
    }
  });
}

bool FactsDigest::Load(StateReader& r) {
  facts_.Clear();
  seq_ = -1;
  int64_t seq = -1;
  uint64_t n = 0;
  bool ok = r.Get(&seq) && r.GetCount(&n, 16);
  for (uint64_t i = 0; ok && i < n; ++i) {
    int64_t id = 0;
    uint64_t count = 0;
    ok = r.Get(&id) && !facts_.Find(id) && r.GetCount(&count, 16);
    if (!ok) break;
    Facts& facts = facts_.At(id);
    for (uint64_t j = 0; ok && j < count; ++j) {
      auto& [field, value] = facts.emplace_back();
      ok = r.GetBytes(&field) && r.GetBytes(&value);
    }
  }
  if (!ok || !r.ok()) {
    facts_.Clear();
    return false;
  }
  seq_ = seq;
  return true;
}

}  // namespace qunying::storage
