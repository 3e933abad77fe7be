#include "scoring/inputs_predictor.h"

#include <algorithm>
#include <atomic>

#include "core/parallel.h"

namespace qunying::scoring {
StoredInputsEncoder::StoredInputsEncoder(const FeatureSchema& schema)
    : schema_(schema) {
  // The same runs as FeatureSchema::Encode walks.
  const auto& columns = schema_.columns();
  for (size_t i = 0; i < columns.size();) {
    Run run{columns[i].attribute, i, i + 1, columns[i].categorical};
    if (run.categorical) {
      while (run.end < columns.size() &&
             columns[run.end].attribute == run.attribute)
        ++run.end;
    }
    i = run.end;
    runs_.push_back(std::move(run));
  }
  by_attribute_.resize(runs_.size());
  for (size_t i = 0; i < runs_.size(); ++i) by_attribute_[i] = i;
  std::stable_sort(by_attribute_.begin(), by_attribute_.end(),
                   [&](size_t a, size_t b) {
                     return runs_[a].attribute < runs_[b].attribute;
                   });
}

void StoredInputsEncoder::Encode(std::string_view text, float* row) const {
  std::fill(row, row + schema_.size(), kMissingValue);
  EscapedLineReader lines(text, 3);
  // A later line of the same name replaces an earlier one, as in the map
  // DecodeAttributes builds: each line writes all of its runs' columns.
  while (lines.Next()) {
    std::string_view name = lines.field(0);
    auto it = std::lower_bound(
        by_attribute_.begin(), by_attribute_.end(), name,
        [&](size_t r, std::string_view n) { return runs_[r].attribute < n; });
    for (; it != by_attribute_.end() && runs_[*it].attribute == name; ++it)
      EncodeRun(runs_[*it], lines.field(1), lines.field(2), row);
  }
}

void StoredInputsEncoder::EncodeRun(const Run& run, std::string_view kind,
                                    std::string_view value, float* row) const {
  const bool number = kind == "n";
  const bool text = kind == "s";
  if (!run.categorical) {
    double v = 0;
    if (number)
      row[run.begin] = static_cast<float>(ReadNumber(value));
    else if (text && ParseNumber(value, &v))
      row[run.begin] = static_cast<float>(v);
    else
      row[run.begin] = kMissingValue;
    return;
  }
  if (!number && !text) {
    std::fill(row + run.begin, row + run.end, kMissingValue);
    return;
  }
  // A number in a categorical column is read as its text (AttrText).
  std::string as_text;
  if (number) {
    as_text = AttrText(ReadNumber(value));
    value = as_text;
  }
  schema_.EncodeCategory(run.begin, run.end, value, row);
}

Result<std::vector<double>> PredictStoredInputs(
    const TrainedModel& model, const LeadInputs& inputs,
    const PredictInputsOptions& options) {
  if (!model.model) return Status::Internal("no model to predict with");
  const size_t n = inputs.size();
  std::vector<double> out(n);
  const size_t per_part = std::max<size_t>(1, options.part_leads);
  const size_t parts = (n + per_part - 1) / per_part;
  const size_t threads = std::max<size_t>(1, std::min(options.threads, parts));
  const StoredInputsEncoder encoder(model.schema);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  QY_RETURN_IF_ERROR(RunOnThreads(threads, [&](size_t) -> Status {
    Matrix x;
    x.cols = model.schema.size();
    for (size_t p; !failed && (p = next.fetch_add(1)) < parts;) {
      const size_t begin = p * per_part;
      const size_t end = std::min(n, begin + per_part);
      x.rows = end - begin;
      x.data.resize(x.rows * x.cols);
      for (size_t i = begin; i < end; ++i)
        encoder.Encode(inputs.inputs(i), x.data.data() + (i - begin) * x.cols);
      Result<std::vector<double>> p_won = model.model->Predict(x);
      if (!p_won.ok()) {
        failed = true;  // The other threads stop after their part.
        return p_won.status();
      }
      std::copy(p_won->begin(), p_won->end(),
                out.begin() + static_cast<std::ptrdiff_t>(begin));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace qunying::scoring
