// Nickname normalisation for identity matching. Group nicknames get
// decorated — "A王小明妈妈", "王小明妈妈🌸", "王小明妈妈-北京",
// "王小明妈妈（三年级）", full-width letters — and all of these should
// meet "王小明妈妈", while "王小明爸爸" must not. Pure functions,
// thread-safe.
#ifndef QUNYING_COMMUNITY_NICKNAME_H_
#define QUNYING_COMMUNITY_NICKNAME_H_

#include <string>
#include <string_view>

namespace qunying::community {

// The matching key of a nickname:
//  - traditional characters become simplified (媽媽 → 妈妈, via OpenCC);
//  - full-width ASCII forms (Ａ１－（）) become half-width; ideographic
//    space becomes a space; ASCII letters are lower-cased;
//  - emoji, pictographs and decorative symbols (★☆♥~·|…) are removed;
//  - a bracketed tag — (…), （…）, […], 【…】, <…>, 「…」 — is removed
//    when something is left outside it;
//  - a tag after a separator (-, _, space, /, |, ·) is removed when the part
//    before it holds at least two Han characters ("王小明妈妈-北京");
//  - a sort prefix of ASCII letters or digits (≤ 3) directly before a Han
//    character is removed ("A王小明妈妈", "01王小明妈妈"), as is a leading
//    run of decorative symbols.
// Kinship words (妈妈, 爸爸, 奶奶 …) are kept: they tell people apart.
// Returns "" when nothing meaningful is left.
std::string NormalizeNickname(std::string_view nickname);

// What WeChat calls a user who shares no nickname: the name of thousands,
// so it identifies nobody. A member who signs in without a nickname gets
// it; nickname matching (rosters, order lists) never uses it.
inline constexpr std::string_view kPlaceholderNickname = "微信用户";

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_NICKNAME_H_
