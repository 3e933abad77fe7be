#include "ocr/photo_generator.h"

#include <algorithm>
#include <random>

#include "core/utf8.h"
#include "ocr/gazetteer.h"

namespace qunying::ocr {
namespace {

using Rng = std::mt19937;

template <typename T, size_t N>
const T& Pick(const T (&items)[N], Rng& rng) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

int Uniform(Rng& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

bool Chance(Rng& rng, double p) {
  return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨",
                                     "赵", "黄", "周", "吴", "徐", "孙"};
constexpr const char* kGiven[] = {"子涵", "一诺", "欣怡", "浩然", "梓萱",
                                  "宇轩", "思远", "雨桐", "俊杰", "可馨"};
constexpr const char* kSchoolPrefixes[] = {"建平", "明德", "育英", "崇文",
                                           "启智", "新华", "红星", "春晖",
                                           "博文", "致远", "求真", "育才"};
constexpr const char* kHanNumbers[] = {"一", "二", "三", "四", "五",
                                       "六", "七", "八", "九"};
constexpr const char* kPrimary[] = {"一年级", "二年级", "三年级",
                                    "四年级", "五年级", "六年级"};
constexpr const char* kKindergarten[] = {"小班", "中班", "大班"};
constexpr const char* kOccupations[] = {"护士", "医生",   "工程师", "会计",
                                        "律师", "设计师", "程序员", "公务员"};
constexpr const char* kCompanies[] = {
    "华信科技有限公司", "瑞金医院",    "招商银行", "中天律师事务所",
    "远景智能有限公司", "协和医院",    "工商银行", "立信会计师事务所",
    "东方航空有限公司", "第一人民医院"};
constexpr const char* kMobilePrefixes[] = {"138", "139", "137", "150", "158",
                                           "186", "188", "135", "177", "199"};
constexpr const char* kFillers[] = {
    "今天读了《西游记》二十分钟",
    "坚持打卡，继续加油！",
    "今天的单词都背会了",
    "I read for 20 minutes today.",
    "Today we learned ten new words.",
    "孩子很喜欢这本书",
};

// A child at a school: the school type decides the grade's range.
struct Child {
  std::string name, school, grade_written, grade;
};

Child MakeChild(Rng& rng) {
  Child c;
  c.name = std::string(Pick(kSurnames, rng)) + Pick(kGiven, rng);
  std::string prefix = Pick(kSchoolPrefixes, rng);
  int kind = Uniform(rng, 0, 9);
  if (kind < 6) {  // Primary school; the grade written three ways.
    c.school = prefix + (Chance(rng, 0.5) ? "实验小学" : "小学");
    int n = Uniform(rng, 1, 6);
    c.grade = kPrimary[n - 1];
    int style = Uniform(rng, 0, 2);
    c.grade_written = style == 0   ? c.grade
                      : style == 1 ? std::to_string(n) + "年级"
                                   : "Grade " + std::to_string(n);
  } else if (kind < 8) {  // Middle school: 初二 or 八年级.
    c.school = prefix + "中学";
    int n = Uniform(rng, 1, 3);
    c.grade = std::string("初") + kHanNumbers[n - 1];
    c.grade_written =
        Chance(rng, 0.5) ? c.grade : std::string(kHanNumbers[n + 5]) + "年级";
  } else {
    c.school = prefix + "幼儿园";
    c.grade = Pick(kKindergarten, rng);
    c.grade_written = c.grade;
  }
  return c;
}

std::string MakePhone(Rng& rng, std::string* written) {
  std::string d = Pick(kMobilePrefixes, rng);
  for (int i = 0; i < 8; ++i) d += static_cast<char>('0' + Uniform(rng, 0, 9));
  int style = Uniform(rng, 0, 2);
  *written = style == 0 ? d
             : style == 1
                 ? d.substr(0, 3) + " " + d.substr(3, 4) + " " + d.substr(7)
                 : d.substr(0, 3) + "-" + d.substr(3, 4) + "-" + d.substr(7);
  return d;
}

// The lines of one photo and the hints they state.
void Compose(Rng& rng, GeneratedPhoto& p) {
  const auto& cities = Gazetteer::Default().cities();
  std::vector<const GazetteerCity*> big;
  for (const auto& c : cities) {
    if (!c.districts.empty()) big.push_back(&c);
  }
  const GazetteerCity& city = *big[Uniform(rng, 0, big.size() - 1)];
  std::string district =
      city.districts[Uniform(rng, 0, city.districts.size() - 1)];
  Child child = MakeChild(rng);
  auto say = [&](std::string line, std::vector<TruthHint> hints) {
    p.lines.push_back(std::move(line));
    for (auto& h : hints) p.hints.push_back(std::move(h));
  };
  p.lines.push_back(
      Chance(rng, 0.5)
          ? "阅读打卡 第" + std::to_string(Uniform(rng, 1, 21)) + "天"
          : "Day " + std::to_string(Uniform(rng, 1, 21)) + " check-in");
  // Two to four facts, in a random order, with one filler line.
  std::vector<int> facts = {0, 1, 2, 3, 4, 5};
  std::shuffle(facts.begin(), facts.end(), rng);
  facts.resize(Uniform(rng, 2, 4));
  for (int f : facts) {
    switch (f) {
      case 0:
        say(child.grade_written + "（" + std::to_string(Uniform(rng, 1, 9)) +
                "）班 " + child.name,
            {{"grade", child.grade}});
        break;
      case 1:
        if (Chance(rng, 0.5)) {
          say(city.name + "市" + district + child.school,
              {{"city", city.name},
               {"district", district},
               {"school", child.school}});
        } else {
          say("学校：" + child.school, {{"school", child.school}});
        }
        break;
      case 2:
        if (Chance(rng, 0.5)) {
          say("坐标：" + city.name + "市" + district,
              {{"city", city.name}, {"district", district}});
        } else {
          say("我们住在" + city.name + district,
              {{"city", city.name}, {"district", district}});
        }
        break;
      case 3: {
        std::string written;
        std::string phone = MakePhone(rng, &written);
        say("家长电话：" + written, {{"phone", phone}});
        break;
      }
      case 4: {
        std::string occ = Pick(kOccupations, rng);
        std::string company = Pick(kCompanies, rng);
        if (Chance(rng, 0.5)) {
          say("我是一名" + occ + "，在" + company + "工作",
              {{"occupation", occ}, {"company", company}});
        } else {
          say("妈妈的职业是" + occ, {{"occupation", occ}});
        }
        break;
      }
      case 5: {
        int age = Uniform(rng, 4, 14);
        say("孩子今年" + std::to_string(age) + "岁了",
            {{"age", std::to_string(age)}});
        break;
      }
    }
  }
  p.lines.insert(p.lines.begin() + Uniform(rng, 1, p.lines.size()),
                 Pick(kFillers, rng));
}

struct FontChoice {
  const char* path;
  int index;
};
constexpr FontChoice kNotoSans = {
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2};
constexpr FontChoice kNotoSerif = {
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2};
constexpr FontChoice kWqy = {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                             0};
constexpr FontChoice kUkai = {"/usr/share/fonts/truetype/arphic/ukai.ttc", 0};
constexpr FontChoice kMediumFonts[] = {kNotoSerif, kWqy, kUkai};

RenderOptions Style(Difficulty level, Rng& rng) {
  RenderOptions o;
  o.seed = static_cast<uint32_t>(rng());
  auto signed_deg = [&](double max) {
    return std::uniform_real_distribution<double>(-max, max)(rng);
  };
  FontChoice font = kNotoSans;
  switch (level) {
    case Difficulty::kEasy:
      o.glyph_px = Uniform(rng, 40, 46);
      o.paper = Chance(rng, 0.5) ? Paper::kPlain : Paper::kRuled;
      o.rotation_deg = signed_deg(1.5);
      o.noise_sigma = 3;
      o.jpeg_quality = 90;
      font = Chance(rng, 0.5) ? kNotoSans : kWqy;
      break;
    case Difficulty::kMedium:
      o.glyph_px = Uniform(rng, 32, 38);
      o.paper = Chance(rng, 0.5) ? Paper::kRuled : Paper::kSquared;
      o.blue_ink = Chance(rng, 0.5);
      o.rotation_deg = signed_deg(5);
      o.perspective = 0.04;
      o.shadow = true;
      o.noise_sigma = 8;
      o.blur_sigma = 0.7;
      o.jpeg_quality = 70;
      font = Pick(kMediumFonts, rng);
      break;
    case Difficulty::kHard:
      o.glyph_px = Uniform(rng, 24, 28);
      o.paper = Paper::kSquared;
      o.blue_ink = true;
      o.rotation_deg = signed_deg(10);
      o.perspective = 0.08;
      o.shadow = true;
      o.noise_sigma = 14;
      o.blur_sigma = 1.1;
      o.jpeg_quality = 50;
      font = kUkai;
      break;
  }
  o.font_path = font.path;
  o.font_index = font.index;
  return o;
}

}  // namespace

const char* DifficultyName(Difficulty d) {
  switch (d) {
    case Difficulty::kEasy:
      return "easy";
    case Difficulty::kMedium:
      return "medium";
    case Difficulty::kHard:
      return "hard";
  }
  return "?";
}

Result<GeneratedPhoto> GeneratePhoto(Difficulty level, uint32_t seed) {
  Rng rng(seed * 3 + static_cast<uint32_t>(level));
  GeneratedPhoto p;
  p.level = level;
  Compose(rng, p);
  p.render = Style(level, rng);
  // Wide enough for the longest line (Latin letters are about half a Han
  // glyph), at a phone's 3:4.
  size_t longest = 0;
  for (const auto& line : p.lines) {
    size_t units = 0;
    for (size_t i = 0; i < line.size();) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      units += c < 0x80 ? 1 : 2;
      i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    }
    longest = std::max(longest, units);
  }
  int text_px = static_cast<int>(longest * p.render.glyph_px / 2 * 1.1);
  p.render.width = std::max(960, text_px + 2 * (960 / 8));
  p.render.height = p.render.width * 4 / 3;
  QY_ASSIGN_OR_RETURN(p.jpeg, RenderPhotoJpeg(p.lines, p.render));
  return p;
}

}  // namespace qunying::ocr
