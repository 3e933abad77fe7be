#include "community/demo_community.h"

#include <algorithm>
#include <random>
#include <set>

#include "core/utf8.h"

namespace qunying::community {
namespace {

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄",
                                     "赵", "吴", "周", "徐", "孙", "马", "朱",
                                     "胡", "郭", "何", "林", "罗", "高"};
constexpr const char* kGiven[] = {
    "小明", "欣怡", "子涵", "梓萱", "浩然", "雨桐", "宇轩", "一诺",
    "思远", "可馨", "俊熙", "诗涵", "嘉怡", "博文", "晨曦", "若曦"};
constexpr const char* kRoles[] = {"妈妈", "爸爸", "妈妈", "妈妈", ""};
constexpr const char* kFreeNames[] = {
    "阳光总在风雨后", "静待花开", "Emma妈妈",   "Lily",   "向日葵",
    "岁月静好",       "Coco",     "快乐每一天", "小鱼儿", "安然"};
constexpr const char* kDecorations[] = {"🌸", "-北京", "（三年级）", "A"};
constexpr const char* kChannels[] = {"朋友圈", "公众号", "老学员推荐", "抖音",
                                     "社群裂变"};
constexpr const char* kPhonePrefixes[] = {"138", "139", "186", "135",
                                          "158", "177", "199", "150"};
constexpr const char* kReadingTexts[] = {
    "今天和孩子读了《小王子》第三章，孩子说最喜欢狐狸。",
    "坚持打卡第{d}天，孩子自己读完了绘本。",
    "今天读得有点慢，但孩子很认真，还做了读书笔记。",
    "孩子{grade}了，读《夏洛的网》很投入。",
    "打卡！今天一起读了十五分钟，讲了自己的想法。",
    "这期快结束了，想报下一期，请问什么时候开始？",
    "孩子今天在学校写了读后感，老师表扬了。",
};
constexpr const char* kEnglishTexts[] = {
    "Day {d}: read the dialogue aloud three times. 今天跟读很顺。",
    "今天练了自我介绍，孩子敢开口了。",
    "打卡，背了十个单词，发音还要加强。",
    "孩子{grade}，口语比以前流利多了。",
    "请问有没有一对一的外教课？多少钱？",
    "今天的 shadowing 练习完成，录了音。",
};

struct City {
  const char* city;
  const char* districts[2];
  const char* school;
};
constexpr City kCities[] = {
    {"北京", {"海淀区", "朝阳区"}, "中关村第一小学"},
    {"上海", {"浦东新区", "徐汇区"}, "建平实验小学"},
    {"杭州", {"西湖区", "滨江区"}, "学军小学"},
    {"成都", {"武侯区", "锦江区"}, "泡桐树小学"},
    {"广州", {"天河区", "越秀区"}, "华阳小学"},
    {"深圳", {"南山区", "福田区"}, "南山实验学校"},
};
constexpr const char* kGrades[] = {"一年级", "二年级", "三年级",
                                   "四年级", "五年级", "六年级"};
constexpr const char* kOccupations[] = {"护士", "小学老师", "工程师",
                                        "会计", "医生",     "律师"};
constexpr const char* kBooks[] = {"夏洛的网", "小王子", "窗边的小豆豆",
                                  "草房子", "西游记"};

// A page the member might photograph: a reading log, a worksheet header,
// or a parent's note. Built from the member's own (hidden) profile.
std::vector<std::string> PhotoLines(std::mt19937& rng, const DemoMember& m,
                                    int member_index, int day, bool reading) {
  std::uniform_int_distribution<int> pick(0, 99);
  const City& c = kCities[member_index % 6];
  const char* district = c.districts[member_index % 2];
  const char* grade = kGrades[member_index % 6];
  std::string child = std::string(kSurnames[member_index % 20]) +
                      kGiven[(member_index / 3) % 16];
  std::vector<std::string> lines;
  if (reading) {
    lines.push_back(std::string("《") + kBooks[day % 5] + "》读书笔记 第" +
                    std::to_string(day) + "天");
  } else {
    lines.push_back("English Speaking Day " + std::to_string(day));
  }
  int kind = pick(rng);
  if (kind < 45) {
    lines.push_back(std::string(c.city) + "市" + district + c.school);
    lines.push_back(std::string(grade) + "（" + std::to_string(1 + day % 4) +
                    "）班 " + child);
  } else if (kind < 70) {
    lines.push_back(std::string("姓名：") + child + "  " + grade);
    lines.push_back(std::string("今天读了") + std::to_string(10 + day) + "页");
  } else if (kind < 85 && !m.phone.empty()) {
    lines.push_back("家长签字：" + std::string(Utf8Prefix(m.nickname, 6)));
    lines.push_back("联系电话 " + m.phone);
  } else {
    lines.push_back(std::string("我是一名") + kOccupations[member_index % 6] +
                    "，下班后陪孩子读书");
    lines.push_back(std::string("坐标") + c.city + district);
  }
  return lines;
}

std::string Replace(std::string s, const std::string& from,
                    const std::string& to) {
  auto pos = s.find(from);
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

template <size_t N>
const char* Pick(std::mt19937& rng, const char* const (&arr)[N]) {
  return arr[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

// Member `b` as kDemoBuyer describes: no openid or unionid (in the
// rosters too), kDemoBuyerPhone (nobody else's), nothing done in the
// mini-program.
void MakeShopBuyer(DemoCommunity& c, int b) {
  DemoMember& m = c.members[b];
  for (auto& roster : c.rosters)
    for (auto& row : roster.rows)
      if (!m.unionid.empty() && row.unionid == m.unionid) row.unionid.clear();
  m.openid.clear();
  m.unionid.clear();
  for (auto& other : c.members)
    if (other.phone == kDemoBuyerPhone) other.phone.clear();
  m.phone = kDemoBuyerPhone;
  std::erase_if(c.checkins,
                [&](const DemoCheckin& k) { return k.member == b; });
  std::erase_if(c.events, [&](const DemoEvent& e) { return e.member == b; });
}

DemoMember MakeMember(std::mt19937& rng, int index) {
  std::uniform_real_distribution<double> u(0, 1);
  DemoMember m;
  m.openid = "demo-openid-" + std::to_string(index);
  if (u(rng) < 0.7) m.unionid = "demo-unionid-" + std::to_string(index);
  if (u(rng) < 0.4) m.wechat_id = "wx_demo_" + std::to_string(1000 + index);
  if (u(rng) < 0.6) {
    m.phone = Pick(rng, kPhonePrefixes);
    std::uniform_int_distribution<int> digit(0, 9);
    for (int i = 0; i < 8; ++i) m.phone += static_cast<char>('0' + digit(rng));
  }
  if (u(rng) < 0.05) {  // A few free-style names, some shared by two people.
    m.nickname = Pick(rng, kFreeNames);
  } else {  // Surname + given name unique per member, as in real groups.
    m.nickname = std::string(kSurnames[index % 20]) +
                 kGiven[(index / 20) % 16] + Pick(rng, kRoles);
  }
  m.nickname += index % 7 == 0 ? std::to_string(index) : "";
  if (u(rng) < 0.15) {  // Renamed or decorated in the mini-program.
    m.earlier_nicknames.push_back(m.nickname);
    std::string deco = Pick(rng, kDecorations);
    m.nickname =
        deco == std::string("A") ? "A" + m.nickname : m.nickname + deco;
  }
  return m;
}

int64_t DayStartMs(int64_t days) { return (days * 86400 - 8 * 3600) * 1000; }

void AddCheckins(std::mt19937& rng, DemoCommunity& c, const DemoEnrollment& e,
                 double diligence, int64_t today, double photo_share) {
  const DemoCampaign& camp = c.campaigns[e.campaign];
  bool reading = camp.theme == "亲子阅读";
  std::uniform_real_distribution<double> u(0, 1);
  for (int day = 1; day <= camp.days; ++day) {
    int64_t date = camp.starts_on + day - 1;
    if (date > today) break;
    double p = diligence * (1.0 - 0.015 * day);  // Fades over the campaign.
    if (u(rng) >= p) continue;
    DemoCheckin ck;
    ck.member = e.member;
    ck.campaign = e.campaign;
    ck.day = day;
    ck.makeup = u(rng) < 0.05 && date < today;
    std::string text =
        reading ? Pick(rng, kReadingTexts) : Pick(rng, kEnglishTexts);
    // The child's grade as the member's photos show it (PhotoLines).
    ck.text = Replace(Replace(text, "{d}", std::to_string(day)), "{grade}",
                      kGrades[e.member % 6]);
    ck.duration_s = std::uniform_int_distribution<int>(300, 2400)(rng);
    int64_t minute = std::uniform_int_distribution<int>(19 * 60, 22 * 60)(rng);
    ck.at_ms = DayStartMs(date + (ck.makeup ? 1 : 0)) + minute * 60000;
    // Time in the mini-program around the check-in: long at the start of a
    // campaign (~1,400 s a day), about half that by its end.
    double dwell_s =
        1400.0 * (1.0 - 0.5 * (day - 1) / std::max(1, camp.days - 1));
    int views = std::uniform_int_distribution<int>(2, 4)(rng);
    for (int v = 0; v < views; ++v) {
      c.events.push_back(
          {e.member, "page_view", v == 0 ? "/checkin" : "/content",
           static_cast<int64_t>(
               dwell_s * 1000 / views *
               std::uniform_real_distribution<double>(0.7, 1.3)(rng)),
           ck.at_ms - (views - v) * 60000});
    }
    if (u(rng) < photo_share) {
      ck.photo_lines =
          PhotoLines(rng, c.members[e.member], e.member, day, reading);
    }
    c.checkins.push_back(std::move(ck));
  }
}

// Who is in each group a few days after its campaign (or today): most of
// the enrolled, some under an old or decorated group nickname, a few gone,
// and a couple of look-alike strangers.
void AddRosters(std::mt19937& rng, DemoCommunity& c, int64_t today) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::vector<int>> members_of(c.groups.size());
  for (const auto& e : c.enrollments) members_of[e.group].push_back(e.member);
  // Standing groups gather the stayers of their theme's activity groups.
  for (size_t g = 0; g < c.groups.size(); ++g) {
    if (c.groups[g].campaign >= 0) continue;
    for (const auto& e : c.enrollments) {
      if (c.campaigns[e.campaign].theme == c.groups[g].theme && u(rng) < 0.5) {
        members_of[g].push_back(e.member);
      }
    }
  }
  for (size_t g = 0; g < c.groups.size(); ++g) {
    DemoRoster roster;
    roster.group = static_cast<int>(g);
    int64_t day = today;
    if (c.groups[g].campaign >= 0) {
      const auto& camp = c.campaigns[c.groups[g].campaign];
      day = std::min(today, camp.starts_on + camp.days + 3);
    }
    roster.as_of_ms = DayStartMs(day) + 12 * 3600 * 1000;
    std::sort(members_of[g].begin(), members_of[g].end());
    members_of[g].erase(std::unique(members_of[g].begin(), members_of[g].end()),
                        members_of[g].end());
    for (int m : members_of[g]) {
      double r = u(rng);
      if (r < 0.12) continue;  // Left the group.
      const DemoMember& dm = c.members[m];
      RosterRow row;
      // Renamed members still show their old name in the group.
      row.nickname =
          dm.earlier_nicknames.empty() ? dm.nickname : dm.earlier_nicknames[0];
      if (r > 0.92) row.nickname = std::string("★") + row.nickname;
      if (!dm.wechat_id.empty() && u(rng) < 0.3) row.wechat_id = dm.wechat_id;
      roster.rows.push_back(std::move(row));
    }
    roster.rows.push_back({kDemoTeacherNickname, kDemoTeacherWechatId, "", 0});
    for (int k = 0; k < 2 && !roster.rows.empty(); ++k) {  // Look-alikes.
      std::string nick = roster.rows[k].nickname;
      auto pos = nick.find("妈妈");
      if (pos != std::string::npos) {
        roster.rows.push_back({nick.replace(pos, 6, "爸爸"), "", "", 0});
      }
    }
    c.rosters.push_back(std::move(roster));
  }
}

struct Lesson {
  const char* title;
  const char* body;
};
// One a week of each campaign, by theme.
constexpr Lesson kReadingLessons[] = {
    {"第1周导读：怎样陪孩子读整本书",
     "每天 15 分钟，先让孩子猜封面，再一起读。读完问一个开放的问题。"},
    {"第2周：提问比讲解更重要",
     "读完一章，请孩子讲给你听；你只问“后来呢？”和“你觉得为什么？”"},
    {"第3周：做一张读书小报",
     "把喜欢的人物画下来，写三句话。周末在群里晒一晒。"},
};
constexpr Lesson kEnglishLessons[] = {
    {"Week 1：自我介绍的三个句型",
     "My name is … / I am … years old / I like …，每天跟读三遍并录音。"},
    {"Week 2：Shadowing 跟读方法",
     "先听一遍，再慢速跟读，最后和原音同时读。注意连读和停顿。"},
    {"Week 3：用英语讲一个小故事",
     "用 First, Then, Finally 讲今天发生的一件事，录 1 分钟语音。"},
};
// Posts to a whole series, in its standing group's members' feeds too.
constexpr Lesson kSeriesNotices[] = {
    {"下一期报名开启", "新一期下周一开营，老学员续报有优惠，详情看群公告。"},
    {"打卡规则与补卡说明",
     "每期有 3 次补卡机会：在打卡日历里点漏掉的那天即可补打。"},
};

struct FeedbackTemplate {
  const char* kind;
  const char* text;
  const char* reply;
};
constexpr FeedbackTemplate kFeedback[] = {
    {"question", "请问下一期什么时候开始？多少钱？",
     "下周一开营，老学员续报 8 折，报名链接已发群里～"},
    {"question", "孩子周末出去玩了，可以补卡吗？",
     "可以的，每期 3 次补卡，在打卡日历里点那天补打就行。"},
    {"question", "打卡时长是怎么算的？", "按你填写的学习时长，计入排行榜。"},
    {"bug", "上传照片一直转圈，发不出去。",
     "已修复，清一下小程序缓存再试试，还不行请私信我们。"},
    {"bug", "打卡日历上少显示了一天。", "谢谢反馈，已经修好了。"},
    {"suggestion", "希望能加一个每天晚上提醒打卡的功能。",
     "好建议，已经排进下个版本。"},
    {"suggestion", "排行榜能不能按周显示？", "收到，我们评估一下。"},
    {"question", "有没有适合二年级的英语课？",
     "有的，英语启蒙班下月开，群里会通知。"},
};

// Lessons in each campaign's group (one a week, while it has begun),
// notices to each series, who read them, and feedback: on their own
// random stream, so that the rest of the community stays as it was.
void AddEngagement(uint32_t seed, DemoCommunity& c,
                   const std::vector<double>& diligence, int64_t today) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  auto evening = [&](int64_t day) {  // 19:00-22:00 China time.
    return DayStartMs(day) +
           std::uniform_int_distribution<int64_t>(19 * 60, 22 * 60)(rng) *
               60000;
  };
  // Members of each campaign, and of each series.
  // (Not the shop buyer, who has not opened the mini-program.)
  std::vector<std::vector<int>> in_campaign(c.campaigns.size());
  for (const auto& e : c.enrollments) {
    if (e.member != kDemoBuyer) in_campaign[e.campaign].push_back(e.member);
  }
  for (size_t g = 0; g < c.groups.size(); ++g) {
    int k = c.groups[g].campaign;
    if (k < 0) continue;
    const DemoCampaign& camp = c.campaigns[k];
    const Lesson* lessons =
        camp.theme == "亲子阅读" ? kReadingLessons : kEnglishLessons;
    for (int week = 0; week < 3 && week * 7 < camp.days; ++week) {
      int64_t day = camp.starts_on + week * 7 - 1;  // The evening before.
      if (day >= today) break;
      c.contents.push_back({lessons[week].title, lessons[week].body,
                            static_cast<int>(g), "",
                            DayStartMs(day) + 20 * 3600 * 1000});
      int content = static_cast<int>(c.contents.size()) - 1;
      for (int m : in_campaign[k]) {
        if (u(rng) >= 0.8 * diligence[m]) continue;
        // Read on one of the next three evenings (it went out at 20:00).
        int64_t at = day + std::uniform_int_distribution<int>(1, 3)(rng);
        if (at < today) c.reads.push_back({m, content, evening(at)});
      }
    }
  }
  std::set<std::string> series;
  for (const auto& k : c.campaigns) series.insert(k.series);
  int notice = 0;
  for (const std::string& s : series) {
    const Lesson& n = kSeriesNotices[notice++ % 2];
    int64_t day = today - 6 - 2 * notice;
    c.contents.push_back(
        {n.title, n.body, -1, s, DayStartMs(day) + 12 * 3600 * 1000});
    int content = static_cast<int>(c.contents.size()) - 1;
    std::set<int> members;
    for (size_t k = 0; k < c.campaigns.size(); ++k) {
      if (c.campaigns[k].series != s) continue;
      members.insert(in_campaign[k].begin(), in_campaign[k].end());
    }
    for (int m : members) {
      if (u(rng) < 0.5 * diligence[m])
        c.reads.push_back(
            {m, content,
             evening(day + std::uniform_int_distribution<int>(0, 4)(rng))});
    }
  }
  // Feedback, one a day over the last 24 days, from members who check in;
  // the last three days' still open, and a few older ones.
  std::vector<int> active;
  for (const auto& k : c.checkins) active.push_back(k.member);
  std::sort(active.begin(), active.end());
  active.erase(std::unique(active.begin(), active.end()), active.end());
  if (active.empty()) return;
  for (int i = 0; i < 24; ++i) {
    const FeedbackTemplate& f = kFeedback[i % std::size(kFeedback)];
    int m = active[std::uniform_int_distribution<size_t>(
        0, active.size() - 1)(rng)];
    int64_t day = today - 24 + i;
    DemoFeedback fb{m, f.kind, f.text, evening(day), "", 0, false};
    if (day < today - 3 && u(rng) < 0.85) {
      fb.reply = f.reply;
      // Answered within 10 minutes to 6 hours.
      fb.reply_at_ms =
          fb.at_ms +
          std::uniform_int_distribution<int64_t>(10, 360)(rng) * 60000;
      fb.closed = u(rng) < 0.5;
    }
    c.feedback.push_back(std::move(fb));
  }
}

}  // namespace

DemoCommunity GenerateDemoCommunity(const DemoOptions& options) {
  std::mt19937 rng(options.seed);
  std::uniform_real_distribution<double> u(0, 1);
  const int64_t t = options.today;
  DemoCommunity c;
  c.campaigns = {
      {"亲子阅读21天 第1期", "亲子阅读", "亲子阅读21天", t - 58, 21, 9900},
      {"亲子阅读21天 第2期", "亲子阅读", "亲子阅读21天", t - 30, 21, 9900},
      {"英语口语打卡 第1期", "英语口语", "英语口语打卡", t - 50, 14, 19900},
      {"英语口语打卡 第2期", "英语口语", "英语口语打卡", t - 14, 21, 19900},
  };
  for (int i = 0; i < 4; ++i) {
    const auto& camp = c.campaigns[i];
    c.groups.push_back({camp.name + " 打卡群", camp.theme, camp.series, i});
  }
  c.groups.push_back({"亲子阅读交流群", "亲子阅读", "亲子阅读21天", -1});
  c.groups.push_back({"英语学习长期群", "英语口语", "英语口语打卡", -1});

  std::vector<double> diligence;
  for (int i = 0; i < options.members; ++i) {
    c.members.push_back(MakeMember(rng, i));
    diligence.push_back(0.35 + 0.6 * u(rng));
  }
  auto enroll = [&](int member, int campaign) {
    const auto& camp = c.campaigns[campaign];
    DemoEnrollment e{member,
                     campaign,
                     campaign,
                     camp.price_fen,
                     Pick(rng, kChannels),
                     DayStartMs(camp.starts_on - 3)};
    if (u(rng) < 0.1) e.paid_fen = camp.price_fen / 2;  // Coupon.
    c.enrollments.push_back(e);
    AddCheckins(rng, c, e, diligence[member], t, options.photo_share);
  };
  // Reading: members 0..139 in period 1; the diligent half of them renew,
  // plus newcomers 140..179. English: 120..229 in period 1, 230..299 new.
  for (int m = 0; m < std::min(140, options.members); ++m) enroll(m, 0);
  for (int m = 0; m < std::min(140, options.members); ++m) {
    if (u(rng) < diligence[m] * 0.6) enroll(m, 1);
  }
  for (int m = 140; m < std::min(180, options.members); ++m) enroll(m, 1);
  for (int m = 120; m < std::min(230, options.members); ++m) enroll(m, 2);
  for (int m = 120; m < std::min(230, options.members); ++m) {
    if (u(rng) < diligence[m] * 0.7) enroll(m, 3);
  }
  for (int m = 230; m < options.members; ++m) enroll(m, 3);
  if (kDemoParticipant < options.members) {
    const int running = 3;
    bool enrolled = std::any_of(
        c.enrollments.begin(), c.enrollments.end(), [&](const auto& e) {
          return e.member == kDemoParticipant && e.campaign == running;
        });
    if (!enrolled) enroll(kDemoParticipant, running);
    // Today's check-in is the visitor's to make.
    const int today_day =
        static_cast<int>(t - c.campaigns[running].starts_on + 1);
    std::erase_if(c.checkins, [&](const DemoCheckin& k) {
      return k.member == kDemoParticipant && k.campaign == running &&
             k.day == today_day;
    });
  }
  AddRosters(rng, c, t);
  if (kDemoBuyer < options.members && kDemoBuyer != kDemoParticipant)
    MakeShopBuyer(c, kDemoBuyer);
  AddEngagement(options.seed + 1, c, diligence, t);
  return c;
}

}  // namespace qunying::community
