// Participants' check-ins and events, and staff views of check-ins.
#include <charconv>
#include <cmath>

#include "core/time_util.h"
#include "core/utf8.h"
#include "ocr/image_sniff.h"
#include "server/api.h"

namespace qunying::server {
namespace {

constexpr size_t kMaxEventsPerBatch = 500;
// Events stamped further from the server's clock than this are refused.
constexpr int64_t kEventPastWindowMs = 7LL * 86400 * 1000;
constexpr int64_t kEventFutureWindowMs = 5LL * 60 * 1000;

Json CheckinJson(const community::CheckinRecord& k) {
  return {{"id", IdString(k.id)},
          {"member_id", IdString(k.member_id)},
          {"campaign_id", IdString(k.campaign_id)},
          {"day", k.day},
          {"text", k.text},
          {"duration_s", k.duration_s},
          {"client_id", k.client_id},
          {"makeup", k.makeup},
          {"has_photo", !k.photo_sha256.empty()},
          {"ocr_status", k.ocr_status},
          {"created_at", FormatRfc3339(k.created_at_ms)}};
}

// Reads a check-in from JSON, or from multipart fields (all strings there).
Result<community::CheckinInput> CheckinFields(const Request& r,
                                              std::string* photo) {
  Json fields = Json::object();
  const auto& http = r.http;
  if (http.is_multipart_form_data()) {
    if (http.files.count("photo") > 1)
      return Status::InvalidArgument("send one photo part, not several",
                                     "photo");
    for (const auto& [name, part] : http.files) {
      // A photo sent under another name would otherwise be dropped quietly
      // and the check-in stored without it.
      if (name != "photo" && !part.filename.empty()) {
        return Status::InvalidArgument(
            "part '" + name +
                "' is a file: send the photo in a part named "
                "'photo'",
            name);
      }
      if (name != "photo" && http.files.count(name) > 1) {
        return Status::InvalidArgument(
            "send one '" + name + "' part, not several", name);
      }
      if (name == "photo") {
        *photo = part.content;
        if (photo->empty())
          return Status::UnsupportedMedia("photo part is empty");
        continue;
      }
      if (name == "duration_s" || name == "makeup_day") {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(
            part.content.data(), part.content.data() + part.content.size(), v);
        if (ec != std::errc() ||
            p != part.content.data() + part.content.size()) {
          return Status::InvalidArgument(
              "field '" + name + "' must be an integer", name);
        }
        fields[name] = v;
      } else {
        fields[name] = part.content;
      }
    }
  } else {
    QY_ASSIGN_OR_RETURN(fields, r.JsonBody());
  }
  community::CheckinInput in;
  QY_ASSIGN_OR_RETURN(in.campaign_id, GetId(fields, "campaign_id"));
  if (!in.campaign_id)
    return Status::InvalidArgument("field 'campaign_id' is required",
                                   "campaign_id");
  QY_ASSIGN_OR_RETURN(in.client_id, RequireString(fields, "client_id", 64));
  if (in.client_id.empty() || HasControlChars(in.client_id)) {
    return Status::InvalidArgument(
        "field 'client_id' must be 1–64 plain characters", "client_id");
  }
  QY_ASSIGN_OR_RETURN(in.text, GetStringOr(fields, "text", "", 8000));
  if (Utf8Length(in.text) > 2000) {
    return Status::InvalidArgument(
        "field 'text' is longer than 2000 characters", "text");
  }
  QY_ASSIGN_OR_RETURN(auto duration, GetInt(fields, "duration_s", false));
  if (duration && (*duration < 0 || *duration > 86400)) {
    return Status::InvalidArgument("duration_s must be from 0 to 86400",
                                   "duration_s");
  }
  in.duration_s = static_cast<int>(duration.value_or(0));
  QY_ASSIGN_OR_RETURN(auto makeup, GetInt(fields, "makeup_day", false));
  if (makeup && (*makeup < 1 || *makeup > 366)) {
    return Status::InvalidArgument("makeup_day must be a campaign day",
                                   "makeup_day");
  }
  in.makeup_day = static_cast<int>(makeup.value_or(0));
  return in;
}

Result<community::EventInput> EventFromJson(const Json& e, size_t i,
                                            int64_t now) {
  std::string at = "events[" + std::to_string(i) + "]";
  auto bad = [&](const std::string& what, const char* field) {
    return Status::InvalidArgument(at + "." + what, at + "." + field);
  };
  if (!e.is_object())
    return Status::InvalidArgument(at + " must be an object", at);
  community::EventInput ev;
  auto type = GetString(e, "type", true, 32);
  if (!type.ok()) return bad(type.status().message(), "type");
  ev.type = **type;
  if (ev.type.empty() ||
      ev.type.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") !=
          std::string::npos) {
    return bad(
        "type must be lower-case letters and '_' (page_view, content_read, "
        "share …)",
        "type");
  }
  auto page = GetString(e, "page", false, 256);
  if (!page.ok()) return bad(page.status().message(), "page");
  ev.page = page->value_or("");
  auto client = GetString(e, "client_id", true, 64);
  if (!client.ok() || (*client)->empty())
    return bad("client_id is required (1–64 characters)", "client_id");
  ev.client_id = **client;
  auto dwell = GetInt(e, "dwell_ms", false);
  if (!dwell.ok() || (*dwell && (**dwell < 0 || **dwell > 86400000))) {
    return bad("dwell_ms must be from 0 to 86400000", "dwell_ms");
  }
  ev.dwell_ms = dwell->value_or(0);
  // An RFC 3339 string, or epoch milliseconds as a mini-program's
  // Date.now() gives them.
  auto t = e.find("ts");
  int64_t ts_ms = 0;
  if (t != e.end() && t->is_number_integer()) {
    ts_ms = t->get<int64_t>();
  } else if (t != e.end() && t->is_string()) {
    auto parsed = ParseRfc3339(t->get<std::string>());
    if (!parsed.ok()) return bad("ts: " + parsed.status().message(), "ts");
    ts_ms = *parsed;
  } else {
    return bad(
        "ts must be an RFC 3339 time (2026-03-01T20:15:00+08:00) or epoch "
        "milliseconds",
        "ts");
  }
  if (ts_ms < now - kEventPastWindowMs || ts_ms > now + kEventFutureWindowMs) {
    return bad("ts is outside the accepted window (the last 7 days)", "ts");
  }
  ev.ts_ms = ts_ms;
  return ev;
}

}  // namespace

Result<Reply> MpCheckin(Services& s, Request& r) {
  std::string photo;
  QY_ASSIGN_OR_RETURN(community::CheckinInput in, CheckinFields(r, &photo));
  in.member_id = r.principal.id;
  in.now_ms = s.clock->NowMillis();
  if (!photo.empty()) {
    QY_ASSIGN_OR_RETURN(ocr::ImageInfo info, ocr::SniffImage(photo));
    // On disk (fsynced) before the database commit that refers to it.
    QY_ASSIGN_OR_RETURN(in.photo_sha256, s.blobs->Put(photo));
    in.photo_type = info.mime_type;
  }
  auto out = s.community->CreateCheckin(in);
  if (!out.ok() && out.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("campaign not found");
  }
  if (!out.ok()) return out.status();
  if (out->created && !in.photo_sha256.empty() && s.ocr_notify) s.ocr_notify();
  return Reply{out->created ? 201 : 200,
               {{"id", IdString(out->checkin.id)},
                {"day", out->checkin.day},
                {"streak", out->streak},
                {"makeup", out->checkin.makeup},
                {"ocr_status", out->checkin.ocr_status}}};
}

Result<Reply> MpEvents(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(Json body, r.JsonBody());
  auto list = body.find("events");
  if (list == body.end() || !list->is_array()) {
    return Status::InvalidArgument("field 'events' must be an array", "events");
  }
  if (list->size() > kMaxEventsPerBatch) {
    return Status::TooLarge("at most " + std::to_string(kMaxEventsPerBatch) +
                            " events per batch");
  }
  int64_t now = s.clock->NowMillis();
  std::vector<community::EventInput> events;
  for (size_t i = 0; i < list->size(); ++i) {
    QY_ASSIGN_OR_RETURN(auto e, EventFromJson((*list)[i], i, now));
    events.push_back(std::move(e));
  }
  QY_ASSIGN_OR_RETURN(int64_t added,
                      s.community->AddEvents(r.principal.id, events, now));
  return Reply{202,
               {{"accepted", static_cast<int64_t>(events.size())},
                {"new", added},
                {"duplicates", static_cast<int64_t>(events.size()) - added}}};
}

Result<Reply> GetCheckin(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(auto k, s.community->GetCheckin(id));
  bool admin = r.principal.role == auth::Role::kAdmin;
  Json j = CheckinJson(k);
  j["text"] = MemberText(k.text, admin);
  if (!k.photo_sha256.empty()) {
    j["photo_url"] = "/api/v1/checkins/" + IdString(k.id) + "/photo";
  }
  j["ocr_text"] = k.ocr_status == "done" ? Json(MemberText(k.ocr_text, admin))
                                         : Json(nullptr);
  if (k.ocr_status == "done")
    j["ocr_confidence"] = std::round(k.ocr_confidence * 10) / 10;
  if (k.ocr_status == "failed") j["ocr_error"] = k.ocr_error;
  QY_ASSIGN_OR_RETURN(auto hints, s.ocr_jobs->HintsFor(k.id, 0));
  j["hints"] = HintsJson(hints, admin);
  return Reply{200, j};
}

Result<Reply> GetCheckinPhoto(Services& s, Request& r) {
  QY_ASSIGN_OR_RETURN(int64_t id, r.IdParam("id"));
  QY_ASSIGN_OR_RETURN(auto k, s.community->GetCheckin(id));
  return PhotoReply(s, k);
}

Result<Reply> PhotoReply(Services& s, const community::CheckinRecord& k) {
  if (k.photo_sha256.empty())
    return Status::NotFound("this check-in has no photo");
  QY_ASSIGN_OR_RETURN(std::string bytes, s.blobs->Get(k.photo_sha256));
  QY_ASSIGN_OR_RETURN(ocr::ImageInfo info, ocr::SniffImage(bytes));
  Reply reply;
  reply.content_type = info.mime_type;
  reply.raw = std::move(bytes);
  return reply;
}

}  // namespace qunying::server
