"""The browser's side of CORS, as the Fetch standard writes it, for judging
answers the conformance tier gets from real services (LocalStack's S3, API
Gateway deployments of merged OpenAPI documents):

- the CORS check (Fetch, "CORS check"): Access-Control-Allow-Origin must be
  `*` (only without credentials) or the request's origin, byte for byte; with
  credentials Access-Control-Allow-Credentials must be `true`;
- the preflight (Fetch, "CORS-preflight fetch"): an ok status, the CORS
  check, then every method that is not CORS-safelisted (GET, HEAD, POST) in
  Access-Control-Allow-Methods and every request header that is not
  CORS-safelisted in Access-Control-Allow-Headers, a `*` counting only
  without credentials and never for Authorization;
- what script may read (Fetch, "CORS-exposed header-name list"): the
  safelisted response headers and those Access-Control-Expose-Headers names.

Headers are given as a case-insensitive mapping (http.client's, requests').
"""

SAFELISTED_METHODS = {"GET", "HEAD", "POST"}
SAFELISTED_RESPONSE_HEADERS = {
    "cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma",
}


def _get(headers, name):
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def _list(value):
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def cors_check(headers, origin, credentials=False):
    """None when the answer passes Fetch's CORS check, else why it fails."""
    allow = _get(headers, "Access-Control-Allow-Origin")
    if allow is None:
        return "no Access-Control-Allow-Origin"
    if allow == "*" and not credentials:
        return None
    if allow != origin:
        return f"Access-Control-Allow-Origin {allow!r} is not {origin!r}"
    if credentials and _get(headers, "Access-Control-Allow-Credentials") != "true":
        return "credentials without Access-Control-Allow-Credentials: true"
    return None


def preflight_check(status, headers, origin, method, request_headers=(), credentials=False):
    """None when a browser would go on to send the actual request, else why not."""
    if not 200 <= status <= 299:
        return f"preflight status {status}"
    why = cors_check(headers, origin, credentials)
    if why:
        return why
    methods = _list(_get(headers, "Access-Control-Allow-Methods"))
    if method not in SAFELISTED_METHODS and method not in methods and not ("*" in methods and not credentials):
        return f"method {method} not in Access-Control-Allow-Methods {methods}"
    allowed = [h.lower() for h in _list(_get(headers, "Access-Control-Allow-Headers"))]
    for h in request_headers:
        h = h.lower()
        if h in allowed:
            continue
        if "*" in allowed and not credentials and h != "authorization":
            continue
        return f"request header {h} not in Access-Control-Allow-Headers {allowed}"
    return None


def readable(headers, name):
    """The value of response header NAME as script reads it (None when hidden)."""
    exposed = [h.lower() for h in _list(_get(headers, "Access-Control-Expose-Headers"))]
    if name.lower() in SAFELISTED_RESPONSE_HEADERS or name.lower() in exposed:
        return _get(headers, name)
    return None
