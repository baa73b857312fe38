// The work-location actions (E8-E11, R4.11): setManualLocation,
// setAutomaticLocation, clearAutomaticLocation and clearLocation on every
// presence path form. Real Graph allows them to delegated tokens only
// (R5.1-R5.5); permissive mode checks no permissions, so any token passes.
#include "graph/graph_json.h"
#include "http/handlers.h"
#include "http/presence_target.h"

namespace gpm::http {

HttpResponse no_content() {
  HttpResponse res;
  res.status = 204;
  return res;
}

// R3.8.3, R3.9.4: the examples answer 204, so does the mock.
Reply handle_set_manual_location(Service& s, RequestContext& ctx,
                                 const PresenceRoute& r) {
  core::WorkLocationSignal signal = graph::parse_set_location(ctx.request.body);
  JournalFacts facts;
  return with_facts(facts, [&] {
    with_target(s, ctx, r, facts, [&](store::User& u) {
      u.presence.set_manual_location(signal, ctx.now);
    });
    return no_content();
  });
}

Reply handle_set_automatic_location(Service& s, RequestContext& ctx,
                                    const PresenceRoute& r) {
  core::WorkLocationSignal signal = graph::parse_set_location(ctx.request.body);
  JournalFacts facts;
  return with_facts(facts, [&] {
    with_target(s, ctx, r, facts, [&](store::User& u) {
      u.presence.set_automatic_location(signal, ctx.now);
    });
    return no_content();
  });
}

Reply handle_clear_automatic_location(Service& s, RequestContext& ctx,
                                      const PresenceRoute& r) {
  graph::parse_clear_location(ctx.request.body);
  JournalFacts facts;
  return with_facts(facts, [&] {
    with_target(s, ctx, r, facts, [&](store::User& u) {
      u.presence.clear_automatic_location(ctx.now);
    });
    return no_content();
  });
}

Reply handle_clear_location(Service& s, RequestContext& ctx,
                            const PresenceRoute& r) {
  graph::parse_clear_location(ctx.request.body);
  JournalFacts facts;
  return with_facts(facts, [&] {
    with_target(s, ctx, r, facts,
                [&](store::User& u) { u.presence.clear_location(ctx.now); });
    return no_content();
  });
}

}  // namespace gpm::http
