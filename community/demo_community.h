// A believable demo community, generated deterministically from a seed: two
// series of campaigns, their activity groups and two standing groups, ~300
// members with Chinese nicknames (some renamed), enrollments and 60 days of
// check-ins, lessons the operators published and members read, and
// feedback, some of it answered. Pure data: storage/demo_loader.h and
// server/demo.cc write it. Thread-safe (no shared state).
#ifndef QUNYING_COMMUNITY_DEMO_COMMUNITY_H_
#define QUNYING_COMMUNITY_DEMO_COMMUNITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "community/identity.h"

namespace qunying::community {

struct DemoCampaign {
  std::string name, theme, series;
  int64_t starts_on = 0;  // Days since the epoch.
  int days = 21;
  int64_t price_fen = 0;
};

struct DemoGroup {
  std::string name, theme, series;
  int campaign = -1;  // Index into campaigns, -1 for a standing group.
};

struct DemoMember {
  std::string openid, unionid, wechat_id, phone, nickname;
  std::vector<std::string> earlier_nicknames;  // Oldest first.
};

struct DemoEnrollment {
  int member = 0, campaign = 0, group = 0;
  int64_t paid_fen = 0;
  std::string channel;
  int64_t enrolled_at_ms = 0;
};

struct DemoCheckin {
  int member = 0, campaign = 0;
  int day = 1;  // Campaign day, 1-based.
  std::string text;
  int duration_s = 0;
  int64_t at_ms = 0;
  bool makeup = false;
  // Text to render as the check-in's photo (empty: no photo). A worksheet or
  // notebook page that often tells a school, grade, city or occupation.
  std::vector<std::string> photo_lines;
  // Set by whoever renders and stores the photo.
  std::string photo_sha256;
};

// A mini-program event (page view with dwell time).
struct DemoEvent {
  int member = 0;
  std::string type, page;
  int64_t dwell_ms = 0, ts_ms = 0;
};

// A roster export of one group at one moment, as an operator would upload.
struct DemoRoster {
  int group = 0;  // Index into groups.
  int64_t as_of_ms = 0;
  std::vector<RosterRow> rows;
};

// A lesson or notice the operators published to a group, or to everyone
// in a series.
struct DemoContent {
  std::string title, body;
  int group = -1;      // Index into groups; -1 with `series` set.
  std::string series;  // "" with `group` set.
  int64_t published_at_ms = 0;
};

// A member opening a content in the mini-program (a content_read event).
struct DemoRead {
  int member = 0, content = 0;  // Indexes.
  int64_t at_ms = 0;
};

// Feedback a member filed, and an operator's answer (none: still open).
struct DemoFeedback {
  int member = 0;
  std::string kind;  // bug | question | suggestion
  std::string text;
  int64_t at_ms = 0;
  std::string reply;  // "" while open.
  int64_t reply_at_ms = 0;
  bool closed = false;  // Closed with the reply.
};

struct DemoCommunity {
  std::vector<DemoCampaign> campaigns;
  std::vector<DemoGroup> groups;
  std::vector<DemoMember> members;
  std::vector<DemoEnrollment> enrollments;
  std::vector<DemoCheckin> checkins;
  std::vector<DemoRoster> rosters;
  std::vector<DemoEvent> events;
  std::vector<DemoContent> contents;
  std::vector<DemoRead> reads;
  std::vector<DemoFeedback> feedback;
};

// The member whose openid the README and the participant page offer
// ("demo-openid-1"). Besides their reading campaign they are enrolled in the
// one running today, without a check-in for today, so that a visitor
// signing in as them can check in.
inline constexpr int kDemoParticipant = 1;

// A member who paid in the shop and has not opened the mini-program: the
// order list's record (nickname, phone, no openid), enrolled in the
// campaign running today, in its group's roster, without a check-in. A
// visitor who signs in to the participant page under any new openid and
// gives this phone becomes them (POST /mp/phone).
inline constexpr int kDemoBuyer = 299;
inline constexpr char kDemoBuyerPhone[] = "13900002026";

// The class teacher, in every group's roster under one 微信号 (so every
// snapshot matches the one member); the demo marks her as staff, whom
// group figures and dormant lists leave out (Member::staff).
inline constexpr char kDemoTeacherNickname[] = "班主任-林老师";
inline constexpr char kDemoTeacherWechatId[] = "lin-laoshi-qunying";

struct DemoOptions {
  // "Today" in days since the epoch (China time); check-ins end here.
  int64_t today = 0;
  // The same seed gives the same community.
  uint32_t seed = 20261122;
  // Members in the community.
  int members = 300;
  // Share of check-ins that carry a photo.
  double photo_share = 0.015;
};

DemoCommunity GenerateDemoCommunity(const DemoOptions& options);

}  // namespace qunying::community

#endif  // QUNYING_COMMUNITY_DEMO_COMMUNITY_H_
