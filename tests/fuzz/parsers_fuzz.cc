// Fuzz target for the parsers that read untrusted input: roster CSV (with
// charset detection), JSON request bodies, RFC 3339 times, nicknames, and
// image headers. Built as a libFuzzer target with clang
// (-DQUNYING_FUZZ=ON), and as a replay driver run by ctest otherwise.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "community/nickname.h"
#include "community/roster_csv.h"
#include "community/roster_xlsx.h"
#include "core/time_util.h"
#include "ocr/image_sniff.h"
#include "server/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto rows = qunying::community::ParseRosterCsv(in);
  if (rows.ok()) {
    for (const auto& r : *rows)
      (void)qunying::community::NormalizeNickname(r.nickname);
  }
  (void)qunying::community::ParseRosterXlsx(in);
  (void)qunying::server::ParseJsonObject(in);
  (void)qunying::ParseRfc3339(in);
  (void)qunying::community::ParseRosterTime(in);
  (void)qunying::ocr::SniffImage(in);
  (void)qunying::community::NormalizeNickname(in);
  return 0;
}
