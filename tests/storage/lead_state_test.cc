// The lead pass's state file (SqliteLeadStore::SaveState and the first
// LoadFeatures after a start): a restarted store that restores it loads
// exactly the features of a store that reads every row, reads only the
// rows added since, and ignores a file that does not fit its database.
#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/clock.h"
#include "scoring/lead_engine.h"
#include "scoring/points.h"
#include "storage/sqlite_lead_store.h"
#include "storage/state_file.h"
#include "tests/storage/test_db.h"

namespace qunying::storage {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kNow = 1'800'000'000'000 / kDay * kDay + 4 * 3600 * 1000;
constexpr int kMembers = 40;

class LeadStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDb(dir_.File("leads.db"));
    ASSERT_NE(db_, nullptr);
    Populate(db_.get());
  }

  // Two campaigns of one series; every member in the first, every other
  // one in the second too; check-ins (some with intent phrases), events
  // and OCR hints.
  void Populate(Database* db) {
    int64_t today = (kNow + 8 * 3600000LL) / kDay;
    Exec(db,
         "INSERT INTO campaigns (id, name, theme, series, starts_on, days,"
         " created_at_ms) VALUES (1, '第1期', '阅读', '阅读', " +
             std::to_string(today - 40) +
             ", 21, 0), (2, '第2期', '阅读', '阅读', " +
             std::to_string(today - 5) + ", 21, 0)");
    for (int m = 1; m <= kMembers; ++m) {
      std::string id = std::to_string(m);
      Exec(db,
           "INSERT INTO members (id, openid, nickname, created_at_ms,"
           " updated_at_ms) VALUES (" +
               id + ", 'o" + id + "', 'N" + id + "', 0, 0)");
      Exec(db,
           "INSERT INTO enrollments (campaign_id, member_id, paid_fen,"
           " enrolled_at_ms) VALUES (1, " +
               id + ", 9900, 0)");
      if (m % 2 == 0) {
        Exec(db,
             "INSERT INTO enrollments (campaign_id, member_id, paid_fen,"
             " enrolled_at_ms) VALUES (2, " +
                 id + ", 19900, 0)");
      }
      for (int d = 1; d <= m % 5; ++d) AddCheckin(db, m, 2, d);
      // An hour inside the 30-day window at the latest, so that tests
      // which move the clock by seconds do not move an event out of it.
      AddEvent(db, m, kNow - (m % 40) * kDay + 3600000, m * 1000);
      if (m % 3 == 0) AddHint(db, m, "grade", "三年级");
      if (m % 4 == 0) AddHint(db, m, "city", "上海");
    }
  }

  void Exec(Database* db, const std::string& sql) {
    ASSERT_TRUE(db->Write([&](Connection& c) { return c.Exec(sql); }).ok())
        << sql;
  }
  void AddCheckin(Database* db, int member, int campaign, int day) {
    int64_t today = (kNow + 8 * 3600000LL) / kDay;
    int64_t start = campaign == 1 ? today - 40 : today - 5;
    std::string text = member % 3 == 0 ? "孩子想报下一期" : "今天读完了";
    Exec(db,
         "INSERT INTO checkins (member_id, campaign_id, day, text, client_id,"
         " makeup, created_at_ms) VALUES (" +
             std::to_string(member) + ", " + std::to_string(campaign) + ", " +
             std::to_string(day) + ", '" + text + "', 'c" +
             std::to_string(++seq_) + "', 0, " +
             std::to_string((start + day - 1) * kDay + 4 * 3600 * 1000) + ")");
  }
  void AddEvent(Database* db, int member, int64_t ts, int64_t dwell) {
    Exec(db,
         "INSERT INTO events (member_id, type, dwell_ms, ts_ms, client_id,"
         " received_at_ms) VALUES (" +
             std::to_string(member) + ", 'content_read', " +
             std::to_string(dwell) + ", " + std::to_string(ts) + ", 'e" +
             std::to_string(++seq_) + "', 0)");
  }
  // Read from a check-in of the member's (one made for it).
  void AddHint(Database* db, int member, const char* field, const char* v) {
    AddCheckin(db, member, 1, 1 + seq_ % 21);
    for (int k = 0; k < 2; ++k) {  // Seen twice: a fact.
      Exec(db,
           "INSERT INTO hints (checkin_id, member_id, field, value,"
           " confidence, line_no, created_at_ms) VALUES ((SELECT MAX(id) FROM"
           " checkins), " +
               std::to_string(member) + ", '" + field + "', '" + v +
               "', 0.8, 0, 0)");
    }
  }

  // A store as a started server makes it, with the state file at `path`
  // ("" for none).
  std::unique_ptr<SqliteLeadStore> Store(Database* db,
                                         const std::string& path) {
    SqliteLeadStoreOptions o;
    o.state_path = path;
    return std::make_unique<SqliteLeadStore>(db, o);
  }
  // (member, fingerprint of the features) for every member, as `store`'s
  // next pass loads them.
  std::vector<std::pair<int64_t, uint64_t>> Load(SqliteLeadStore& store,
                                                 int64_t now = kNow) {
    std::vector<scoring::MemberFeatures> f;
    Status s = store.LoadFeatures(now, dict_, &f);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<std::pair<int64_t, uint64_t>> out;
    for (const auto& m : f) out.emplace_back(m.member_id, Fingerprint(m));
    return out;
  }
  // What a store without a state file loads: every row read.
  std::vector<std::pair<int64_t, uint64_t>> Truth(Database* db,
                                                  int64_t now = kNow) {
    auto fresh = Store(db, "");
    return Load(*fresh, now);
  }
  // Loads once with a store at state_, and saves its state.
  void SaveFrom(Database* db) {
    auto first = Store(db, state_);
    Load(*first);
    auto bytes = first->SaveState(PutEngine);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    ASSERT_GT(*bytes, 0u);
  }
  static void PutEngine(ByteWriter& w) { w.PutRaw("engine bytes"); }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::string state_ = dir_.File("leads.state");
  std::vector<scoring::IntentPhrase> dict_ =
      scoring::ScoringRules::Defaults().intent;
  int seq_ = 0;
};

TEST_F(LeadStateTest, RestartedStoreReadsOnlyWhatWasAddedSince) {
  SaveFrom(db_.get());
  // After the save: a check-in, an event, a new fact, a new enrollment.
  AddCheckin(db_.get(), 7, 1, 3);
  AddEvent(db_.get(), 5, kNow - kDay, 77000);
  AddHint(db_.get(), 5, "grade", "四年级");
  Exec(db_.get(),
       "INSERT INTO enrollments (campaign_id, member_id, paid_fen,"
       " enrolled_at_ms) VALUES (2, 7, 500, 0)");

  auto restarted = Store(db_.get(), state_);
  auto loaded = Load(*restarted);
  EXPECT_EQ(restarted->state_outcome(), "restored");
  EXPECT_FALSE(restarted->digest_rebuilt());
  EXPECT_FALSE(restarted->event_digest_rebuilt());
  EXPECT_FALSE(restarted->enrollments_reread());
  EXPECT_EQ(restarted->facts_members_rebuilt(), 1u);  // Member 5 alone.
  EXPECT_EQ(loaded, Truth(db_.get()));
  EXPECT_EQ(loaded.size(), size_t{kMembers});
}

TEST_F(LeadStateTest, WithoutAFileEveryRowIsRead) {
  auto store = Store(db_.get(), state_);
  auto loaded = Load(*store);
  EXPECT_EQ(store->state_outcome(), "none");
  EXPECT_TRUE(store->digest_rebuilt());
  EXPECT_EQ(loaded, Truth(db_.get()));
  auto none = Store(db_.get(), "");
  Load(*none);
  auto bytes = none->SaveState(PutEngine);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, 0u);  // No path, nothing written.
}

TEST_F(LeadStateTest, GivesBackTheEngineBytesSavedAfterItsOwn) {
  SaveFrom(db_.get());
  auto restarted = Store(db_.get(), state_);
  Load(*restarted);
  ASSERT_EQ(restarted->state_outcome(), "restored");
  auto saved = restarted->TakeRestoredEngineState();
  EXPECT_EQ(saved.bytes, "engine bytes");
  EXPECT_NE(saved.owner, nullptr);
  EXPECT_FALSE(std::filesystem::exists(state_ + ".tmp"));
}

TEST_F(LeadStateTest, IgnoresTheFileOfAnotherDatabase) {
  SaveFrom(db_.get());
  // The same community built again in a new database: same ids, same
  // members, but another database (a fresh demo, say).
  auto other = OpenTestDb(dir_.File("other.db"));
  ASSERT_NE(other, nullptr);
  seq_ = 0;
  Populate(other.get());
  auto store = Store(other.get(), state_);
  auto loaded = Load(*store);
  EXPECT_EQ(store->state_outcome(), "not used: it belongs to another database");
  EXPECT_TRUE(store->digest_rebuilt());
  EXPECT_EQ(loaded, Truth(other.get()));
}

TEST_F(LeadStateTest, IgnoresAFileWhoseLastRowIsGone) {
  SaveFrom(db_.get());
  // The database went back to before the last check-in was written (a
  // restored backup), then took another one with the same id.
  Exec(db_.get(),
       "DELETE FROM hints WHERE checkin_id = (SELECT MAX(id) FROM checkins)");
  Exec(db_.get(),
       "DELETE FROM checkins WHERE id = (SELECT MAX(id) FROM checkins)");
  Exec(db_.get(), "UPDATE table_epochs SET epoch = 0 WHERE name = 'checkins'");
  AddCheckin(db_.get(), 1, 2, 9);  // Member 1's, where 40's was.
  auto store = Store(db_.get(), state_);
  auto loaded = Load(*store);
  EXPECT_EQ(store->state_outcome(),
            "not used: the last checkins row it read is not there");
  EXPECT_EQ(loaded, Truth(db_.get()));
}

TEST_F(LeadStateTest, IgnoresATruncatedOrAlteredFile) {
  SaveFrom(db_.get());
  auto size = std::filesystem::file_size(state_);
  {
    std::fstream f(state_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put('\x7f');
  }
  auto altered = Store(db_.get(), state_);
  auto loaded = Load(*altered);
  EXPECT_EQ(altered->state_outcome(), state_ + " does not match its hash");
  EXPECT_TRUE(altered->digest_rebuilt());
  EXPECT_EQ(loaded, Truth(db_.get()));

  std::filesystem::resize_file(state_, size - 100);
  auto truncated = Store(db_.get(), state_);
  EXPECT_EQ(Load(*truncated), Truth(db_.get()));
  EXPECT_EQ(truncated->state_outcome(), state_ + " is truncated");
}

// The engine on top: what a pass leaves for the next survives a restart.
class EngineStateTest : public LeadStateTest {
 protected:
  struct Server {  // A started server's store and engine.
    std::unique_ptr<SqliteLeadStore> store;
    std::unique_ptr<scoring::LeadEngine> engine;
  };
  // A store and engine on `path`, with the shipped rules at threshold 10
  // changed by `change`.
  // On `db` (the fixture's when null) with `options`.
  Server Start(
      const std::string& path,
      const std::function<void(scoring::ScoringRules&)>& change = nullptr,
      Database* db = nullptr, scoring::LeadEngineOptions options = {}) {
    Server s{Store(db ? db : db_.get(), path), nullptr};
    s.engine =
        std::make_unique<scoring::LeadEngine>(s.store.get(), &clock_, options);
    auto rules = scoring::ScoringRules::Defaults();
    rules.lead_threshold = 10;
    if (change) change(rules);
    s.engine->SetRules(rules);
    return s;
  }
  scoring::RescoreReport Pass(Server& s) {
    auto r = s.engine->Rescore();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : scoring::RescoreReport{};
  }
  // Every lead's stored parts, digest and last update (with `texts`, its
  // factors and model inputs too), in `db` (the fixture's when null).
  std::vector<std::string> Leads(Database* db = nullptr, bool texts = false) {
    std::vector<std::string> out;
    Status s = (db ? db : db_.get())->Read([&](Connection& c) -> Status {
      QY_ASSIGN_OR_RETURN(
          Statement * st,
          c.Prepare("SELECT member_id, fit, engagement, intent, digest,"
                    " updated_at_ms, fit_factors, t.factors, t.attributes,"
                    " texts_digest, quote(intent_input) || ' ' ||"
                    " intent_digest || char(10) || COALESCE(i.factors, '')"
                    " FROM leads LEFT JOIN lead_texts t ON t.lead_id ="
                    " leads.id LEFT JOIN lead_intent i ON i.lead_id ="
                    " leads.id ORDER BY member_id"));
      return ForEachRow(st, [&](const Statement& r) {
        out.push_back(
            std::to_string(r.Int(0)) + " " + std::to_string(r.Double(1)) + " " +
            std::to_string(r.Double(2)) + " " + std::to_string(r.Double(3)) +
            " " + std::to_string(r.Int(4)) + " " + std::to_string(r.Int(5)));
        if (texts) {
          out.back() += "\n" + r.Text(6) + "\n" + r.Text(7) + "\n" + r.Text(8) +
                        "\n" + std::to_string(r.Int(9)) + " " + r.Text(10);
        }
      });
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  void ExpectEditStoresWhatAFullRewriteDoes(
      std::initializer_list<int> members,
      const std::function<void(scoring::ScoringRules&)>& edit);
  // Saves `s`'s state as a stopping server would.
  void Save(Server& s) {
    auto bytes = s.engine->SaveState();
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    ASSERT_GT(*bytes, 0u);
  }

  FakeClock clock_{kNow};
};

// A pass scores in parts, each written while the next are scored: in
// parts of three members (fourteen parts) it stores what a pass in one
// part does, and so does the pass after new fit rules.
TEST_F(EngineStateTest, APassInManyPartsStoresWhatOnePartDoes) {
  auto other = OpenTestDb(dir_.File("other.db"));
  ASSERT_NE(other, nullptr);
  seq_ = 0;
  Populate(other.get());
  scoring::LeadEngineOptions small_parts;
  small_parts.score_part_members = 3;
  Server whole = Start(state_);
  Server split =
      Start(dir_.File("split.state"), nullptr, other.get(), small_parts);
  auto r1 = Pass(whole), r2 = Pass(split);
  EXPECT_GT(r1.created, 10);
  EXPECT_EQ(r2.created, r1.created);
  EXPECT_EQ(Leads(other.get(), true), Leads(nullptr, true));

  clock_.Advance(1000);
  for (Server* s : {&whole, &split}) {
    scoring::ScoringRules rules = s->engine->rules();
    for (auto& rule : rules.fit) rule.points += 3;
    s->engine->SetRules(rules);
  }
  r1 = Pass(whole), r2 = Pass(split);
  EXPECT_LT(r1.unchanged, Leads().size());  // Some leads were rewritten.
  EXPECT_EQ(r2.unchanged, r1.unchanged);
  EXPECT_EQ(Leads(other.get(), true), Leads(nullptr, true));
}

// Two twin databases after a pass each, one engine remembering it and one
// not; `members` check in again on both meanwhile, then `edit` of the
// rules: the engine with memory keeps some leads' texts, and must store
// what the other writes, texts and all.
void EngineStateTest::ExpectEditStoresWhatAFullRewriteDoes(
    std::initializer_list<int> members,
    const std::function<void(scoring::ScoringRules&)>& edit) {
  auto other = OpenTestDb(dir_.File("other.db"));
  ASSERT_NE(other, nullptr);
  seq_ = 0;
  Populate(other.get());
  Server kept = Start(state_);
  Server full = Start("", nullptr, other.get());
  Pass(kept), Pass(full);
  ASSERT_EQ(Leads(other.get(), true), Leads(nullptr, true));

  int day = 3;
  for (int m : members) {
    for (Database* db : {db_.get(), other.get()}) AddCheckin(db, m, 2, day);
    ++day;
  }
  clock_.Advance(1000);
  scoring::ScoringRules rules = kept.engine->rules();
  edit(rules);
  kept.engine->SetRules(rules);
  Server fresh = Start("", edit, other.get());  // No memory of the pass.
  auto k = Pass(kept), f = Pass(fresh);
  EXPECT_GT(k.texts_kept, 0u);
  EXPECT_EQ(f.texts_kept, 0u);
  EXPECT_EQ(k.unchanged, f.unchanged);
  EXPECT_LT(k.unchanged, Leads().size());  // Some leads were rewritten.
  EXPECT_EQ(Leads(other.get(), true), Leads(nullptr, true));
}

// New fit rules rewrite the leads they score. Where a lead's other texts
// (engagement factors, model inputs) are as the engine wrote them, it
// builds the parts and fit factors alone (and the intent factors not even
// those). Member 12 (a lead, in a grade the fit rules score) checks in
// meanwhile: its other texts change too.
TEST_F(EngineStateTest, AFitRuleEditStoresWhatAFullRewriteDoes) {
  ExpectEditStoresWhatAFullRewriteDoes({12}, [](scoring::ScoringRules& r) {
    for (auto& rule : r.fit) {
      rule.points += 3;
      rule.label += "（新）";
    }
  });
}

// The same for new intent weights: the intent part and input (the row's)
// and intent factors (lead_intent) are written, the other texts kept.
// Members 12 and 15 (who wrote a phrase) check in meanwhile.
TEST_F(EngineStateTest, AnIntentWeightEditStoresWhatAFullRewriteDoes) {
  ExpectEditStoresWhatAFullRewriteDoes({12, 15}, [](scoring::ScoringRules& r) {
    for (auto& phrase : r.intent) phrase.weight *= 1.5;
  });
}

TEST_F(EngineStateTest, ARestartedEngineReusesItsScoresAndRewritesNothing) {
  Server before = Start(state_);
  EXPECT_GT(Pass(before).created, 0);
  Save(before);
  auto leads = Leads();
  clock_.Advance(1000);  // A rewrite would show in updated_at_ms.

  Server after = Start(state_);
  auto r = Pass(after);
  EXPECT_EQ(after.store->state_outcome(), "restored");
  EXPECT_TRUE(r.memory_restored);
  EXPECT_EQ(r.reused, size_t{kMembers});
  EXPECT_EQ(r.unchanged, leads.size());
  EXPECT_EQ(r.created, 0);
  EXPECT_EQ(Leads(), leads);

  // Without the file the pass scores every member again, and finds every
  // lead's digest as stored: none is explained or written.
  Server cold = Start("");
  auto c = Pass(cold);
  EXPECT_FALSE(c.memory_restored);
  EXPECT_EQ(c.reused, 0u);
  EXPECT_EQ(c.unchanged, leads.size());
  EXPECT_EQ(c.text_bytes, 0u);
  EXPECT_EQ(Leads(), leads);
}

TEST_F(EngineStateTest, AMemberWhoChangedSinceIsScoredAgainAfterARestart) {
  Server before = Start(state_);
  Pass(before);
  Save(before);
  // Member 10, in campaign 2 without a check-in so far, checks in after
  // the save.
  for (int d = 1; d <= 6; ++d) AddCheckin(db_.get(), 10, 2, d);
  clock_.Advance(1000);

  Server after = Start(state_);
  auto r = Pass(after);
  EXPECT_TRUE(r.memory_restored);
  EXPECT_EQ(r.reused, size_t{kMembers} - 1);
  auto leads = Leads();
  // A server without the state file finds nothing to change.
  clock_.Advance(1000);
  Server cold = Start("");
  Pass(cold);
  EXPECT_EQ(Leads(), leads);
}

TEST_F(EngineStateTest, OtherRulesOrALaterPassLeaveTheMemoryUnused) {
  Server before = Start(state_);
  Pass(before);
  Save(before);
  const auto leads = Leads();
  // Other tiers (or weights) change no stored value and no key: the
  // memory holds.
  Server retiered = Start(state_, [](auto& r) {
    r.tier_a = 50;
    r.level_1 = 40;
  });
  auto t = Pass(retiered);
  EXPECT_EQ(retiered.store->state_outcome(), "restored");
  EXPECT_TRUE(t.memory_restored);
  EXPECT_EQ(t.reused, size_t{kMembers});
  EXPECT_EQ(t.unchanged, leads.size());
  EXPECT_EQ(Leads(), leads);
  Save(retiered);

  // Other fit rules change every member's parts: the keys do not match.
  Server refit = Start(state_, [](auto& r) {
    for (auto& f : r.fit) f.points += 5;
  });
  auto r = Pass(refit);
  EXPECT_EQ(refit.store->state_outcome(), "restored");
  EXPECT_FALSE(r.memory_restored);
  EXPECT_EQ(r.reused, 0u);

  // The pass above wrote leads after the save: the engine's memory of
  // what it wrote no longer holds, the digests still do.
  for (int d = 1; d <= 3; ++d) AddCheckin(db_.get(), 20, 2, d);
  Server again = Start(state_);
  auto a = Pass(again);
  EXPECT_EQ(again.store->state_outcome(),
            "restored, without the engine's memory");
  EXPECT_FALSE(a.memory_restored);
  EXPECT_FALSE(again.store->digest_rebuilt());
}

// A merge of members after the save moves a lead to another member: what
// the saved memory says the engine wrote for each member may now be of
// another member's lead, so it is not taken up.
TEST_F(EngineStateTest, ALeadMovedSinceTheSaveLeavesTheMemoryUnused) {
  Server before = Start(state_);
  Pass(before);
  Save(before);
  ASSERT_TRUE(db_->Write([](Connection& c) {
                   return c.Exec(
                       "UPDATE leads SET member_id = (SELECT MIN(id) FROM"
                       " members WHERE id NOT IN (SELECT member_id FROM leads"
                       " WHERE member_id IS NOT NULL)) WHERE id = (SELECT"
                       " MIN(id) FROM leads)");
                 })
                  .ok());
  Server after = Start(state_);
  auto r = Pass(after);
  EXPECT_EQ(after.store->state_outcome(),
            "restored, without the engine's memory");
  EXPECT_FALSE(r.memory_restored);
}

// Writes a state file at `path` through StateWriter.
void WriteState(const std::string& path,
                const std::function<void(StateWriter&)>& put) {
  auto w = StateWriter::Create(path);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  put(**w);
  Status s = (*w)->Commit();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST(StateFileTest, ReadsBackWhatWasWrittenAndRefusesToReadPastTheEnd) {
  TempDir dir;
  WriteState(dir.File("s"), [](StateWriter& w) {
    w.Put<int64_t>(-5);
    w.Put<uint16_t>(65000);
    w.PutBytes("三年级");
    w.Put<double>(0.25);
  });
  auto r = StateReader::Open(dir.File("s"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  int64_t a = 0;
  uint16_t b = 0;
  std::string c;
  double d = 0;
  EXPECT_TRUE(r->Get(&a) && r->Get(&b) && r->GetBytes(&c) && r->Get(&d));
  EXPECT_EQ(a, -5);
  EXPECT_EQ(b, 65000);
  EXPECT_EQ(c, "三年级");
  EXPECT_EQ(d, 0.25);
  EXPECT_TRUE(r->at_end());
  EXPECT_FALSE(r->Get(&a));
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(a, -5);  // Unchanged by the failed read.
  EXPECT_EQ(StateReader::Open(dir.File("none")).status().code(),
            StatusCode::kNotFound);
}

// A body several buffers long, put as small values and large runs, as the
// digests and the engine's memory put theirs: it reaches the file whole
// and in order, and the hash taken piece by piece is the whole body's.
TEST(StateFileTest, ABodyLargerThanTheBufferReadsBackWhole) {
  TempDir dir;
  std::string run(StateWriter::kBuffer + 3, 'x');
  for (size_t i = 0; i < run.size(); ++i) run[i] = static_cast<char>(i * 7);
  const int64_t kValues = 300000;  // 2.4 MB of them.
  size_t put = 0;
  WriteState(dir.File("s"), [&](StateWriter& w) {
    w.Put<uint8_t>(1);  // Every later write misaligned by one.
    for (int64_t i = 0; i < kValues; ++i) w.Put<int64_t>(i * 31);
    w.PutBytes(run);
    w.PutRaw("tail");
    put = w.size();
  });
  EXPECT_EQ(put, 1 + 8 * kValues + 8 + run.size() + 4);
  auto r = StateReader::Open(dir.File("s"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  uint8_t first = 0;
  ASSERT_TRUE(r->Get(&first));
  EXPECT_EQ(first, 1);
  int64_t v = 0;
  for (int64_t i = 0; i < kValues; ++i) {
    ASSERT_TRUE(r->Get(&v));
    ASSERT_EQ(v, i * 31) << i;
  }
  std::string_view back, rest;
  ASSERT_TRUE(r->GetView(&back));
  EXPECT_EQ(back, run);
  ASSERT_TRUE(r->GetRest(&rest));
  EXPECT_EQ(rest, "tail");
  EXPECT_TRUE(r->at_end());
  EXPECT_EQ(std::filesystem::file_size(dir.File("s")), 24 + put);
}

TEST(StateFileTest, HashInPiecesIsTheHashOfTheWhole) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += static_cast<char>(i * 13 + 1);
  const uint64_t whole = StateHash(body);
  for (size_t a = 0; a <= body.size(); ++a) {
    for (size_t b = a; b <= body.size(); b += 3) {
      StateHasher h;
      h.Update(std::string_view(body).substr(0, a));
      h.Update(std::string_view(body).substr(a, b - a));
      h.Update(std::string_view(body).substr(b));
      ASSERT_EQ(h.Finish(), whole) << a << " " << b;
    }
  }
  StateHasher nothing;
  nothing.Update(std::string_view());  // No bytes, not even a pointer.
  EXPECT_EQ(nothing.Finish(), StateHash(""));
  // The length counts: a body and the same with a zero byte more differ.
  EXPECT_NE(StateHash(std::string(8, '\0')), StateHash(std::string(9, '\0')));
}

TEST(StateFileTest, AWriterDroppedWithoutCommitLeavesTheOldFile) {
  TempDir dir;
  const std::string path = dir.File("s");
  WriteState(path, [](StateWriter& w) { w.Put<int64_t>(1); });
  {
    auto w = StateWriter::Create(path);
    ASSERT_TRUE(w.ok());
    (*w)->PutRaw(std::string(3 * StateWriter::kBuffer, 'y'));
    EXPECT_TRUE(std::filesystem::exists(path + ".tmp"));
  }
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  auto r = StateReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  int64_t v = 0;
  EXPECT_TRUE(r->Get(&v) && r->at_end());
  EXPECT_EQ(v, 1);
  EXPECT_FALSE(StateWriter::Create(dir.File("no/such/dir/s")).ok());
}

TEST(StateFileTest, AFileOfTheFirstLayoutIsRefusedAsSuch) {
  TempDir dir;
  const std::string path = dir.File("s");
  WriteState(path, [](StateWriter& w) { w.Put<int64_t>(1); });
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(7);
    f.put('1');  // "QYSTATE1"
  }
  auto r = StateReader::Open(path);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), path + " is of an older layout");
}

TEST(StateFileTest, ACountLargerThanTheRestFailsWithoutAllocating) {
  // A count, then one 8-byte item.
  auto body = [](uint64_t count) {
    std::string b(16, '\0');
    int64_t item = 42;
    std::memcpy(b.data(), &count, 8);
    std::memcpy(b.data() + 8, &item, 8);
    return b;
  };
  StateReader corrupt(body(uint64_t{1} << 60));
  uint64_t n = 7;
  EXPECT_FALSE(corrupt.GetCount(&n, 8));
  EXPECT_EQ(n, 7u);
  EXPECT_FALSE(corrupt.ok());
  StateReader two(body(2));  // Two items cannot fit in 8 bytes either.
  EXPECT_FALSE(two.GetCount(&n, 8));
  StateReader one(body(1));
  EXPECT_TRUE(one.GetCount(&n, 8));
  EXPECT_EQ(n, 1u);
  int64_t item = 0;
  EXPECT_TRUE(one.Get(&item));
  EXPECT_EQ(item, 42);
  EXPECT_TRUE(one.at_end());
}

}  // namespace
}  // namespace qunying::storage
