#include "community/roster_xlsx.h"

#include <zip.h>

#include <memory>
#include <pugixml.hpp>

namespace qunying::community {
namespace {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

Status NotXlsx(const std::string& why) {
  return Status::UnsupportedMedia("not a readable XLSX workbook (" + why + ")");
}

// Reads one member of the archive, refusing what would inflate too far.
Result<std::string> ReadPart(zip_t* z, const std::string& name, size_t limit,
                             bool required) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, name.c_str(), 0, &st) != 0) {
    if (!required) return std::string();
    return NotXlsx("missing " + name);
  }
  if ((st.valid & ZIP_STAT_SIZE) && st.size > limit) {
    return Status::TooLarge(name + " inflates to more than " +
                            std::to_string(limit >> 20) + " MiB");
  }
  zip_file_t* f = zip_fopen(z, name.c_str(), 0);
  if (!f) return NotXlsx("cannot open " + name);
  std::string out;
  char buf[65536];
  for (;;) {
    zip_int64_t n = zip_fread(f, buf, sizeof buf);
    if (n < 0) {
      zip_fclose(f);
      return NotXlsx("corrupt " + name);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit) {
      zip_fclose(f);
      return Status::TooLarge(name + " inflates past its limit");
    }
  }
  zip_fclose(f);
  return out;
}

// "BC12" → column index 54 (0-based). -1 when malformed.
int ColumnOf(const char* ref) {
  int col = 0;
  bool any = false;
  for (; *ref >= 'A' && *ref <= 'Z'; ++ref) {
    col = col * 26 + (*ref - 'A' + 1);
    any = true;
    if (col > 16384) return -1;
  }
  return any ? col - 1 : -1;
}

// "x:c" → "c": workbooks may or may not prefix the spreadsheet namespace.
std::string_view LocalName(const pugi::xml_node& n) {
  std::string_view name = n.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string Text(const pugi::xml_node& n) {
  // <si><t>…</t></si> or rich text <si><r><t>…</t></r>…</si>.
  std::string s;
  for (auto t : n.select_nodes(".//*[local-name()='t']"))
    s += t.node().text().get();
  return s;
}

// The first worksheet's path from workbook.xml and its relationships.
std::string FirstSheetPath(zip_t* z, size_t limit) {
  auto wb = ReadPart(z, "xl/workbook.xml", limit, false);
  auto rels = ReadPart(z, "xl/_rels/workbook.xml.rels", limit, false);
  if (wb.ok() && rels.ok() && !wb->empty() && !rels->empty()) {
    pugi::xml_document w, r;
    if (w.load_buffer(wb->data(), wb->size()) &&
        r.load_buffer(rels->data(), rels->size())) {
      pugi::xml_node sheet = w.select_node("//*[local-name()='sheet']").node();
      std::string rid = sheet.attribute("r:id").value();
      for (auto rel : r.select_nodes("//*[local-name()='Relationship']")) {
        if (rid == rel.node().attribute("Id").value()) {
          std::string target = rel.node().attribute("Target").value();
          if (!target.empty() && target[0] == '/') return target.substr(1);
          return "xl/" + target;
        }
      }
    }
  }
  return "xl/worksheets/sheet1.xml";
}

}  // namespace

Result<std::vector<std::vector<std::string>>> ReadXlsxTable(
    std::string_view bytes, const XlsxLimits& limits) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src =
      zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (!src) return NotXlsx("cannot read the archive");
  ZipPtr z(zip_open_from_source(src, ZIP_RDONLY, &err));
  if (!z) {
    zip_source_free(src);
    zip_error_fini(&err);
    return NotXlsx("not a zip archive");
  }
  if (zip_get_num_entries(z.get(), 0) > 10000) return NotXlsx("too many parts");

  QY_ASSIGN_OR_RETURN(
      std::string shared_xml,
      ReadPart(z.get(), "xl/sharedStrings.xml", limits.max_part_bytes, false));
  std::vector<std::string> shared;
  if (!shared_xml.empty()) {
    pugi::xml_document doc;
    if (!doc.load_buffer(shared_xml.data(), shared_xml.size())) {
      return NotXlsx("broken shared strings");
    }
    for (auto si : doc.select_nodes("//*[local-name()='si']"))
      shared.push_back(Text(si.node()));
  }
  QY_ASSIGN_OR_RETURN(
      std::string sheet_xml,
      ReadPart(z.get(), FirstSheetPath(z.get(), limits.max_part_bytes),
               limits.max_part_bytes, true));
  pugi::xml_document sheet;
  if (!sheet.load_buffer(sheet_xml.data(), sheet_xml.size()))
    return NotXlsx("broken worksheet");

  std::vector<std::vector<std::string>> table;
  for (auto row_sel : sheet.select_nodes(
           "//*[local-name()='sheetData']/*[local-name()='row']")) {
    if (table.size() >= limits.table.max_rows) {
      return Status::InvalidArgument(
          "more than " + std::to_string(limits.table.max_rows) + " rows");
    }
    std::vector<std::string> row;
    int next_col = 0;
    for (auto c : row_sel.node().children()) {
      if (LocalName(c) != "c") continue;
      int col =
          c.attribute("r") ? ColumnOf(c.attribute("r").value()) : next_col;
      if (col < 0 || static_cast<size_t>(col) >= limits.table.max_columns) {
        return Status::InvalidArgument(
            "row " + std::to_string(table.size() + 1) +
            ": a cell beyond column " +
            std::to_string(limits.table.max_columns));
      }
      std::string type = c.attribute("t").value();
      std::string v;
      for (auto child : c.children()) {
        if (LocalName(child) == "v") v = child.text().get();
      }
      std::string value;
      if (type == "s") {
        size_t i = static_cast<size_t>(std::strtoul(v.c_str(), nullptr, 10));
        if (i >= shared.size())
          return NotXlsx("a cell points past the shared strings");
        value = shared[i];
      } else if (type == "inlineStr") {
        value = Text(c);
      } else {
        value = v;
      }
      if (value.size() > limits.table.max_field_bytes) {
        return Status::InvalidArgument(
            "row " + std::to_string(table.size() + 1) +
            ": a cell longer than " +
            std::to_string(limits.table.max_field_bytes) + " bytes");
      }
      if (static_cast<size_t>(col) >= row.size()) row.resize(col + 1);
      row[col] = std::move(value);
      next_col = col + 1;
    }
    bool blank = true;
    for (const auto& cell : row) blank = blank && cell.empty();
    if (!blank) table.push_back(std::move(row));
  }
  return table;
}

Result<std::vector<RosterRow>> ParseRosterXlsx(std::string_view bytes,
                                               const XlsxLimits& limits) {
  QY_ASSIGN_OR_RETURN(auto table, ReadXlsxTable(bytes, limits));
  return RosterFromTable(table);
}

}  // namespace qunying::community
