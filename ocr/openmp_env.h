// Debian's Tesseract runs its recogniser under OpenMP, which starts
// threads of its own per image: one Tesseract engine per worker thread is
// about 5x faster with OpenMP held to one thread (docs/ocr.md). libgomp
// reads OMP_THREAD_LIMIT once, when the program is loaded, so setting it
// from main() is too late: the program has to start again with it set.
#ifndef QUNYING_OCR_OPENMP_ENV_H_
#define QUNYING_OCR_OPENMP_ENV_H_

namespace qunying::ocr {

// If OMP_THREAD_LIMIT is unset, sets it to 1 and re-executes this program
// (/proc/self/exe) with the same arguments; returns only if it was already
// set, or if the re-execution failed (then OCR runs, slower). Call first
// thing in main(), before any thread starts.
void ReexecWithSingleThreadedOpenMp(char** argv);

}  // namespace qunying::ocr

#endif  // QUNYING_OCR_OPENMP_ENV_H_
