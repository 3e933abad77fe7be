// The model inputs a scored lead has (ForEachAttribute in points.h), said
// in words a sales rep reads: "最长连续打卡 9 天" rather than
// "longest_streak = 9". The model's explanations (GET /leads/{id}
// model_factors) are labelled with them. Imported leads' attributes have
// names of a CRM's choosing and no words here. Pure functions.
#ifndef QUNYING_SCORING_ATTRIBUTE_WORDS_H_
#define QUNYING_SCORING_ATTRIBUTE_WORDS_H_

#include <string>
#include <string_view>

namespace qunying::scoring {

// What the attribute is ("年级", "打卡完成率"); "" for a name that is not
// one of a scored lead's inputs.
std::string_view AttributeNoun(std::string_view name);

// The attribute with its value (as AttrText writes it; "" when missing):
// "年级：三年级", "打卡完成率 67%", "没有手机号", "城市未知". "" for a name
// that is not one of a scored lead's inputs.
std::string AttributeInWords(std::string_view name, std::string_view value);

}  // namespace qunying::scoring

#endif  // QUNYING_SCORING_ATTRIBUTE_WORDS_H_
