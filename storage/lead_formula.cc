#include "storage/lead_formula.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace qunying::storage {

const char kDropPoolIndex[] = "DROP INDEX IF EXISTS leads_pool";

std::string SqlReal(double x) {
  if (x == 0) return "0.0";
  // x = m / 2^k with an odd integer m below 2^53.
  int exp = 0;
  double frac = std::frexp(std::fabs(x), &exp);  // |x| = frac · 2^exp.
  auto m = static_cast<int64_t>(std::ldexp(frac, 53));
  int k = 53 - exp;
  while (k > 0 && m % 2 == 0) m /= 2, --k;
  std::string out = x < 0 ? "(-" : "(";
  if (k <= 0) {
    if (k < -9) {  // Beyond any weight or bound; not exact, but close.
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", x);
      return buf;
    }
    return out + std::to_string(m << -k) + " * 1.0)";
  }
  out += std::to_string(m) + " * 1.0";
  for (; k > 0; k -= 62) {  // 2^62 is the largest power an int64 holds.
    out += " / " + std::to_string(int64_t{1} << std::min(k, 62));
  }
  return out + ")";
}

std::string ScoreSql(const scoring::ScoreFormula& f, std::string_view table) {
  const std::string t(table);
  const double wsum = f.weight_fit + f.weight_engagement + f.weight_intent;
  // ScoreFormula::Total, step for step: ((wf·fit + we·eng) + wi·intent) /
  // Σw, clamped, then floor(10x + 0.5) / 10 (CAST truncates; x ≥ 0).
  return "(CASE WHEN " + t + "source = 'import' THEN " + t +
         "import_score ELSE CAST(max(0.0, min(100.0, (" +
         SqlReal(f.weight_fit) + " * " + t + "fit + " +
         SqlReal(f.weight_engagement) + " * " + t + "engagement + " +
         SqlReal(f.weight_intent) + " * " + t + "intent) / " + SqlReal(wsum) +
         ")) * 10 + 0.5 AS INTEGER) / 10.0 END)";
}

std::string PoolOrderSql(const scoring::ScoreFormula& f,
                         std::string_view table) {
  return ScoreSql(f, table) + " DESC, " + std::string(table) + "id";
}

std::string CreatePoolIndexSql(const scoring::ScoreFormula& f) {
  return "CREATE INDEX IF NOT EXISTS leads_pool ON leads (status, owner_id, " +
         PoolOrderSql(f, "") + ")";
}

Result<std::optional<scoring::ScoreFormula>> ReadFormula(Connection& c) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("SELECT weight_fit, weight_engagement, weight_intent, tier_a,"
                " tier_b, level_1, level_2 FROM lead_formula WHERE id = 1"));
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<scoring::ScoreFormula>();
  scoring::ScoreFormula f;
  f.weight_fit = st->Double(0);
  f.weight_engagement = st->Double(1);
  f.weight_intent = st->Double(2);
  f.tier_a = st->Double(3);
  f.tier_b = st->Double(4);
  f.level_1 = st->Double(5);
  f.level_2 = st->Double(6);
  st->Reset();
  return std::optional<scoring::ScoreFormula>(f);
}

Status SaveFormula(Connection& c, const scoring::ScoreFormula& f) {
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      c.Prepare("INSERT OR REPLACE INTO lead_formula (id, weight_fit,"
                " weight_engagement, weight_intent, tier_a, tier_b, level_1,"
                " level_2) VALUES (1, ?, ?, ?, ?, ?, ?, ?)"));
  st->Bind(1, f.weight_fit).Bind(2, f.weight_engagement);
  st->Bind(3, f.weight_intent).Bind(4, f.tier_a).Bind(5, f.tier_b);
  return st->Bind(6, f.level_1).Bind(7, f.level_2).Run();
}

Status EnsurePoolIndex(Connection& c) {
  QY_ASSIGN_OR_RETURN(auto stored, ReadFormula(c));
  if (!stored) {
    stored = scoring::ScoreFormula::Of(scoring::ScoringRules::Defaults());
    QY_RETURN_IF_ERROR(SaveFormula(c, *stored));
  }
  return c.Exec(CreatePoolIndexSql(*stored));
}

}  // namespace qunying::storage
