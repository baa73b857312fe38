// The /_mock/ plane as the route table calls it (src/app/routes.cpp): one
// handler per endpoint, each taking the matched row's arguments; the table
// has checked the path and that the method is one the row serves. Depends on
// the router's public API (http/handlers.h, http/route_table.h); the router
// never includes control. Thread-safe as the tenants are.
#pragma once

#include "http/handlers.h"
#include "http/route_table.h"

namespace gpm::control {

using http::HttpResponse;
using http::RequestContext;
using http::RouteArgs;
using http::Service;

HttpResponse health(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse routes(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse clock(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse reset(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse tenants(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse state(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse snapshot(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse users(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse user(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse user_sessions(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse user_session(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse user_out_of_office(Service& s, RequestContext& ctx,
                                const RouteArgs& a);
HttpResponse fixtures(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse journal(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse journal_count(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse throttling(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse faults(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse fault(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse latency(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse token(Service& s, RequestContext& ctx, const RouteArgs& a);

}  // namespace gpm::control
