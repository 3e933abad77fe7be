// Probabilities from leads' stored model inputs (the text of
// EncodeAttributes), as after training, when every open lead is predicted
// again by the new model. StoredInputsEncoder writes a text's row of the
// schema's columns straight from its lines, the same row as
// schema.Encode({DecodeAttributes(text)}) without the map;
// PredictStoredInputs encodes and predicts in parts on several threads.
// The encoder is immutable after construction and thread-safe.
#ifndef QUNYING_SCORING_INPUTS_PREDICTOR_H_
#define QUNYING_SCORING_INPUTS_PREDICTOR_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "scoring/attributes.h"
#include "scoring/lead_inputs.h"
#include "scoring/trainer.h"

namespace qunying::scoring {

class StoredInputsEncoder {
 public:
  explicit StoredInputsEncoder(const FeatureSchema& schema);

  // Writes schema.size() floats to `row`.
  void Encode(std::string_view text, float* row) const;

 private:
  // The columns of one attribute, [begin, end): one number column, or a
  // categorical attribute's categories with "other" last.
  struct Run {
    std::string attribute;
    size_t begin = 0, end = 0;
    bool categorical = false;
  };
  // Writes a value of kind "n", "s" or other (missing) to `run`'s columns.
  void EncodeRun(const Run& run, std::string_view kind, std::string_view value,
                 float* row) const;

  FeatureSchema schema_;
  std::vector<Run> runs_;             // In column order.
  std::vector<size_t> by_attribute_;  // Indices into runs_, by attribute.
};

struct PredictInputsOptions {
  size_t threads = 1;         // Threads that encode and predict.
  size_t part_leads = 32768;  // Leads encoded and predicted at a time.
};

// P(won) for each of `inputs`, in order, by `model`.
[[nodiscard]] Result<std::vector<double>> PredictStoredInputs(
    const TrainedModel& model, const LeadInputs& inputs,
    const PredictInputsOptions& options = {});

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_INPUTS_PREDICTOR_H_
