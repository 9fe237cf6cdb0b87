package calls

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Account says how to reach an app's call history.
type Account struct {
	AppID  string
	Region string // us, eu or in
	// Exactly one of APIKey and AuthToken. OnBehalfOf (with an API key)
	// scopes the list to one user; Me names the account's own uid for
	// direction filters (defaults to OnBehalfOf).
	APIKey     string
	OnBehalfOf string
	AuthToken  string
	Me         string
	// BaseURL replaces https://{appId}.call-{region}.cometchat.io/v3.
	BaseURL string
}

// Self is the uid whose calls are "mine".
func (a Account) Self() string {
	if a.Me != "" {
		return a.Me
	}
	return a.OnBehalfOf
}

// networkWords says in words why a request did not reach the API (the
// system's own message stays in the error's Err, for --verbose and a
// Details disclosure): msg and details when it cannot tell.
func networkWords(err error, msg, details string) (string, string) {
	var dns *net.DNSError
	var opErr *net.OpError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the CometChat API's answer was cut short", details
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Sprintf("there is no CometChat server named %s", dns.Name),
			"check the App ID and the region (they make up that name); if they are right, check that this computer is online"
	case errors.As(err, &dns):
		return "the CometChat server's name could not be looked up", "check that this computer is online (its DNS did not answer), then retry"
	case errors.As(err, &certErr):
		return "the CometChat server's certificate could not be verified", "something between you and CometChat (a proxy, a captive portal) may be intercepting the connection"
	case errors.Is(err, errRefused):
		return "the CometChat server refused the connection", "check the region and any proxy settings, then retry"
	case errors.As(err, &opErr) && opErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return "the CometChat server did not answer in time", "check that this computer is online, then retry"
	}
	return msg, details
}

// String never shows the secrets.
func (a Account) String() string {
	auth := "api key"
	if a.AuthToken != "" {
		auth = "auth token"
	}
	return fmt.Sprintf("app %s (%s), %s", a.AppID, a.Region, auth)
}

func settingsErr(msg, details string) *Error {
	return newError(CodeInvalidSettings, msg, details)
}

// CheckAppID accepts what a CometChat app id can be: 1 to 63 ASCII
// letters, digits, '-' and '_'. The id becomes a host name label and a
// header, so anything else ("x?y" would make the host "x") is refused.
func CheckAppID(id string) error {
	ok := id != "" && len(id) <= 63
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			ok = false
		}
	}
	if !ok {
		return settingsErr(fmt.Sprintf("invalid app id %q", id), "an app id is letters, digits, - and _; copy it from the CometChat dashboard")
	}
	return nil
}

// CheckAppID checks the account's app id (the function CheckAppID). With
// a base URL the app id is only a header, and may be left out.
func (a Account) CheckAppID() error {
	if a.AppID == "" && a.BaseURL != "" {
		return nil
	}
	return CheckAppID(a.AppID)
}

// base checks the account and returns the API's base URL.
func (a Account) base() (*url.URL, error) {
	switch {
	case a.APIKey == "" && a.AuthToken == "":
		return nil, newError(CodeNotEnoughParameters, "no credentials", "give --api-key (with --on-behalf-of) or --auth-token")
	case a.APIKey != "" && a.AuthToken != "":
		return nil, settingsErr("both an API key and an auth token were given", "use one of them")
	}
	if err := a.CheckAppID(); err != nil {
		return nil, err
	}
	raw := a.BaseURL
	if raw == "" {
		h, err := HostsOf(a.AppID, a.Region)
		if err != nil {
			return nil, err
		}
		raw = "https://" + h.REST + "/v3"
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return nil, settingsErr(fmt.Sprintf("invalid base URL %q", raw), "")
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil, settingsErr("refusing plain http to "+u.Host, "keys and tokens only travel over https (plain http is allowed to loopback, for tests and local proxies)")
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Client talks to the CometChat Calls REST API. It retries 429 and 5xx with
// backoff (honouring Retry-After), times out, and caps response sizes.
type Client struct {
	acct    Account
	base    *url.URL
	HTTP    *http.Client
	Retries int           // attempts after the first (default 4)
	MaxBody int64         // bytes (default 32 MiB)
	Backoff time.Duration // first retry wait (default 500ms)
	// sleep waits between attempts; tests record the waits instead.
	sleep func(ctx context.Context, d time.Duration) error

	mu      sync.Mutex
	skipped []*Error // the calls Page left out (Skipped)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NewClient validates the account.
func NewClient(a Account) (*Client, error) {
	u, err := a.base()
	if err != nil {
		return nil, err
	}
	return &Client{acct: a, base: u, HTTP: &http.Client{Timeout: 30 * time.Second}, Retries: 4, MaxBody: 32 << 20, Backoff: 500 * time.Millisecond}, nil
}

// query turns a filter into the SDK's query keys.
func query(f Filter, page int) url.Values {
	q := url.Values{}
	q.Set("page", strconv.Itoa(page))
	q.Set("perPage", strconv.Itoa(f.Limit))
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("type", f.CallType)
	set("status", f.CallStatus)
	set("mode", f.CallCategory)
	set("direction", f.CallDirection)
	set("uid", f.UID)
	set("guid", f.GUID)
	if f.HasRecording {
		q.Set("hasRecording", "true")
	}
	return q
}

// List fetches one page of GET /calls.
func (c *Client) List(ctx context.Context, f Filter, page int) (ListPage, error) {
	u := *c.base
	u.Path += "/calls"
	u.RawQuery = query(f, page).Encode()
	body, err := c.get(ctx, u.String())
	if err != nil {
		return ListPage{}, err
	}
	return DecodeList(body)
}

// Page implements Source straight from the REST API.
func (c *Client) Page(ctx context.Context, f Filter, page int) ([]CallLog, bool, error) {
	if page < 1 {
		return []CallLog{}, false, nil
	}
	p, err := c.List(ctx, f, page)
	if err != nil {
		return nil, false, err
	}
	if len(p.Skipped) > 0 {
		c.mu.Lock()
		c.skipped = append(c.skipped, p.Skipped...)
		c.mu.Unlock()
	}
	return p.Calls, p.TotalPages > page, nil
}

// Skipped returns the calls Page has left out so far, as BAD_VALUE errors
// naming call and field (a number in them not finite or too big; see
// ListPage.Skipped), in the order they came. A Request over the REST API
// shows its pages without them: this is how to say so.
func (c *Client) Skipped() []*Error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Error(nil), c.skipped...)
}

func (c *Client) get(ctx context.Context, target string) ([]byte, error) {
	wait := c.Backoff
	for attempt := 0; ; attempt++ {
		body, status, retryAfter, err := c.once(ctx, target)
		retryable := err == nil && (status == http.StatusTooManyRequests || status >= 500)
		var netErr net.Error
		var own *Error // ours (a refused redirect, an oversized body): final
		if err != nil && !errors.As(err, &own) && ctx.Err() == nil &&
			(errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF)) {
			retryable = true
		}
		if !retryable || attempt >= c.Retries {
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				var e *Error
				if errors.As(err, &e) {
					return nil, e
				}
				ne := newError(CodeNetwork, "the CometChat API could not be reached", "check the network and the app id/region, then retry")
				ne.Message, ne.Details = networkWords(err, ne.Message, ne.Details)
				ne.Err = redact(err)
				return nil, ne
			}
			if status >= 400 {
				return nil, httpError(status, body)
			}
			return body, nil
		}
		if retryAfter > 0 {
			wait = retryAfter
		}
		sleep := c.sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		if wait *= 2; wait > 30*time.Second {
			wait = 30 * time.Second
		}
	}
}

func (c *Client) once(ctx context.Context, target string) ([]byte, int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, 0, 0, err
	}
	req.Header.Set("Accept", "application/json")
	if c.acct.AuthToken != "" {
		req.Header.Set("authToken", c.acct.AuthToken)
		req.Header.Set("appId", c.acct.AppID)
	} else {
		req.Header.Set("apikey", c.acct.APIKey)
		if c.acct.OnBehalfOf != "" {
			req.Header.Set("onBehalfOf", c.acct.OnBehalfOf)
		}
	}
	// A copy of the client, so the redirect rule holds whatever client a
	// caller put in c.HTTP.
	hc := *c.HTTP
	hc.CheckRedirect = c.checkRedirect(hc.CheckRedirect)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.MaxBody+1))
	if err != nil {
		return nil, 0, 0, err // a truncated body (io.ErrUnexpectedEOF): get retries it as a network error
	}
	if int64(len(body)) > c.MaxBody {
		return nil, 0, 0, newError(CodeBadResponse, fmt.Sprintf("the response is larger than %d MiB", c.MaxBody>>20), "nothing from it was stored")
	}
	return body, resp.StatusCode, retryAfter(resp.Header.Get("Retry-After")), nil
}

// checkRedirect follows a redirect only to the base URL's scheme and host
// (port included). The key, token and onBehalfOf travel in custom
// headers, which Go forwards to any host (it strips only Authorization and
// Cookie), so a redirect elsewhere, or from https to http, is refused
// before anything is sent.
func (c *Client) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != c.base.Scheme || !strings.EqualFold(req.URL.Host, c.base.Host) {
			return newError(CodeRedirectRefused,
				fmt.Sprintf("the CometChat API redirected to %s://%s, another host or scheme than %s://%s; not followed, so no key was sent there",
					req.URL.Scheme, req.URL.Host, c.base.Scheme, c.base.Host),
				"check the app id, region and base URL; nothing was stored from this request")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, 5*time.Minute)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), 5*time.Minute)
	}
	return 0
}

// httpError maps an HTTP error, with or without the error envelope.
func httpError(status int, body []byte) *Error {
	if _, err := DecodeList(body); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code != CodeBadResponse && e.Code != CodeUnknownAPIError {
			e.HTTPStatus = status
			return e
		}
	}
	e := newError(CodeHTTP, fmt.Sprintf("the CometChat API answered %d %s", status, http.StatusText(status)), "")
	e.HTTPStatus = status
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		e.Details = "check the API key or auth token"
	case http.StatusNotFound:
		e.Details = "check the app id and region"
	}
	return e
}

// redact keeps query strings (which never carry secrets here, but may
// carry uids) out of error text; headers are never printed.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return fmt.Errorf("%s %s: %w", ue.Op, u.String(), ue.Err)
		}
	}
	return err
}
