#include "storage/migrations.h"

#include <string>
#include <vector>

#include "storage/lead_formula.h"

namespace qunying::storage {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: never edit a migration that has shipped.
const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "accounts", R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'sales')),
  display_name TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  openid TEXT UNIQUE,
  unionid TEXT,
  wechat_id TEXT,
  phone TEXT,
  nickname TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX members_unionid ON members (unionid);
CREATE INDEX members_wechat_id ON members (wechat_id);
CREATE INDEX members_phone ON members (phone);
CREATE INDEX members_nickname ON members (nickname);
CREATE TABLE nickname_history (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id),
  nickname TEXT NOT NULL,
  source TEXT NOT NULL,
  changed_at_ms INTEGER NOT NULL
);
CREATE INDEX nickname_history_member ON nickname_history (member_id);
CREATE INDEX nickname_history_nickname ON nickname_history (nickname);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('staff', 'participant')),
  subject_id INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
);
CREATE INDEX sessions_expiry ON sessions (expires_at_ms);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  actor_user_id INTEGER,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
)sql"},
      {2, "community", R"sql(
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  theme TEXT NOT NULL,
  series TEXT NOT NULL,
  starts_on INTEGER NOT NULL,
  days INTEGER NOT NULL CHECK (days > 0),
  price_fen INTEGER NOT NULL DEFAULT 0,
  timezone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX campaigns_series ON campaigns (series, starts_on);
CREATE TABLE chat_groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  campaign_id INTEGER REFERENCES campaigns (id),
  theme TEXT NOT NULL,
  series TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE enrollments (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  member_id INTEGER NOT NULL REFERENCES members (id),
  group_id INTEGER REFERENCES chat_groups (id),
  paid_fen INTEGER NOT NULL DEFAULT 0,
  channel TEXT NOT NULL DEFAULT '',
  enrolled_at_ms INTEGER NOT NULL,
  UNIQUE (campaign_id, member_id)
);
CREATE INDEX enrollments_member ON enrollments (member_id);
CREATE TABLE checkins (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id),
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  day INTEGER NOT NULL,
  text TEXT NOT NULL DEFAULT '',
  duration_s INTEGER NOT NULL DEFAULT 0,
  client_id TEXT NOT NULL,
  photo_sha256 TEXT,
  makeup INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  UNIQUE (member_id, client_id)
);
CREATE INDEX checkins_campaign_day ON checkins (campaign_id, day);
CREATE INDEX checkins_member ON checkins (member_id, created_at_ms);
)sql"},
      {3, "rosters_checkins_events", R"sql(
CREATE TABLE roster_snapshots (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES chat_groups (id),
  as_of_ms INTEGER NOT NULL,
  row_count INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX roster_snapshots_group ON roster_snapshots (group_id, as_of_ms);
CREATE TABLE roster_entries (
  id INTEGER PRIMARY KEY,
  snapshot_id INTEGER NOT NULL REFERENCES roster_snapshots (id),
  row_no INTEGER NOT NULL,
  member_id INTEGER REFERENCES members (id),
  nickname TEXT NOT NULL,
  wechat_id TEXT,
  unionid TEXT,
  joined_at_ms INTEGER,
  method TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT ''
);
CREATE INDEX roster_entries_snapshot ON roster_entries (snapshot_id, member_id);
CREATE INDEX roster_entries_member ON roster_entries (member_id);
CREATE TABLE identity_reviews (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES roster_entries (id),
  candidates TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'resolved', 'dismissed')),
  resolved_member_id INTEGER REFERENCES members (id),
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX identity_reviews_status ON identity_reviews (status);
CREATE TABLE group_events (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES chat_groups (id),
  member_id INTEGER NOT NULL REFERENCES members (id),
  kind TEXT NOT NULL CHECK (kind IN ('join', 'leave')),
  at_ms INTEGER NOT NULL,
  snapshot_id INTEGER NOT NULL REFERENCES roster_snapshots (id)
);
CREATE INDEX group_events_member ON group_events (member_id, at_ms);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id),
  type TEXT NOT NULL,
  page TEXT NOT NULL DEFAULT '',
  dwell_ms INTEGER NOT NULL DEFAULT 0,
  ts_ms INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  UNIQUE (member_id, client_id)
);
CREATE INDEX events_ts ON events (ts_ms, member_id);
CREATE UNIQUE INDEX checkins_one_per_day ON checkins (member_id, campaign_id, day);
ALTER TABLE checkins ADD COLUMN photo_type TEXT;
CREATE TABLE ocr_jobs (
  id INTEGER PRIMARY KEY,
  checkin_id INTEGER NOT NULL UNIQUE REFERENCES checkins (id),
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX ocr_jobs_due ON ocr_jobs (status, next_attempt_at_ms);
CREATE INDEX enrollments_group ON enrollments (group_id);
)sql"},
      {4, "content_feedback_merges", R"sql(
CREATE TABLE contents (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  group_id INTEGER REFERENCES chat_groups (id),
  series TEXT,
  author_user_id INTEGER NOT NULL REFERENCES users (id),
  published_at_ms INTEGER NOT NULL
);
CREATE INDEX contents_group ON contents (group_id);
CREATE INDEX contents_series ON contents (series);
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id),
  kind TEXT NOT NULL CHECK (kind IN ('bug', 'question', 'suggestion')),
  text TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
  created_at_ms INTEGER NOT NULL,
  first_reply_at_ms INTEGER,
  closed_at_ms INTEGER
);
CREATE INDEX feedback_status ON feedback (status, created_at_ms);
CREATE INDEX feedback_member ON feedback (member_id);
CREATE TABLE feedback_replies (
  id INTEGER PRIMARY KEY,
  feedback_id INTEGER NOT NULL REFERENCES feedback (id),
  user_id INTEGER NOT NULL REFERENCES users (id),
  text TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX feedback_replies_feedback ON feedback_replies (feedback_id);
CREATE TABLE member_merges (
  id INTEGER PRIMARY KEY,
  from_member_id INTEGER NOT NULL REFERENCES members (id),
  into_member_id INTEGER NOT NULL REFERENCES members (id),
  moved TEXT NOT NULL,
  by_user_id INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  undone_at_ms INTEGER
);
ALTER TABLE members ADD COLUMN merged_into INTEGER REFERENCES members (id);
CREATE INDEX events_member_type ON events (member_id, type);
)sql"},
      {5, "ocr_results", R"sql(
CREATE TABLE ocr_results (
  checkin_id INTEGER PRIMARY KEY REFERENCES checkins (id),
  text TEXT NOT NULL,
  confidence REAL NOT NULL,
  created_at_ms INTEGER NOT NULL
);
)sql"},
      {6, "hints", R"sql(
CREATE TABLE hints (
  id INTEGER PRIMARY KEY,
  checkin_id INTEGER NOT NULL REFERENCES checkins (id),
  member_id INTEGER NOT NULL REFERENCES members (id),
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  confidence REAL NOT NULL,
  line_no INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX hints_checkin ON hints (checkin_id);
CREATE INDEX hints_member ON hints (member_id, field);
)sql"},
      {7, "hint_reviews", R"sql(
ALTER TABLE hints ADD COLUMN subject TEXT NOT NULL DEFAULT 'guardian';
UPDATE hints SET subject = 'child' WHERE field IN ('grade', 'school', 'age');
CREATE TABLE hint_reviews (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id),
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  final_value TEXT NOT NULL DEFAULT '',
  by_user_id INTEGER NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX hint_reviews_member ON hint_reviews (member_id);
)sql"},
      {8, "leads", R"sql(
CREATE TABLE leads (
  id INTEGER PRIMARY KEY,
  member_id INTEGER UNIQUE REFERENCES members (id),
  external_id TEXT UNIQUE,
  source TEXT NOT NULL CHECK (source IN ('score', 'import')),
  score REAL NOT NULL DEFAULT 0,
  fit REAL NOT NULL DEFAULT 0,
  engagement REAL NOT NULL DEFAULT 0,
  intent REAL NOT NULL DEFAULT 0,
  probability REAL,
  model_id INTEGER,
  tier TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN
    ('new', 'assigned', 'contacted', 'qualified', 'won', 'lost')),
  owner_id INTEGER REFERENCES users (id),
  attributes TEXT NOT NULL DEFAULT '',
  factors TEXT NOT NULL DEFAULT '',
  frozen INTEGER NOT NULL DEFAULT 0,
  lost_reason TEXT NOT NULL DEFAULT '',
  amount_fen INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  assigned_at_ms INTEGER,
  contacted_at_ms INTEGER,
  closed_at_ms INTEGER,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX leads_pool ON leads (status, owner_id, score DESC, id);
CREATE INDEX leads_owner ON leads (owner_id, status);
CREATE INDEX leads_assigned ON leads (status, assigned_at_ms);
CREATE TABLE lead_events (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL REFERENCES leads (id),
  at_ms INTEGER NOT NULL,
  actor_user_id INTEGER,
  kind TEXT NOT NULL,
  from_status TEXT NOT NULL DEFAULT '',
  to_status TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lead_events_lead ON lead_events (lead_id, id);
CREATE INDEX lead_events_actor ON lead_events (actor_user_id, kind, at_ms);
CREATE TABLE scoring_models (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  schema TEXT NOT NULL,
  bytes TEXT NOT NULL,
  calibration TEXT NOT NULL,
  n_train INTEGER NOT NULL,
  n_won INTEGER NOT NULL,
  auc_cv REAL NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE scoring_rules (
  version INTEGER PRIMARY KEY,
  rules TEXT NOT NULL,
  by_user_id INTEGER,
  at_ms INTEGER NOT NULL
);
)sql"},
      {9, "lead_digest", R"sql(
ALTER TABLE leads ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
)sql"},
      {10, "group_events_by_group", R"sql(
CREATE INDEX group_events_group ON group_events (group_id, at_ms);
)sql"},
      // A counter per table that goes up whenever a row of it is changed
      // or deleted (not inserted): whoever keeps a digest of the table
      // read up to some id (storage/checkin_digest.h) knows from it
      // whether reading the rows above that id is enough.
      {11, "table_epochs", R"sql(
CREATE TABLE table_epochs (
  name TEXT PRIMARY KEY,
  epoch INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO table_epochs (name, epoch) VALUES ('checkins', 0);
CREATE TRIGGER checkins_updated AFTER UPDATE ON checkins BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'checkins';
END;
CREATE TRIGGER checkins_deleted AFTER DELETE ON checkins BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'checkins';
END;
)sql"},
      // A lead's texts in a table of their own: a rescoring pass rewrites
      // the scores or the probability of tens of thousands of leads, and
      // each rewritten row dirties its page, so rows of ~100 bytes rather
      // than ~600 write a sixth of the pages (docs/benchmarks.md).
      {12, "lead_texts", R"sql(
CREATE TABLE lead_texts (
  lead_id INTEGER PRIMARY KEY REFERENCES leads (id),
  attributes TEXT NOT NULL DEFAULT '',
  factors TEXT NOT NULL DEFAULT ''
);
INSERT INTO lead_texts (lead_id, attributes, factors)
  SELECT id, attributes, factors FROM leads;
ALTER TABLE leads DROP COLUMN attributes;
ALTER TABLE leads DROP COLUMN factors;
)sql"},
      // The events' epoch, for storage/event_digest.h (see migration 11).
      {13, "events_epoch", R"sql(
INSERT INTO table_epochs (name, epoch) VALUES ('events', 0);
CREATE TRIGGER events_updated AFTER UPDATE ON events BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'events';
END;
CREATE TRIGGER events_deleted AFTER DELETE ON events BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'events';
END;
)sql"},
      // Which members' profile facts changed, for storage/facts_digest.h:
      // every change to a member's hints or hint reviews stamps the member
      // with the next value of the 'profiles' sequence.
      {14, "profile_changes", R"sql(
INSERT INTO table_epochs (name, epoch) VALUES ('profiles', 0);
CREATE TABLE profile_changes (
  member_id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL
);
CREATE INDEX profile_changes_seq ON profile_changes (seq);
CREATE TRIGGER hints_insert AFTER INSERT ON hints BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'profiles';
  INSERT OR REPLACE INTO profile_changes (member_id, seq)
    SELECT m.id, e.epoch FROM table_epochs e, (SELECT NEW.member_id AS id) m
    WHERE e.name = 'profiles';
END;
CREATE TRIGGER hints_update AFTER UPDATE ON hints BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'profiles';
  INSERT OR REPLACE INTO profile_changes (member_id, seq)
    SELECT m.id, e.epoch FROM table_epochs e, (SELECT OLD.member_id AS id UNION SELECT NEW.member_id) m
    WHERE e.name = 'profiles';
END;
CREATE TRIGGER hints_delete AFTER DELETE ON hints BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'profiles';
  INSERT OR REPLACE INTO profile_changes (member_id, seq)
    SELECT m.id, e.epoch FROM table_epochs e, (SELECT OLD.member_id AS id) m
    WHERE e.name = 'profiles';
END;
CREATE TRIGGER hint_reviews_insert AFTER INSERT ON hint_reviews BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'profiles';
  INSERT OR REPLACE INTO profile_changes (member_id, seq)
    SELECT m.id, e.epoch FROM table_epochs e, (SELECT NEW.member_id AS id) m
    WHERE e.name = 'profiles';
END;
CREATE TRIGGER hint_reviews_update AFTER UPDATE ON hint_reviews BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'profiles';
  INSERT OR REPLACE INTO profile_changes (member_id, seq)
    SELECT m.id, e.epoch FROM table_epochs e, (SELECT OLD.member_id AS id UNION SELECT NEW.member_id) m
    WHERE e.name = 'profiles';
END;
CREATE TRIGGER hint_reviews_delete AFTER DELETE ON hint_reviews BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'profiles';
  INSERT OR REPLACE INTO profile_changes (member_id, seq)
    SELECT m.id, e.epoch FROM table_epochs e, (SELECT OLD.member_id AS id) m
    WHERE e.name = 'profiles';
END;
)sql"},
      // The enrollments' epoch, for the lead pass's rows kept between
      // passes (storage/lead_features_repo.cc; see migration 11). Only the
      // columns the pass reads count: moving a member to another group
      // does not make it read every enrollment again.
      {15, "enrollments_epoch", R"sql(
INSERT INTO table_epochs (name, epoch) VALUES ('enrollments', 0);
CREATE TRIGGER enrollments_updated
  AFTER UPDATE OF member_id, campaign_id, paid_fen ON enrollments BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'enrollments';
END;
CREATE TRIGGER enrollments_deleted AFTER DELETE ON enrollments BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'enrollments';
END;
)sql"},
      // The tree shape cross-validation chose for a model (TrainedModel::
      // settings); '' for models trained before it was kept.
      {16, "model_settings", R"sql(
ALTER TABLE scoring_models ADD COLUMN settings TEXT NOT NULL DEFAULT '';
)sql"},
      // For the lead pass's state file (storage/lead_state_repo.cc): a
      // random id for this database, made once, so that a file beside a
      // database created afresh (or another's) is not taken for its own;
      // and an epoch every rescoring pass that writes leads bumps, so that
      // the engine's memory of what it wrote is used only when no pass
      // wrote since it was saved.
      {17, "lead_state", R"sql(
CREATE TABLE db_instance (id TEXT NOT NULL);
INSERT INTO db_instance (id) VALUES (lower(hex(randomblob(16))));
INSERT INTO table_epochs (name, epoch) VALUES ('lead_scores', 0);
)sql"},
      // When a rep means to call a lead again (PATCH /leads/{id}
      // follow_up_at), and each rep's list of follow-ups due.
      {18, "lead_follow_up", R"sql(
ALTER TABLE leads ADD COLUMN follow_up_at_ms INTEGER;
CREATE INDEX leads_follow_up ON leads (owner_id, follow_up_at_ms)
  WHERE follow_up_at_ms IS NOT NULL;
)sql"},
      // A refunded enrollment (POST /campaigns/{id}/enrollments/{member}/
      // refund): kept, but no longer counted as enrolled. The lead pass
      // reads enrollments again when one is refunded or restored.
      {19, "enrollment_refunds", R"sql(
ALTER TABLE enrollments ADD COLUMN refunded_at_ms INTEGER;
ALTER TABLE enrollments ADD COLUMN refund_reason TEXT NOT NULL DEFAULT '';
CREATE TRIGGER enrollments_refunded AFTER UPDATE OF refunded_at_ms
  ON enrollments BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'enrollments';
END;
)sql"},
      // A scored lead keeps its parts, not its total and tier: those follow
      // from the parts by the formula in force (scoring/score_formula.h),
      // kept in lead_formula, so that new weights rewrite no lead. The
      // pool's index orders by the formula's expression; the lead store
      // creates it (storage/lead_formula.h). `score` stays as an imported
      // lead's score (100 · probability), renamed to say so.
      {20, "lead_formula", R"sql(
DROP INDEX IF EXISTS leads_pool;
ALTER TABLE leads RENAME COLUMN score TO import_score;
ALTER TABLE leads DROP COLUMN tier;
UPDATE leads SET import_score = 0 WHERE source = 'score';
CREATE TABLE lead_formula (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  weight_fit REAL NOT NULL,
  weight_engagement REAL NOT NULL,
  weight_intent REAL NOT NULL,
  tier_a REAL NOT NULL,
  tier_b REAL NOT NULL,
  level_1 REAL NOT NULL,
  level_2 REAL NOT NULL
);
)sql"},
      // A scored lead's fit factors move to its row, beside its fit part:
      // new fit rules rewrite the row and leave lead_texts, whose other
      // factors and model inputs a pass rewrites only when their
      // texts_digest changes (scoring::SplitFactors, TextsDigest). A lead
      // written before keeps every factor in lead_texts ('' here) until a
      // pass writes it again.
      {21, "lead_fit_factors", R"sql(
ALTER TABLE leads ADD COLUMN fit_factors TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN texts_digest INTEGER NOT NULL DEFAULT 0;
)sql"},
      // A lead's probability, the model behind it and when it last
      // changed move to a narrow table of their own: a new model changes
      // every open lead's probability, and rewriting them in the leads
      // rows (46 MB for 303,000 leads) took 0.7 s in sqlite3 against
      // 0.13 s here (docs/benchmarks.md). No row: no probability yet. A
      // lead's updated_at is the later of its row's and this row's.
      {22, "lead_probabilities", R"sql(
CREATE TABLE lead_probabilities (
  lead_id INTEGER PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
  probability REAL NOT NULL,
  model_id INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
INSERT INTO lead_probabilities (lead_id, probability, model_id, updated_at_ms)
  SELECT id, probability, COALESCE(model_id, 0), updated_at_ms FROM leads
  WHERE probability IS NOT NULL;
ALTER TABLE leads DROP COLUMN probability;
ALTER TABLE leads DROP COLUMN model_id;
CREATE INDEX leads_imported ON leads (id) WHERE source = 'import';
)sql"},
      // A lead moved to another member (a merge of members moves the
      // merged record's lead, its undo moves it back) or deleted: counted
      // in 'lead_members', so that the rescoring engine forgets what it
      // wrote for each member (LeadStore::HeldOpenLeads), and in
      // 'lead_scores', so that a restart does not take up that memory.
      {23, "lead_members_epoch", R"sql(
INSERT INTO table_epochs (name, epoch) VALUES ('lead_members', 0);
CREATE TRIGGER leads_member_moved AFTER UPDATE OF member_id ON leads
  WHEN OLD.member_id IS NOT NEW.member_id BEGIN
  UPDATE table_epochs SET epoch = epoch + 1
    WHERE name IN ('lead_members', 'lead_scores');
END;
CREATE TRIGGER leads_deleted AFTER DELETE ON leads BEGIN
  UPDATE table_epochs SET epoch = epoch + 1
    WHERE name IN ('lead_members', 'lead_scores');
END;
)sql"},
      // What new intent weights change of a scored lead leaves lead_texts,
      // as the fit factors did (migration 21): its intent model input goes
      // to its row (NULL: the stored inputs hold it: a lead written before,
      // or imported; a frozen lead's stays as of contact), and its intent
      // factors to a narrow table of their own (no row: none, or still in
      // lead_texts), written when their digest in the row changes. In the
      // row itself they would make every row longer that a fit-rule pass
      // rewrites (docs/benchmarks.md).
      {24, "lead_intent", R"sql(
ALTER TABLE leads ADD COLUMN intent_input REAL;
ALTER TABLE leads ADD COLUMN intent_digest INTEGER NOT NULL DEFAULT 0;
CREATE TABLE lead_intent (
  lead_id INTEGER PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
  factors TEXT NOT NULL
);
)sql"},
      // The shop's order numbers an enrollment list carried, and the member
      // each went to: the same order imported again is that member's,
      // whatever else its row says (storage/campaign_repo.cc). A member
      // merged since is followed to the one it joined.
      {25, "enrollment_orders", R"sql(
CREATE TABLE enrollment_orders (
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
  order_no TEXT NOT NULL,
  member_id INTEGER NOT NULL REFERENCES members (id),
  PRIMARY KEY (campaign_id, order_no)
) WITHOUT ROWID;
)sql"},
      // The records merged into a member, for whether it signs in already
      // (storage/sqlite_member_store.cc): few rows, so a small index.
      {26, "members_merged_into", R"sql(
CREATE INDEX members_merged_into ON members (merged_into)
  WHERE merged_into IS NOT NULL;
)sql"},
      // Merges before this one moved a member's check-ins but not the hints
      // read from their photos, so the survivor's profile lacked them. A
      // hint now always goes with its check-in (identity_admin_repo.cc).
      {27, "hints_follow_checkins", R"sql(
UPDATE hints SET member_id = k.member_id FROM checkins k
  WHERE k.id = hints.checkin_id AND k.member_id != hints.member_id;
)sql"},
      // Hints found in what participants type (a check-in's text) beside
      // those read from photos, and how far the scan of the texts has come
      // (SqliteOcrJobStore::ReadTypedTexts): on an existing database it
      // starts with the first check-in, so earlier texts count too.
      {28, "text_hints", R"sql(
ALTER TABLE hints ADD COLUMN source TEXT NOT NULL DEFAULT 'photo'
  CHECK (source IN ('photo', 'text'));
CREATE TABLE text_hint_scan (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  through_id INTEGER NOT NULL
);
INSERT INTO text_hint_scan (id, through_id) VALUES (1, 0);
)sql"},
      // Who opened a content (GET /contents: `readers`) without a scan of
      // every event.
      {29, "events_content_reads", R"sql(
CREATE INDEX events_content_reads ON events (page, member_id)
  WHERE type = 'content_read';
)sql"},
      // A roster name an operator settled in the review queue, per group,
      // so that the next snapshot with the same row does not ask again
      // (and does not count the person as gone meanwhile). Filled from the
      // reviews settled before it, the latest per name winning, but for a
      // name two rows of one snapshot went by (two people: it says nothing
      // of which).
      {30, "roster_aliases", R"sql(
CREATE TABLE roster_aliases (
  group_id INTEGER NOT NULL REFERENCES chat_groups (id),
  nickname TEXT NOT NULL,
  member_id INTEGER NOT NULL REFERENCES members (id),
  review_id INTEGER NOT NULL REFERENCES identity_reviews (id),
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (group_id, nickname)
) WITHOUT ROWID;
INSERT OR REPLACE INTO roster_aliases
  SELECT s.group_id, e.nickname, r.resolved_member_id, r.id, r.created_at_ms
  FROM identity_reviews r JOIN roster_entries e ON e.id = r.entry_id
  JOIN roster_snapshots s ON s.id = e.snapshot_id
  WHERE r.status = 'resolved' AND r.resolved_member_id IS NOT NULL
    AND (SELECT COUNT(*) FROM roster_entries e2 WHERE e2.snapshot_id =
         e.snapshot_id AND e2.nickname = e.nickname) = 1
  ORDER BY r.id;
)sql"},
      // Group staff (班主任, 助教, the group's owner): accounts an operator
      // marked as the company's own. They stay in rosters and are matched
      // like anyone, but group figures and the dormant and reactivation
      // lists leave them out.
      {31, "members_staff", R"sql(
ALTER TABLE members ADD COLUMN staff INTEGER NOT NULL DEFAULT 0;
CREATE INDEX members_staff ON members (id) WHERE staff = 1;
)sql"},
      // The outcome a lead had when it was opened again (a lost lead
      // reopened by its rep, or returned to the pool when its parent came
      // back): still an outcome to train on, with the inputs it had.
      {32, "lead_past_outcomes", R"sql(
CREATE TABLE lead_past_outcomes (
  id INTEGER PRIMARY KEY,
  lead_id INTEGER NOT NULL REFERENCES leads (id),
  won INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  intent_input REAL,
  lost_reason TEXT NOT NULL,
  closed_at_ms INTEGER NOT NULL,
  reopened_at_ms INTEGER NOT NULL
);
)sql"},
      // A member's events by time, with their dwell: "active since", "last
      // active" and a campaign's dwell read a member's events through it
      // without a table row each (on a 100,000-member group, the matrix's
      // active count 0.87 s -> 0.13 s and the dormant list ~2 s -> 0.19 s;
      // docs/benchmarks.md). It keeps member_id first for merges, which
      // move a member's events; nothing searched by type through the old
      // one.
      {33, "events_by_member_time", R"sql(
DROP INDEX events_member_type;
CREATE INDEX events_member_ts ON events (member_id, ts_ms, dwell_ms);
)sql"},
      // A merge copies the merged record's events to the member it joins
      // (new ids, read as new events by whatever counts them) and deletes
      // them from the record, which is merged by then. Such a delete leaves
      // the epoch (migration 13) alone: what reads events by id counts them
      // for enrolled members (the lead pass, a campaign's dwell), and a
      // merged record has none left (a merge moves them, which bumps the
      // enrollments' epoch). A participant who opened the mini-program
      // before proving the phone their order was placed with is such a
      // merge; each had made every campaign's dwell and the lead pass's
      // event digest read all events again.
      {34, "events_copied_by_merges", R"sql(
DROP TRIGGER events_deleted;
CREATE TRIGGER events_deleted AFTER DELETE ON events
  WHEN NOT EXISTS (SELECT 1 FROM members WHERE id = OLD.member_id
                   AND merged_into IS NOT NULL) BEGIN
  UPDATE table_epochs SET epoch = epoch + 1 WHERE name = 'events';
END;
)sql"},
      // Per campaign, a counter of the changes to its enrollments and
      // check-ins that reads of the rows added since cannot see (a refund,
      // a merge moving them, a delete), for the campaign reports kept in
      // memory (storage/campaign_tally.h, campaign_dwell.h). With the
      // tables' epochs (migrations 11 and 15), a refund in one campaign had
      // every campaign's dwell read again, and a merge every leaderboard.
      {35, "campaign_epochs", R"sql(
CREATE TABLE campaign_epochs (
  campaign_id INTEGER PRIMARY KEY,
  enrollments INTEGER NOT NULL DEFAULT 0,
  checkins INTEGER NOT NULL DEFAULT 0
);
INSERT INTO campaign_epochs (campaign_id) SELECT id FROM campaigns;
-- A row per campaign, made with it (and here for those made before), so
-- that the triggers below only bump counters.
CREATE TRIGGER campaigns_epochs AFTER INSERT ON campaigns BEGIN
  INSERT OR IGNORE INTO campaign_epochs (campaign_id) VALUES (NEW.id);
END;
CREATE TRIGGER enrollments_campaign_updated
  AFTER UPDATE OF member_id, campaign_id, refunded_at_ms ON enrollments BEGIN
  UPDATE campaign_epochs SET enrollments = enrollments + 1
    WHERE campaign_id IN (OLD.campaign_id, NEW.campaign_id);
END;
-- A delete bumps every campaign's: the highest id, once deleted, is given
-- to the next row, which a read of the rows above the highest it read
-- would miss. (The server deletes neither.)
CREATE TRIGGER enrollments_campaign_deleted AFTER DELETE ON enrollments BEGIN
  UPDATE campaign_epochs SET enrollments = enrollments + 1;
END;
CREATE TRIGGER checkins_campaign_updated AFTER UPDATE ON checkins BEGIN
  UPDATE campaign_epochs SET checkins = checkins + 1
    WHERE campaign_id IN (OLD.campaign_id, NEW.campaign_id);
END;
CREATE TRIGGER checkins_campaign_deleted AFTER DELETE ON checkins BEGIN
  UPDATE campaign_epochs SET checkins = checkins + 1;
END;
)sql"},
      // A check-in moved to another member within its campaign (a merge,
      // or its undo), one row each, beside the campaign's counter
      // (migration 35): when every change the counter counts since a read
      // is such a move, and a member's check-ins all moved, a campaign's
      // kept tally moves that member's figures instead of reading the
      // campaign again (storage/campaign_tally.h).
      {36, "checkin_moves", R"sql(
CREATE TABLE checkin_moves (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL,
  checkin_id INTEGER NOT NULL,
  from_member INTEGER NOT NULL,
  into_member INTEGER NOT NULL
);
CREATE INDEX checkin_moves_campaign ON checkin_moves (campaign_id, id);
CREATE TRIGGER checkins_member_moved AFTER UPDATE OF member_id ON checkins
  WHEN OLD.member_id IS NOT NEW.member_id
    AND OLD.campaign_id = NEW.campaign_id BEGIN
  INSERT INTO checkin_moves (campaign_id, checkin_id, from_member,
                             into_member)
    VALUES (NEW.campaign_id, NEW.id, OLD.member_id, NEW.member_id);
END;
)sql"},
  };
  return kMigrations;
}

}  // namespace

int LatestSchemaVersion() { return AllMigrations().back().version; }

Result<int> CurrentSchemaVersion(Connection& conn) {
  QY_RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"));
  QY_ASSIGN_OR_RETURN(
      Statement * st,
      conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  QY_ASSIGN_OR_RETURN(bool row, st->Step());
  int v = row ? static_cast<int>(st->Int(0)) : 0;
  st->Reset();
  return v;
}

Result<int> ApplyMigrations(Connection& conn) {
  return ApplyMigrationsUpTo(conn, LatestSchemaVersion());
}

Result<int> ApplyMigrationsUpTo(Connection& conn, int version) {
  QY_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(conn));
  if (current > LatestSchemaVersion()) {
    return Status::Internal("database schema version " +
                            std::to_string(current) +
                            " is newer than this build knows (" +
                            std::to_string(LatestSchemaVersion()) + ")");
  }
  for (const Migration& m : AllMigrations()) {
    if (m.version <= current) continue;
    if (m.version > version) break;
    QY_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    Status s = conn.Exec(m.sql);
    if (s.ok()) {
      auto st = conn.Prepare(
          "INSERT INTO schema_migrations (version, name) VALUES (?, ?)");
      s = st.ok() ? (*st)->Bind(1, m.version).Bind(2, m.name).Run()
                  : st.status();
    }
    if (!s.ok()) {
      (void)conn.Exec("ROLLBACK");
      return Status(s.code(), "migration " + std::to_string(m.version) + " (" +
                                  m.name + ") failed: " + s.message());
    }
    QY_RETURN_IF_ERROR(conn.Exec("COMMIT"));
    current = m.version;
  }
  // Also for a crash between a rescoring pass's drop of the pool index and
  // its creation (storage/sqlite_lead_store.h).
  if (current >= 20) QY_RETURN_IF_ERROR(EnsurePoolIndex(conn));
  return current;
}

}  // namespace qunying::storage
