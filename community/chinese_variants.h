// Traditional → simplified Chinese, character by character, so that
// "王小明媽媽" meets "王小明妈妈". Built once from OpenCC's t2s tables
// (Debian's libopencc, data in /usr/share/opencc) into a flat array over
// the CJK Unified Ideographs block; after that a lookup is one load.
// Thread-safe (the table is built under a function-local static).
#ifndef QUNYING_COMMUNITY_CHINESE_VARIANTS_H_
#define QUNYING_COMMUNITY_CHINESE_VARIANTS_H_

namespace qunying::community {

// The simplified form of a Han character, or `c` itself when it has none
// (or when OpenCC's data is missing).
char32_t ToSimplified(char32_t c);

// Whether the conversion table was loaded (false: OpenCC data missing).
bool SimplifiedTableLoaded();

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_CHINESE_VARIANTS_H_
