// Scoring rules as JSON (GET/PUT /scoring/rules, and how they are stored),
// and leads as the API shows them.
#ifndef QUNYING_SERVER_SCORING_JSON_H_
#define QUNYING_SERVER_SCORING_JSON_H_

#include "scoring/lead_store.h"
#include "scoring/rules.h"
#include "server/router.h"

namespace qunying::server {

Json RulesToJson(const scoring::ScoringRules& rules);
// One assignment (`/leads/assign`, or an entry of the rules' auto_assign):
// {"rule","series","city","reps","count"}. Errors name the field under
// `at` ("auto_assign[0].count"; just "count" when `at` is empty).
Json AssignRequestToJson(const scoring::AssignRequest& a);
Result<scoring::AssignRequest> AssignRequestFromJson(const Json& j,
                                                     const std::string& at);
// Applies the keys present in `j` over `base` (a partial update); every
// type error and bad value names its field. The result is validated.
Result<scoring::ScoringRules> RulesFromJson(const Json& j,
                                            scoring::ScoringRules base);

// The contract's lead fields plus fit/engagement/intent, nickname, source
// and times; the phone, and any phone written in the nickname, masked
// unless `unmask`.
Json LeadJson(const scoring::Lead& lead, bool unmask);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_SCORING_JSON_H_
