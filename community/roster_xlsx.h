// Group roster exports as XLSX (the first worksheet), read with libzip and
// pugixml. Guards against zip bombs by the uncompressed sizes the archive
// declares and by what is actually inflated. Pure functions, thread-safe.
#ifndef QUNYING_COMMUNITY_ROSTER_XLSX_H_
#define QUNYING_COMMUNITY_ROSTER_XLSX_H_

#include <string>
#include <string_view>
#include <vector>

#include "community/identity.h"
#include "community/roster_csv.h"
#include "core/result.h"

namespace qunying::community {

struct XlsxLimits {
  size_t max_part_bytes = 64u << 20;  // One XML part, uncompressed.
  CsvLimits table;                    // Rows, columns, field sizes.
};

// The cells of the first worksheet, row by row (empty cells as ""),
// shared strings and inline strings resolved, numbers as written.
// UnsupportedMedia for something that is not an XLSX workbook;
// TooLarge past the limits.
Result<std::vector<std::vector<std::string>>> ReadXlsxTable(
    std::string_view bytes, const XlsxLimits& limits = {});

Result<std::vector<RosterRow>> ParseRosterXlsx(std::string_view bytes,
                                               const XlsxLimits& limits = {});

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_ROSTER_XLSX_H_
