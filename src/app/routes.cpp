// The one route table (http/route_table.h): every endpoint of the Graph,
// identity and control planes, one row each. Adding an endpoint is one row
// here and one handler. Columns: methods, path template, plane, operation
// (journal, fault rules, throttling, permissions), handler, admission flags.
#include "control/control_plane.h"
#include "http/handlers.h"
#include "http/identity.h"
#include "http/route_table.h"

namespace gpm::http {
namespace {

using P = Plane;

// The Graph presence rows run on the {presence} the path addresses.
template <Reply (*Fn)(Service&, RequestContext&, const PresenceRoute&)>
Reply on_presence(Service& s, RequestContext& ctx, const RouteArgs& a) {
  return Fn(s, ctx, a.presence);
}

HttpResponse presences_by_user_id(Service& s, RequestContext& ctx,
                                  const RouteArgs& a) {
  return handle_get_presences_by_user_id(s, ctx, a.version);
}

constexpr uint8_t kRead = kAuth | kThrottled | kJournaled | kSelect;
constexpr uint8_t kAction = kAuth | kThrottled | kJournaled | kBody;
constexpr uint8_t kControlBody = kBody;

}  // namespace

const RouteTable& mock_route_table() {
  static const RouteTable table{
      // The Graph API (E1-E11): {version} is v1.0 and beta; {presence} is
      // users/{id}/presence, me/presence and communications/presences/{id}.
      {kGet, "/{version}/{presence}", P::Graph, "getPresence",
       on_presence<handle_get_presence>, kRead},
      {kPost, "/{version}/{presence}/setPresence", P::Graph, "setPresence",
       on_presence<handle_set_presence>, kAction},
      {kPost, "/{version}/{presence}/clearPresence", P::Graph, "clearPresence",
       on_presence<handle_clear_presence>, kAction},
      {kPost, "/{version}/{presence}/setUserPreferredPresence", P::Graph,
       "setUserPreferredPresence",
       on_presence<handle_set_user_preferred_presence>, kAction},
      {kPost, "/{version}/{presence}/clearUserPreferredPresence", P::Graph,
       "clearUserPreferredPresence",
       on_presence<handle_clear_user_preferred_presence>, kAction},
      {kPost, "/{version}/{presence}/setStatusMessage", P::Graph,
       "setStatusMessage", on_presence<handle_set_status_message>, kAction},
      {kPost, "/{version}/{presence}/setManualLocation", P::Graph,
       "setManualLocation", on_presence<handle_set_manual_location>, kAction},
      {kPost, "/{version}/{presence}/setAutomaticLocation", P::Graph,
       "setAutomaticLocation", on_presence<handle_set_automatic_location>,
       kAction},
      {kPost, "/{version}/{presence}/clearAutomaticLocation", P::Graph,
       "clearAutomaticLocation", on_presence<handle_clear_automatic_location>,
       kAction},
      {kPost, "/{version}/{presence}/clearLocation", P::Graph, "clearLocation",
       on_presence<handle_clear_location>, kAction},
      {kPost, "/{version}/communications/getPresencesByUserId", P::Graph,
       "getPresencesByUserId", presences_by_user_id, kAction | kSelect},
      // R6.10: the envelope is authenticated; its items are routed (and
      // counted) one by one.
      {kPost, "/{version}/$batch", P::Graph, "batch", handle_batch_route,
       kAuth | kJournaled | kBody},

      // The identity platform (http/identity.h); these answer every method
      // themselves, in OAuth's error shape.
      {kPost, "/{tenant}/oauth2/v2.0/token", P::Identity, "token",
       handle_oauth_token},
      {kPost, "/{tenant}/oauth2/token", P::Identity, "tokenV1",
       handle_oauth_token_v1},
      {kGet, "/{tenant}/v2.0/.well-known/openid-configuration", P::Identity,
       "openidConfiguration", handle_openid_configuration},
      {kGet, "/{tenant}/.well-known/openid-configuration", P::Identity,
       "openidConfigurationV1", handle_openid_configuration_v1},
      {kGet, "/{tenant}/discovery/v2.0/keys", P::Identity, "keys", handle_keys},
      {kGet, "/{tenant}/discovery/keys", P::Identity, "keysV1", handle_keys},
      {kGet, "/{tenant}/discovery/instance", P::Identity, "instance",
       handle_instance_discovery},

      // The control plane (docs/control-plane.md).
      {kGet, "/_mock/health", P::Control, "health", control::health},
      {kGet, "/_mock/routes", P::Control, "routes", control::routes},
      {kGet, "/_mock/openapi.json", P::Control, "openapi", control::openapi},
      {kGet | kPost, "/_mock/clock", P::Control, "clock", control::clock,
       kControlBody},
      {kPost, "/_mock/reset", P::Control, "reset", control::reset,
       kControlBody},
      {kGet, "/_mock/tenants", P::Control, "tenants", control::tenants},
      {kGet, "/_mock/state", P::Control, "state", control::state},
      {kGet, "/_mock/state/{id}", P::Control, "userState", control::state},
      {kGet | kPost, "/_mock/snapshot", P::Control, "snapshot",
       control::snapshot, kControlBody},
      {kGet | kPost, "/_mock/users", P::Control, "users", control::users,
       kControlBody},
      {kGet | kPut | kDelete, "/_mock/users/{id}", P::Control, "user",
       control::user, kControlBody},
      {kPost, "/_mock/users/{id}/sessions", P::Control, "addSession",
       control::user_sessions, kControlBody},
      {kDelete, "/_mock/users/{id}/sessions/{sessionId}", P::Control,
       "removeSession", control::user_session},
      {kPut, "/_mock/users/{id}/outOfOfficeSettings", P::Control,
       "outOfOfficeSettings", control::user_out_of_office, kControlBody},
      {kPost, "/_mock/fixtures", P::Control, "fixtures", control::fixtures,
       kControlBody},
      {kGet | kDelete, "/_mock/journal", P::Control, "journal",
       control::journal},
      {kPost, "/_mock/journal/count", P::Control, "journalCount",
       control::journal_count, kControlBody},
      {kGet | kPut, "/_mock/throttling", P::Control, "throttling",
       control::throttling, kControlBody},
      {kGet | kPost | kDelete, "/_mock/faults", P::Control, "faults",
       control::faults, kControlBody},
      {kGet | kDelete, "/_mock/faults/{id}", P::Control, "fault",
       control::fault},
      {kGet | kPut, "/_mock/latency", P::Control, "latency", control::latency,
       kControlBody},
      {kPost, "/_mock/token", P::Control, "mockToken", control::token,
       kControlBody},
  };
  return table;
}

}  // namespace gpm::http
