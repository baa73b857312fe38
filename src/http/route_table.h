// The one route table: every endpoint the mock serves, on every plane (the
// Graph API, the identity platform's OAuth and discovery documents, the
// /_mock/ control plane), one row each. The router matches a request's path
// against the rows, answers 404 and 405 (with Allow) from them, runs the
// admission steps a row's flags ask for, and calls its handler;
// GET /_mock/routes lists the rows. The rows themselves are written in
// src/app/routes.cpp, the composition root, so that http never includes the
// planes it serves (control depends on http, not the reverse).
// Depends on http/request and the Graph path forms. Thread-safe: immutable
// once built.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph_error.h"
#include "graph/graph_json.h"
#include "http/request.h"

namespace gpm::http {

struct Service;
struct RequestContext;

enum class Plane : uint8_t { Graph, Identity, Control };
std::string_view to_string(Plane p);

// Methods a row serves. A row that serves GET serves HEAD too.
enum Method : uint8_t { kGet = 1, kPost = 2, kPut = 4, kDelete = 8 };

// Admission steps a row asks for (http/admission.h runs them in order).
enum RouteFlag : uint8_t {
  kAuth = 1,       // the bearer token is checked (D12, strict auth)
  kThrottled = 2,  // counted against the app's window; fault rules and
                   // latency apply (R6.6, fault injection)
  kJournaled = 4,  // recorded in the tenant's journal
  kSelect = 8,     // $select is allowed (any other $ option is a 400)
  kBody = 16,      // a JSON body may come (D18: Content-Type checked)
};

// A presence reached through one of its three path forms (E1-E11).
struct PresenceRoute {
  std::string version;  // "v1.0" or "beta"
  graph::PresencePathForm form;
  std::string user;  // the {id} of the path as written; empty for /me
  // `user` lower-cased, once per request: the key the journal, fault rules
  // and the ownership check compare (ids and UPNs ignore case).
  std::string user_key;
};

// What the matched row hands its handler.
struct RouteArgs {
  std::string_view version;   // Graph rows: "v1.0" or "beta"
  PresenceRoute presence;     // Graph presence rows
  bool has_presence = false;  // the row is one of a {presence} path
  // The decoded values of the template's {…} segments, in order.
  std::vector<std::string> params;
  // The decoded path segments after any /tenants/{t} prefix.
  const std::vector<std::string>* segments = nullptr;
  std::string_view query;                   // raw
  const class RouteTable* table = nullptr;  // the table that matched
  const class Router* router = nullptr;     // that ran it ($batch items)
};

// What the journal records of a call that only its handler learns: the
// user the call reached (the store's id of the addressed user), the
// application a set/clearPresence body names (its sessionId), and the
// Service::write_sequence at which its change took effect.
struct JournalFacts {
  std::optional<std::string> user;
  std::optional<std::string> app;
  std::optional<uint64_t> write_sequence;
};

// A handler's answer with the facts the journal records of it.
struct Reply {
  Reply(HttpResponse r = {}) : response(std::move(r)) {}  // NOLINT: implicit
  Reply(HttpResponse r, JournalFacts f)
      : response(std::move(r)), facts(std::move(f)) {}
  HttpResponse response;
  JournalFacts facts;
};

// Thrown by a handler that fails after it learned some journal facts (a
// 404 for a user it resolved, a 400 for a sessionId it read): the router
// answers `error` as it would the bare GraphError and journals `facts`.
struct FailedCall {
  graph::GraphError error;
  JournalFacts facts;
};

// Runs `fn` (returning HttpResponse), which fills `facts` as it learns
// them, and returns its response with the facts; a failure leaves as a
// FailedCall carrying what was learned by then (an exception other than a
// GraphError as the internal error the router would answer for it).
template <typename Fn>
Reply with_facts(JournalFacts& facts, Fn&& fn) {
  try {
    HttpResponse res = fn();
    return Reply(std::move(res), std::move(facts));
  } catch (const graph::GraphError& e) {
    throw FailedCall{e, std::move(facts)};
  } catch (...) {
    throw FailedCall{graph::errors::internal(), std::move(facts)};
  }
}

// A row's handler: either one whose calls the journal records nothing of
// beyond the request (the identity and control planes, $batch), or one
// that returns journal facts with its answer (the presence operations).
class RouteHandler {
 public:
  using Plain = HttpResponse (*)(Service&, RequestContext&, const RouteArgs&);
  using Recording = Reply (*)(Service&, RequestContext&, const RouteArgs&);
  RouteHandler(Plain f) : plain_(f) {}          // NOLINT: implicit
  RouteHandler(Recording f) : recording_(f) {}  // NOLINT: implicit
  Reply operator()(Service& s, RequestContext& ctx, const RouteArgs& a) const {
    if (recording_) return recording_(s, ctx, a);
    return Reply(plain_(s, ctx, a));
  }

 private:
  Plain plain_ = nullptr;
  Recording recording_ = nullptr;
};

// One endpoint. `path` is a template of literal segments and {name}
// segments that match any one segment; on the Graph plane {version} stands
// for v1.0 and beta and the form {presence} for the three presence paths
// (users/{id}/presence, me/presence, communications/presences/{id}), and
// the row is listed once per concrete path.
struct Route {
  uint8_t methods;        // Method bits
  std::string_view path;  // template, from the root, e.g. "/_mock/clock"
  Plane plane;
  std::string_view operation;  // journal, fault rules, throttling, auth
  RouteHandler handler;
  uint8_t flags = 0;  // RouteFlag bits
};

// A request's path matched against the table.
struct RouteMatch {
  enum class Kind {
    Found,             // `route` serves the method
    MethodNotAllowed,  // the path is served, not with this method: `allow`
    UnknownSegment,    // a Graph path that leads nowhere: `segment`
    UnknownPath,       // no plane serves the path
  };
  Kind kind = Kind::UnknownPath;
  const Route* route = nullptr;
  RouteArgs args;
  uint8_t allow = 0;    // Method bits of the rows serving the path
  std::string segment;  // the Graph segment to name in the 404
};

class RouteTable {
 public:
  explicit RouteTable(std::initializer_list<Route> rows);
  RouteTable(const RouteTable&) = delete;  // rows are referred to by address
  RouteTable& operator=(const RouteTable&) = delete;

  // Matches the decoded `segments` (after any tenant prefix) of a request
  // with `method`. Literal segments match ignoring ASCII case on the Graph
  // and identity planes and exactly on /_mock/; a Graph action may carry
  // the "microsoft.graph." namespace OData allows.
  RouteMatch match(std::string_view method,
                   const std::vector<std::string>& segments) const {
    return match(method, segments, plane_of(segments));
  }
  // The same when the plane is known (plane_of(segments)).
  RouteMatch match(std::string_view method,
                   const std::vector<std::string>& segments, Plane plane) const;
  // The plane a path belongs to without matching a row (tenant choice,
  // journaling): _mock, identity documents, else Graph.
  Plane plane_of(const std::vector<std::string>& segments) const;

  // Every concrete row, in table order, as GET /_mock/routes lists them.
  struct Entry {
    const Route* route;
    std::string path;  // concrete path template, e.g. /v1.0/me/presence
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  struct Compiled {
    const Route* route;
    Plane plane;
    std::vector<std::string> segments;  // literal, or "{…}" for a param
    std::string version;                // Graph rows
    graph::PresencePathForm form = graph::PresencePathForm::Users;
    int user_param = -1;    // segment index of the user, if any
    bool presence = false;  // a {presence} path
    bool action = false;    // the last segment is an action name
  };
  bool matches(const Compiled& c, const std::vector<std::string>& seg,
               size_t& depth) const;
  std::vector<Route> rows_;
  std::vector<Compiled> compiled_;
  // Indexes into compiled_ by plane (Graph: by version, v1.0 then beta),
  // so a request scans only the rows it could match.
  std::vector<uint16_t> by_plane_[4];
  std::vector<Entry> entries_;
};

// "GET, POST": the methods of Method bits, as errors::method_not_allowed
// takes them (the router adds HEAD beside GET).
std::string allow_list(uint8_t methods);
// The Method bit of a request method (HEAD counts as GET); 0 for others.
uint8_t method_bit(std::string_view method);
// GET or HEAD: every row that serves GET serves HEAD alike.
inline bool is_get(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

// The table of the running mock, defined by the composition root
// (src/app/routes.cpp).
const RouteTable& mock_route_table();

}  // namespace gpm::http
