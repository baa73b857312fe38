// The Go Graph SDK (msgraph-sdk-go) against the real binary: every presence
// operation through the SDK's request builders, its parsed ODataError, and
// its retry handler against a 429 fault rule.
//
// Usage: GPM_URL=http://127.0.0.1:PORT go test -v ./...
// (scripts/interop-go starts a mock and runs this). With an https:// URL the
// mock's certificate is trusted through SSL_CERT_FILE. The mock runs in the
// default permissive auth mode, so the tests also prove the token is sent.
// The block between the go-config markers is quoted verbatim in the README.
package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	azureauth "github.com/microsoft/kiota-authentication-azure-go"
	khttp "github.com/microsoft/kiota-http-go"
	msgraph "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphgocore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/communications"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

const (
	user  = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3"
	other = "66825e03-7ef5-42da-9069-724602c31f6b"
	app   = "22553876-f5ab-4529-bffb-cfe50aa89f87"
)

// go-config
// staticToken is an azcore.TokenCredential that hands out one fixed token:
// any non-empty bearer token passes the mock's permissive auth mode.
type staticToken struct{}

func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "any-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// newClient points the Graph SDK at the mock: mock is the "listening on" URL,
// version "v1.0" or "beta". The Azure identity provider sends the token only
// to the hosts listed, and only over https (or to localhost/127.0.0.1).
func newClient(mock, tenant, version string) (*msgraph.GraphServiceClient, error) {
	auth, err := azureauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(
		staticToken{}, []string{"https://graph.microsoft.com/.default"},
		[]string{"127.0.0.1", "localhost"})
	if err != nil {
		return nil, err
	}
	// The SDK's defaults, request compression included: the mock inflates
	// gzip request bodies as Graph does (D18).
	adapter, err := msgraph.NewGraphRequestAdapter(auth)
	if err != nil {
		return nil, err
	}
	adapter.SetBaseUrl(mock + "/tenants/" + tenant + "/" + version) // or mock + "/v1.0"
	return msgraph.NewGraphServiceClient(adapter), nil
}

// /go-config

var mock = os.Getenv("GPM_URL")

func client(t *testing.T) *msgraph.GraphServiceClient {
	t.Helper()
	if mock == "" {
		t.Fatal("GPM_URL is not set")
	}
	c, err := newClient(mock, "go", "v1.0")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// control calls the mock's /_mock plane with Go's default client (which
// trusts SSL_CERT_FILE like the SDK) and decodes the JSON answer.
func control(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	return controlIn(t, "go", method, path, body)
}

// controlIn calls the control plane of one tenant.
func controlIn(t *testing.T, tenant, method, path string, body any) map[string]any {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, mock+"/tenants/"+tenant+"/_mock"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return out
}

func str(s string) *string { return &s }

func setPresence(t *testing.T, c *msgraph.GraphServiceClient, availability, activity string, d *serialization.ISODuration) {
	t.Helper()
	body := users.NewItemPresenceSetPresencePostRequestBody()
	body.SetSessionId(str(app))
	body.SetAvailability(str(availability))
	body.SetActivity(str(activity))
	body.SetExpirationDuration(d)
	if err := c.Users().ByUserId(user).Presence().SetPresence().Post(context.Background(), body, nil); err != nil {
		t.Fatal(err)
	}
}

func getPresence(t *testing.T, c *msgraph.GraphServiceClient, id string) models.Presenceable {
	t.Helper()
	p, err := c.Users().ByUserId(id).Presence().Get(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMain(m *testing.M) {
	if mock != "" {
		if _, err := http.Post(mock+"/tenants/go/_mock/reset", "application/json", nil); err != nil {
			fmt.Println("reset:", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

func TestR3_3SetPresenceThenGet(t *testing.T) {
	c := client(t)
	setPresence(t, c, "Busy", "InACall", serialization.NewDuration(0, 0, 0, 1, 0, 0, 0))
	p := getPresence(t, c, user)
	t.Logf("GET presence: %s %s", *p.GetAvailability(), *p.GetActivity())
	if *p.GetId() != user || *p.GetAvailability() != "Busy" || *p.GetActivity() != "InACall" {
		t.Fatalf("got %s %s %s", *p.GetId(), *p.GetAvailability(), *p.GetActivity())
	}
}

func TestR3_4_3ClearPresenceTwiceIsODataError404(t *testing.T) {
	c := client(t)
	presence := c.Users().ByUserId(user).Presence()
	body := users.NewItemPresenceClearPresencePostRequestBody()
	body.SetSessionId(str(app))
	if err := presence.ClearPresence().Post(context.Background(), body, nil); err != nil {
		t.Fatal(err)
	}
	if a := *getPresence(t, c, user).GetAvailability(); a != "Offline" {
		t.Fatalf("after clearPresence: %s", a)
	}
	err := presence.ClearPresence().Post(context.Background(), body, nil)
	var odata *odataerrors.ODataError
	if !errors.As(err, &odata) {
		t.Fatalf("want an ODataError, got %v", err)
	}
	main := odata.GetErrorEscaped()
	t.Logf("second clearPresence: %d %s: %s", odata.GetStatusCode(), *main.GetCode(), *main.GetMessage())
	if odata.GetStatusCode() != 404 || *main.GetCode() != "NotFound" {
		t.Fatalf("got %d %s", odata.GetStatusCode(), *main.GetCode())
	}
	if want := "No presence session exists for sessionId '" + app + "'."; *main.GetMessage() != want {
		t.Fatalf("message %q", *main.GetMessage())
	}
	if id := main.GetInnerError().GetRequestId(); id == nil || len(*id) != 36 {
		t.Fatalf("innerError request-id %v", id)
	}
}

func TestR3_5_R3_6PreferredPresence(t *testing.T) {
	c := client(t)
	presence := c.Users().ByUserId(user).Presence()
	// R3.5.3: the preferred presence shows only while the user has a session.
	setPresence(t, c, "Available", "Available", serialization.NewDuration(0, 0, 0, 1, 0, 0, 0))
	body := users.NewItemPresenceSetUserPreferredPresencePostRequestBody()
	body.SetAvailability(str("DoNotDisturb"))
	body.SetActivity(str("DoNotDisturb"))
	body.SetExpirationDuration(serialization.NewDuration(0, 0, 0, 8, 0, 0, 0))
	if err := presence.SetUserPreferredPresence().Post(context.Background(), body, nil); err != nil {
		t.Fatal(err)
	}
	preferred := *getPresence(t, c, user).GetAvailability()
	if err := presence.ClearUserPreferredPresence().Post(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	cleared := *getPresence(t, c, user).GetAvailability()
	t.Logf("preferred then cleared: %s %s", preferred, cleared)
	if preferred != "DoNotDisturb" || cleared != "Available" {
		t.Fatalf("got %s then %s", preferred, cleared)
	}
}

func TestR3_7SetStatusMessage(t *testing.T) {
	c := client(t)
	item := models.NewItemBody()
	item.SetContent(str("Heads down until noon"))
	text := models.TEXT_BODYTYPE
	item.SetContentType(&text)
	msg := models.NewPresenceStatusMessage()
	msg.SetMessage(item)
	body := users.NewItemPresenceSetStatusMessagePostRequestBody()
	body.SetStatusMessage(msg)
	if err := c.Users().ByUserId(user).Presence().SetStatusMessage().Post(context.Background(), body, nil); err != nil {
		t.Fatal(err)
	}
	got := *getPresence(t, c, user).GetStatusMessage().GetMessage().GetContent()
	t.Logf("status message: %s", got)
	if got != "Heads down until noon" {
		t.Fatalf("got %q", got)
	}
}

func TestE2GetPresencesByUserId(t *testing.T) {
	c := client(t)
	body := communications.NewGetPresencesByUserIdPostRequestBody()
	body.SetIds([]string{user, other})
	res, err := c.Communications().GetPresencesByUserId().PostAsGetPresencesByUserIdPostResponse(context.Background(), body, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range res.GetValue() {
		ids = append(ids, *p.GetId())
		t.Logf("getPresencesByUserId: %s=%s", *p.GetId(), *p.GetAvailability())
	}
	sort.Strings(ids)
	want := []string{user, other}
	sort.Strings(want)
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Fatalf("got %v", ids)
	}
}

// uncompressedClient is client with the SDK's request compression off: the
// SDK's retry after a 429 may resend a gzip request with an empty body still
// labelled gzip (see TestD18SDKRetryOfGzipRequestAfter429).
func uncompressedClient(t *testing.T, tenant string) *msgraph.GraphServiceClient {
	t.Helper()
	auth, err := azureauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(
		staticToken{}, []string{"https://graph.microsoft.com/.default"},
		[]string{"127.0.0.1", "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	middleware := msgraphgocore.GetDefaultMiddlewaresWithOptions(&msgraphgocore.GraphClientOptions{})
	for i, m := range middleware {
		if _, ok := m.(*khttp.CompressionHandler); ok {
			middleware[i] = khttp.NewCompressionHandlerWithOptions(khttp.NewCompressionOptions(false))
		}
	}
	adapter, err := msgraph.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, nil, nil, msgraphgocore.GetDefaultClient(nil, middleware...))
	if err != nil {
		t.Fatal(err)
	}
	adapter.SetBaseUrl(mock + "/tenants/" + tenant + "/v1.0")
	return msgraph.NewGraphServiceClient(adapter)
}

func TestR6_9RetryAfter429IsRetriedAfterWaiting(t *testing.T) {
	c := uncompressedClient(t, "go")
	created := control(t, "POST", "/faults", map[string]any{
		"id": "go-429", "match": map[string]any{"operation": "setPresence"},
		"schedule": map[string]any{"next": 1},
		"action":   map[string]any{"status": 429, "retryAfter": 1}, "checkRetryAfter": true})
	if fmt.Sprint(created["created"]) != "[go-429]" {
		t.Fatalf("fault rule: %v", created)
	}
	setPresence(t, c, "Away", "Away", serialization.NewDuration(0, 0, 0, 0, 30, 0, 0))
	report := control(t, "GET", "/faults/go-429", nil)
	t.Logf("retry: fired %v, retryAfterCheck %v", report["fired"], report["retryAfterCheck"])
	if report["fired"] != float64(1) || fmt.Sprint(report["retryAfterCheck"]) != "map[tooEarly:0 waited:1]" {
		t.Fatalf("report %v", report)
	}
	if a := *getPresence(t, c, user).GetAvailability(); a != "Away" {
		t.Fatalf("after the retry: %s", a)
	}
}

// D18: with the SDK's defaults (request compression on) every POST goes out
// gzipped and the mock inflates it: each call is one request, so the
// journal shows exactly one entry per call, each a 200, with the inflated
// body.
func TestD18GzipRequestsAreOneRequestPerCall(t *testing.T) {
	c, err := newClient(mock, "go-gzip", "v1.0")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	presence := c.Users().ByUserId(user).Presence()
	set := users.NewItemPresenceSetPresencePostRequestBody()
	set.SetSessionId(str(app))
	set.SetAvailability(str("Busy"))
	set.SetActivity(str("InACall"))
	set.SetExpirationDuration(serialization.NewDuration(0, 0, 0, 1, 0, 0, 0))
	if err := presence.SetPresence().Post(ctx, set, nil); err != nil {
		t.Fatal(err)
	}
	preferred := users.NewItemPresenceSetUserPreferredPresencePostRequestBody()
	preferred.SetAvailability(str("DoNotDisturb"))
	preferred.SetActivity(str("DoNotDisturb"))
	if err := presence.SetUserPreferredPresence().Post(ctx, preferred, nil); err != nil {
		t.Fatal(err)
	}
	clearBody := users.NewItemPresenceClearPresencePostRequestBody()
	clearBody.SetSessionId(str(app))
	if err := presence.ClearPresence().Post(ctx, clearBody, nil); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", mock+"/tenants/go-gzip/_mock/journal", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var journal struct {
		Entries []struct {
			Method string `json:"method"`
			Path   string `json:"path"`
			Status int    `json:"status"`
			Body   string `json:"body"`
		} `json:"entries"`
	}
	if err := json.NewDecoder(res.Body).Decode(&journal); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range journal.Entries {
		action := e.Path[strings.LastIndex(e.Path, "/")+1:]
		got = append(got, fmt.Sprintf("%s %s %d", e.Method, action, e.Status))
		if e.Method == "POST" && !strings.HasPrefix(e.Body, "{") {
			t.Errorf("journal body of %s is not the inflated JSON: %q", e.Path, e.Body)
		}
	}
	t.Logf("journal: %v", got)
	want := "[POST setPresence 200 POST setUserPreferredPresence 200 POST clearPresence 200]"
	if fmt.Sprint(got) != want {
		t.Fatalf("journal %v, want one entry per call: %v", got, want)
	}
}

// D18 and an SDK quirk: when a gzip request meets a 429, the SDK's retry
// handler sends it again, sometimes with its gzip body and sometimes (2 of 5
// runs here) with an empty body still labelled Content-Encoding: gzip. The
// mock must answer each form as Graph's rules say: the whole gzip body is
// inflated and applied (200); the empty gzip body is no setPresence body
// (400 BadRequest). Code that relies on the SDK's 429 retry for writes turns
// request compression off (uncompressedClient).
func TestD18SDKRetryOfGzipRequestAfter429(t *testing.T) {
	const tenant = "go-gzip-retry"
	c, err := newClient(mock, tenant, "v1.0")
	if err != nil {
		t.Fatal(err)
	}
	controlIn(t, tenant, "POST", "/faults",
		map[string]any{"id": "r", "match": map[string]any{"operation": "setPresence"},
			"schedule": map[string]any{"next": 1},
			"action":   map[string]any{"status": 429, "retryAfter": 1}})
	body := users.NewItemPresenceSetPresencePostRequestBody()
	body.SetSessionId(str(app))
	body.SetAvailability(str("Away"))
	body.SetActivity(str("Away"))
	callErr := c.Users().ByUserId(user).Presence().SetPresence().Post(context.Background(), body, nil)
	journal := controlIn(t, tenant, "GET", "/journal", nil)
	entries, _ := journal["entries"].([]any)
	if len(entries) != 2 {
		t.Fatalf("want the 429 and one retry in the journal, got %v", entries)
	}
	first, _ := entries[0].(map[string]any)
	retry, _ := entries[1].(map[string]any)
	if first["status"] != float64(429) {
		t.Fatalf("first attempt: want 429, got %v", first["status"])
	}
	switch retry["status"] {
	case float64(200):
		if callErr != nil {
			t.Fatalf("retry answered 200 but the SDK says %v", callErr)
		}
		if got := *getPresence(t, c, user).GetAvailability(); got != "Away" {
			t.Fatalf("retry answered 200 but availability is %s", got)
		}
		t.Logf("retry of a gzip request after 429: 200 with the inflated body %v", retry["body"])
	case float64(400):
		var odata *odataerrors.ODataError
		if !errors.As(callErr, &odata) || odata.GetStatusCode() != 400 {
			t.Fatalf("retry answered 400 but the SDK says %v", callErr)
		}
		if retry["body"] != "" {
			t.Fatalf("a 400 retry must be the SDK's empty body, journal holds %q", retry["body"])
		}
		t.Logf("retry of a gzip request after 429: the SDK resent an empty gzip body: 400 %s",
			*odata.GetErrorEscaped().GetCode())
	default:
		t.Fatalf("retry: want 200 or 400, got %v", retry)
	}
}
