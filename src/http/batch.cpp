#include "http/batch.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "graph/graph_error.h"
#include "graph/graph_json.h"
#include "http/handlers.h"
#include "store/store.h"

namespace gpm::http {
namespace {

namespace errors = graph::errors;
using nlohmann::json;
using nlohmann::ordered_json;

// The direct-call limit on a request target (cpp-httplib's 8,192 bytes).
constexpr size_t kMaxTargetBytes = 8192;

struct Item {
  std::string id;
  std::string method;
  std::string url;
  HeaderMap headers;
  std::optional<std::string> body;
  std::vector<size_t> depends_on;  // indexes into the batch
};

std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

[[noreturn]] void malformed(const std::string& what) {
  throw errors::bad_request("Invalid batch request: " + what);
}

std::vector<Item> parse_items(const std::string& body) {
  json doc = graph::parse_object_body(body, false);
  auto requests = doc.find("requests");
  if (requests == doc.end() || !requests->is_array()) {
    malformed("the body must be {\"requests\": [ ... ]}.");
  }
  if (requests->empty()) malformed("'requests' is empty.");
  if (requests->size() > kMaxBatchRequests) {
    malformed("it has " + std::to_string(requests->size()) +
              " requests; at most 20 are allowed.");
  }
  std::vector<Item> items;
  std::unordered_map<std::string, size_t> index;  // lower-case id -> item
  for (size_t i = 0; i < requests->size(); ++i) {
    const json& r = (*requests)[i];
    std::string where = "requests[" + std::to_string(i) + "]";
    if (!r.is_object()) malformed(where + " is not an object.");
    auto text = [&](const char* key) {
      auto it = r.find(key);
      if (it == r.end() || !it->is_string() || it->get<std::string>().empty()) {
        malformed(where + "." + key + " is required and must be a string.");
      }
      return it->get<std::string>();
    };
    Item item;
    item.id = text("id");
    item.method = upper(text("method"));
    item.url = text("url");
    // R6.11: ids are unique ignoring case.
    if (!index.emplace(store::to_lower_ascii(item.id), i).second) {
      malformed("the id '" + item.id + "' is used twice.");
    }
    if (auto h = r.find("headers"); h != r.end() && !h->is_null()) {
      if (!h->is_object()) malformed(where + ".headers must be an object.");
      for (const auto& [k, v] : h->items()) {
        if (!v.is_string()) {
          malformed(where + ".headers." + k + " must be a string.");
        }
        item.headers.emplace(k, v.get<std::string>());
      }
    }
    if (auto b = r.find("body"); b != r.end() && !b->is_null()) {
      item.body = b->is_string() ? b->get<std::string>() : graph::dump(*b);
    }
    items.push_back(std::move(item));
  }
  // dependsOn, resolved once every id is known.
  for (size_t i = 0; i < requests->size(); ++i) {
    auto d = (*requests)[i].find("dependsOn");
    if (d == (*requests)[i].end() || d->is_null()) continue;
    if (!d->is_array()) {
      malformed("requests[" + std::to_string(i) +
                "].dependsOn must be an array of ids.");
    }
    for (const json& dep : *d) {
      auto it = dep.is_string()
                    ? index.find(store::to_lower_ascii(dep.get<std::string>()))
                    : index.end();
      if (it == index.end() || it->second == i) {
        malformed("requests[" + std::to_string(i) +
                  "].dependsOn names no other request of the batch.");
      }
      items[i].depends_on.push_back(it->second);
    }
  }
  return items;
}

// Request order, except that an item runs after everything it depends on.
std::vector<size_t> execution_order(const std::vector<Item>& items) {
  std::vector<size_t> order;
  std::vector<int> state(items.size(), 0);       // 0 new, 1 visiting, 2 done
  std::vector<std::pair<size_t, size_t>> stack;  // (item, next dependency)
  for (size_t root = 0; root < items.size(); ++root) {
    if (state[root] == 2) continue;
    stack.push_back({root, 0});
    state[root] = 1;
    while (!stack.empty()) {
      auto& [i, next] = stack.back();
      if (next < items[i].depends_on.size()) {
        size_t d = items[i].depends_on[next++];
        if (state[d] == 1) malformed("its dependsOn references form a cycle.");
        if (state[d] == 0) {
          state[d] = 1;
          stack.push_back({d, 0});
        }
      } else {
        state[i] = 2;
        order.push_back(i);
        stack.pop_back();
      }
    }
  }
  return order;
}

// A per-item error answer in the Graph envelope, as a direct call would get.
HttpResponse item_error(const Router& router, const HttpRequest& req,
                        const graph::GraphError& e) {
  return router.handle(req, &e);
}

ordered_json response_json(const Item& item, const HttpResponse& res) {
  ordered_json j;
  j["id"] = item.id;
  j["status"] = res.status;
  ordered_json headers = ordered_json::object();
  // Exact key spellings: the JavaScript SDK's BatchResponseContent reads
  // "Content-Type" case-sensitively.
  for (const char* name : {"Content-Type", "Retry-After", "Allow",
                           "WWW-Authenticate", "OData-Version", "Location"}) {
    std::string v = res.header(name);
    if (!v.empty()) headers[name] = v;
  }
  j["headers"] = std::move(headers);
  // D22: no body key when the direct call answers without one.
  if (!res.body.empty()) {
    auto parsed = ordered_json::parse(res.body, nullptr, false);
    j["body"] = parsed.is_discarded() ? ordered_json(res.body) : parsed;
  }
  return j;
}

}  // namespace

HttpResponse handle_batch(const Router& router, const RequestContext& ctx,
                          std::string_view version) {
  std::vector<Item> items = parse_items(ctx.request.body);
  std::vector<size_t> order = execution_order(items);
  std::string prefix =
      ctx.tenant_prefixed ? "/tenants/" + ctx.tenant->id : std::string();
  std::vector<HttpResponse> responses(items.size());
  for (size_t i : order) {
    const Item& item = items[i];
    HttpRequest req;
    req.batch_item = true;
    req.method = item.method;
    std::string url = item.url;
    if (url.empty() || url[0] != '/') url = "/" + url;
    // The JavaScript SDK's BatchRequestContent keeps the version segment
    // of the URL it was given ("/v1.0/users/..."): it names the batch's own
    // version root, so it is dropped; the other version is refused below.
    std::string own = "/" + std::string(version) + "/";
    std::string other = version == "v1.0" ? "/beta/" : "/v1.0/";
    bool other_version = store::to_lower_ascii(url).rfind(other, 0) == 0;
    if (store::to_lower_ascii(url).rfind(own, 0) == 0) {
      url = url.substr(own.size() - 1);
    }
    req.target = prefix + "/" + std::string(version) + url;
    req.headers = item.headers;
    // Items act with the batch's credentials unless they bring their own.
    if (!req.has_header("Authorization") &&
        ctx.request.has_header("Authorization")) {
      req.headers.emplace("Authorization", ctx.request.header("Authorization"));
    }
    if (item.body) req.body = *item.body;
    bool failed_dependency =
        std::any_of(item.depends_on.begin(), item.depends_on.end(),
                    [&](size_t d) { return responses[d].status >= 400; });
    if (failed_dependency) {
      responses[i] = item_error(router, req, errors::failed_dependency());
    } else if (item.url.size() > kMaxTargetBytes) {
      responses[i] = item_error(
          router, req,
          errors::bad_request("The url of the request is longer than the "
                              "8,192 bytes a direct call may have."));
    } else if (item.url.rfind("http:", 0) == 0 ||
               item.url.rfind("https:", 0) == 0) {
      responses[i] = item_error(
          router, req,
          errors::bad_request("The url of a batch request must be relative "
                              "to the version root, e.g. /me/presence."));
    } else if (other_version) {
      responses[i] = item_error(
          router, req,
          errors::bad_request("A batch sent to /" + std::string(version) +
                              " cannot contain requests for another "
                              "version."));
    } else if (store::to_lower_ascii(url).rfind("/$batch", 0) == 0) {
      responses[i] = item_error(
          router, req, errors::bad_request("A batch cannot contain a batch."));
    } else if (req.body.size() > 0 && !req.has_header("Content-Type")) {
      responses[i] = item_error(
          router, req,
          errors::bad_request("A request with a body needs a Content-Type "
                              "header."));
    } else {
      responses[i] = router.handle(req);
    }
  }
  ordered_json out;
  ordered_json list = ordered_json::array();
  for (size_t i = 0; i < items.size(); ++i) {
    list.push_back(response_json(items[i], responses[i]));
  }
  out["responses"] = std::move(list);
  HttpResponse res;
  res.body = graph::dump(out);
  res.set_header("Content-Type", std::string(kODataJson));
  res.set_header("OData-Version", "4.0");
  return res;
}

HttpResponse handle_batch_route(Service&, RequestContext& ctx,
                                const RouteArgs& a) {
  return handle_batch(*a.router, ctx, a.version);
}

}  // namespace gpm::http
