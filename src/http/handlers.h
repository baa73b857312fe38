// Handlers: one function per Graph operation (handle_<operation>). Each
// turns a routed request into a response through the store and returns it
// with what the journal records of the call (JournalFacts); failures are
// thrown as GraphError, or as FailedCall once facts are known, and written
// by the router.
// Thread-safe: state lives in the store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/graph_json.h"
#include "http/route_table.h"
#include "http/router.h"

namespace gpm::http {

Reply handle_get_presence(Service& s, RequestContext& ctx,
                          const PresenceRoute& r);
Reply handle_set_presence(Service& s, RequestContext& ctx,
                          const PresenceRoute& r);
Reply handle_clear_presence(Service& s, RequestContext& ctx,
                            const PresenceRoute& r);
Reply handle_set_user_preferred_presence(Service& s, RequestContext& ctx,
                                         const PresenceRoute& r);
Reply handle_clear_user_preferred_presence(Service& s, RequestContext& ctx,
                                           const PresenceRoute& r);
Reply handle_set_status_message(Service& s, RequestContext& ctx,
                                const PresenceRoute& r);
// The work-location actions (E8-E11): 204 on success (R3.8.3).
Reply handle_set_manual_location(Service& s, RequestContext& ctx,
                                 const PresenceRoute& r);
Reply handle_set_automatic_location(Service& s, RequestContext& ctx,
                                    const PresenceRoute& r);
Reply handle_clear_automatic_location(Service& s, RequestContext& ctx,
                                      const PresenceRoute& r);
Reply handle_clear_location(Service& s, RequestContext& ctx,
                            const PresenceRoute& r);
HttpResponse handle_get_presences_by_user_id(Service& s, RequestContext& ctx,
                                             std::string_view version);

// POST /{version}/$batch (http/batch.h), as the route table calls it.
HttpResponse handle_batch_route(Service& s, RequestContext& ctx,
                                const RouteArgs& a);

// 200 with a JSON body of the given content type.
HttpResponse json_response(int status, std::string body,
                           std::string_view content_type);
// 200 with no body and no Content-Type (a successful action).
HttpResponse empty_ok();
// 204 No Content: no body and no Content-Type.
HttpResponse no_content();

}  // namespace gpm::http
