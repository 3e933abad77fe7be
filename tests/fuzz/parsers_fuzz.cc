// Fuzz target for the parsers that read untrusted input: roster and
// enrollment CSV (with charset and delimiter detection), amounts in yuan and
// phones as exports write them, JSON request bodies, RFC 3339 times,
// nicknames, and image headers, scoring rules and intent phrases, the
// stored forms of lead attributes, factors, model schemas and calibration,
// and the phones masked in free text (whose invariants it checks).
// Built as a libFuzzer target with clang (-DQUNYING_FUZZ=ON), and as a
// replay driver run by ctest otherwise.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "community/enrollment_csv.h"
#include "community/nickname.h"
#include "community/roster_csv.h"
#include "community/roster_xlsx.h"
#include "core/phone.h"
#include "core/time_util.h"
#include "ocr/image_sniff.h"
#include "scoring/lead_engine.h"
#include "scoring/points.h"
#include "server/json_body.h"
#include "server/scoring_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto rows = qunying::community::ParseRosterCsv(in);
  if (rows.ok()) {
    for (const auto& r : *rows)
      (void)qunying::community::NormalizeNickname(r.nickname);
  }
  (void)qunying::community::ParseEnrollmentCsv(in);
  (void)qunying::community::YuanToFen(in);
  (void)qunying::community::PhoneFromCell(in);
  (void)qunying::community::ParseRosterXlsx(in);
  auto json = qunying::server::ParseJsonObject(in);
  if (json.ok())
    (void)qunying::server::RulesFromJson(
        *json, qunying::scoring::ScoringRules::Defaults());
  std::string text(in);
  (void)qunying::scoring::DecodeAttributes(text);
  (void)qunying::scoring::DecodeFactors(text);
  (void)qunying::scoring::FeatureSchema::Parse(text);
  (void)qunying::scoring::DecodeCalibration(text);
  // The input as a check-in text against the shipped phrases, and its
  // first bytes as a phrase (wildcards included) against itself.
  static const auto kDict = qunying::scoring::DefaultIntentPhrases();
  (void)qunying::scoring::FindIntent({text}, kDict);
  std::string phrase = text.substr(0, 12);
  if (!phrase.empty() && phrase != "*")
    (void)qunying::scoring::FindIntent({text}, {{phrase, 1}});
  (void)qunying::ParseRfc3339(in);
  (void)qunying::community::ParseRosterTime(in);
  (void)qunying::ocr::SniffImage(in);
  (void)qunying::community::NormalizeNickname(in);
  // Masking only turns digits into '*', and masking again changes nothing.
  std::string masked = qunying::MaskMobilesInText(in);
  if (masked.size() != in.size()) __builtin_trap();
  for (size_t i = 0; i < in.size(); ++i) {
    if (masked[i] != in[i] &&
        !(masked[i] == '*' && in[i] >= '0' && in[i] <= '9'))
      __builtin_trap();
  }
  if (qunying::MaskMobilesInText(masked) != masked) __builtin_trap();
  return 0;
}
