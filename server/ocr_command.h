// `qunying ocr [--json] FILE...`: runs the check-in photo pipeline
// (preprocess, Tesseract under a deadline, hints) on local files in
// parallel, one Tesseract engine per worker thread. With --json, one JSON
// object per line in input order: {"file","text","hints":[…],"ms"}
// (plus "error" for a file that could not be read). A progress bar goes to
// standard error when it is a terminal.
#ifndef QUNYING_SERVER_OCR_COMMAND_H_
#define QUNYING_SERVER_OCR_COMMAND_H_

#include <string>
#include <vector>

namespace qunying::server {

struct OcrCommandOptions {
  std::vector<std::string> files;
  bool json = false;
  int workers = 2;
  int deadline_ms = 20000;
};

// Returns the process exit code: 0 when every file was read, 1 otherwise.
int RunOcrCommand(const OcrCommandOptions& options);

}  // namespace qunying::server

#endif  // QUNYING_SERVER_OCR_COMMAND_H_
