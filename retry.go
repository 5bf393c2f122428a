package alletra

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// checkRetry is the retryablehttp CheckRetry policy. It retries only what the
// request's safety allows:
//
//   - a dial error (the request never reached the array): always;
//   - other transport errors, 502, 503, 504, 429 and WSAPI code 270: for
//     idempotent, reconcilable and checked requests;
//   - a login only when it was surely not carried out (a dial error, 429 or
//     code 270), so that no lost answer leaves an orphan session behind; a
//     503 (session table full) is returned at once;
//   - a logout also on 409 code 34 (the key is busy with another request);
//   - nothing else: a grow, promote or copy is never repeated blindly;
//   - a checked create (safeChecked, a vLUN) is not repeated after a
//     timeout or a 504 either: the array may still be carrying out the
//     first attempt, which the precheck cannot see yet, and a second POST
//     would export the volume twice once both are done.
//
// It also records whether an attempt's outcome on the array is unknown (a
// transport error after connecting, 502, 504): only then may a later
// "already exists" or "not found" be the work of this very call.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	info, _ := ctx.Value(ctxKey{}).(*attemptInfo)
	if info == nil {
		info = &attemptInfo{safety: safeOnce}
	}
	info.attempts++
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	repeatable := info.safety != safeOnce && info.safety != safeLogin
	if err != nil {
		switch {
		case isPermanentTransportError(err):
			return false, nil
		case isDialError(err):
			return true, nil
		}
		info.unknown = true
		if info.safety == safeChecked && isTimeout(err) {
			return false, nil
		}
		return repeatable, nil
	}
	switch resp.StatusCode {
	case http.StatusGatewayTimeout:
		info.unknown = true
		return repeatable && info.safety != safeChecked, nil
	case http.StatusBadGateway:
		info.unknown = true
		return repeatable, nil
	case http.StatusTooManyRequests:
		return info.safety != safeOnce, nil
	case http.StatusServiceUnavailable:
		return repeatable, nil
	}
	if resp.StatusCode < 400 || info.safety == safeOnce {
		return false, nil
	}
	switch code := peekCode(resp); {
	case code == CodeSystemBusy:
		return true, nil
	case code == CodeInUse && resp.StatusCode == http.StatusConflict && info.retryInUse:
		return true, nil
	}
	return false, nil
}

// peekCode reads the WSAPI code of an error answer and puts the body back.
func peekCode(resp *http.Response) ErrorCode {
	raw, _ := readCapped(resp.Body, maxErrorBodyBytes)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	peek := &http.Response{Body: io.NopCloser(bytes.NewReader(raw))}
	body, _ := readCapped(bodyReader(peek), maxErrorBodyBytes)
	var e APIError
	parseErrorBody(&e, body)
	return e.Code
}

// isDialError reports an error that happened before any byte of the request
// was sent: connection refused, no route, DNS failure.
func isDialError(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// isTimeout reports a transport error that is a timeout (the request may
// have reached the array, which may still be working on it).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isPermanentTransportError reports errors that another attempt cannot fix:
// certificate problems.
func isPermanentTransportError(err error) bool {
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	return errors.As(err, &unknownCA) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidCert) || errors.As(err, &verifyErr)
}

// backoff is the retryablehttp Backoff: exponential from minWait, capped at
// maxWait, with jitter over the upper half; a Retry-After header (seconds or
// HTTP date) is honoured up to maxWait.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return min(max(d, minWait), maxWait)
		}
	}
	if maxWait <= 0 {
		return 0
	}
	wait := minWait
	for i := 0; i < attempt && wait < maxWait; i++ {
		wait *= 2
	}
	wait = min(wait, maxWait)
	if wait <= 1 {
		return wait
	}
	half := wait / 2
	return half + rand.N(wait-half+1)
}

func retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// prepareRetry runs a safeChecked request's precheck (ending the retries
// with errPrechecked when the object exists), and stamps the session's
// current key on the retried request, so a retry after a re-login by another
// goroutine does not send a stale key.
func (c *Client) prepareRetry(req *http.Request) error {
	if info, _ := req.Context().Value(ctxKey{}).(*attemptInfo); info != nil && info.precheck != nil {
		done, err := info.precheck(context.WithValue(req.Context(), slotHeld{}, true))
		if err != nil {
			return err
		}
		if done {
			return errPrechecked
		}
	}
	old := req.Header.Get(sessionHeader)
	if old == "" || strings.HasPrefix(req.URL.EscapedPath(), c.apiPath+"/credentials") {
		return nil // login, or a logout, which must keep its own key
	}
	if key := c.currentKey(); key != "" && key != old {
		req.Header = req.Header.Clone()
		req.Header.Set(sessionHeader, key)
	}
	return nil
}
