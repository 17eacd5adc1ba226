"""Every bucket CORS fragment corsform generates (golden/*/<target>/
buckets/*-cors.json, one per case and bucket), applied to a real bucket in LocalStack's S3 with
put-bucket-cors as the file says, then exercised as a browser would: real
preflights (OPTIONS with Origin and Access-Control-Request-*), presigned PUT
uploads and a multipart upload whose part ETags are read only if the answer
exposes them, each judged by Fetch's CORS check (fetch_cors.py). Which
origins must pass comes from policy.toml (the bucket's allow_origins, else
[cors]'s, else the environment's), never from the generated file; refused
origins are an unrelated site and lookalikes of each allowed one.

How far LocalStack goes is asserted, not assumed: test_localstack_enforces
fails if LocalStack answers a refused origin, so a LocalStack that stopped
enforcing bucket CORS could not make the other tests pass vacuously.
"""

import fnmatch
import json
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from corsform_conformance import aws, expectations, tools
from corsform_conformance.fetch_cors import cors_check, preflight_check, readable

GOLDEN = tools.REPO / "golden"



def fragments():
    """One fragment per case and bucket (every target of a case writes the
    same file; CloudFormation's where there is one, else the CDK's)."""
    seen = {}
    for p in sorted(GOLDEN.glob("*/*/buckets/*-cors.json")):
        key = (p.parts[-4], p.name)
        if key not in seen or p.parts[-3] == "cloudformation":
            seen[key] = p
    return [seen[k] for k in sorted(seen)]


FRAGMENTS = fragments()
IDS = [f"{p.parts[-4]}-{p.stem}" for p in FRAGMENTS]
REFUSED = "https://attacker.example.org"


def bucket_policy(fragment):
    """(bucket table, the policy as its environment sees it) for FRAGMENT,
    named <bucket>[.<environment>]-cors.json."""
    case = fragment.parents[2]
    stem = fragment.name[: -len("-cors.json")]
    name, _, env = stem.partition(".")
    policy = expectations.load_policy(case / "policy.toml")
    if env:
        policy = expectations.with_environment(policy, env)
    return policy["buckets"][name], policy


def origins(bucket, policy):
    """(allowed, refused) origins for BUCKET: a pattern's `*` becomes one
    label; lookalikes of each allowed origin are refused."""
    listed = bucket.get("allow_origins") or policy["cors"]["allow_origins"]
    allowed, refused = [], [REFUSED]
    for o in listed:
        concrete = o.replace("*", "uploads-test") if "*" in o else o
        allowed.append(concrete)
        scheme, _, host = concrete.partition("://")
        refused.append(f"{scheme}://{host}.attacker.example.org")
        refused.append(f"{scheme}://evil{host}" if "*" not in o else f"{scheme}://{host.split('.', 1)[1]}.attacker.example.org")
    # S3's `*` matches any characters (dots included): a lookalike that a
    # listed pattern covers is rightly allowed, so it is not tried.
    refused = [r for r in refused if not any(fnmatch.fnmatchcase(r, o) for o in listed)]
    return allowed, refused


def request(method, url, headers, data=None):
    """(status, headers) of one real HTTP request; error statuses included."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers.items())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items())


def explain_preflight(corsform, fragment, origin, method, headers):
    """(status, Access-Control-Allow-Origin) of the preflight answer that
    `corsform explain --path bucket:NAME/...` models for S3
    (src/answer/services.rs), whether or not a browser would send it."""
    case = fragment.parents[2]
    stem = fragment.name[: -len("-cors.json")]
    name, _, env = stem.partition(".")
    args = [corsform, "explain", str(case / "policy.toml"), "--origin", origin, "--method", method,
            "--path", f"bucket:{name}/photo.jpg", "--format", "json"]
    args += [a for h in headers for a in ("--header", h)]
    args += ["--env", env] if env else []
    run = subprocess.run(args, capture_output=True, text=True, check=False)
    assert run.returncode in (0, 1), run.stderr
    stage = json.loads(run.stdout)["stages"][0]
    allow = [v for n, v in stage["headers"] if n.lower() == "access-control-allow-origin"]
    return stage["status"], (allow[0] if allow else None)


@pytest.fixture(scope="module")
def s3(localstack):
    return aws.client(localstack.endpoint, "s3")


def make_bucket(s3, fragment):
    """A fresh bucket with FRAGMENT applied exactly as the file says to
    (put-bucket-cors --cors-configuration file://FRAGMENT)."""
    name = f"corsform-s3-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_cors(Bucket=name, CORSConfiguration=json.loads(fragment.read_text(encoding="utf-8")))
    return name


@pytest.mark.tool("localstack s3 cors")
@pytest.mark.parametrize("fragment", FRAGMENTS, ids=IDS)
def test_localstack_enforces(fragment, s3, localstack):
    """The applied rules are read back as written, and a refused origin's
    preflight is refused: LocalStack judges by the bucket's rules."""
    name = make_bucket(s3, fragment)
    rules = s3.get_bucket_cors(Bucket=name)["CORSRules"]
    written = json.loads(fragment.read_text(encoding="utf-8"))["CORSRules"]
    assert [r["AllowedOrigins"] for r in rules] == [r["AllowedOrigins"] for r in written]
    status, headers = request("OPTIONS", f"{localstack.endpoint}/{name}/probe", {
        "Origin": REFUSED, "Access-Control-Request-Method": "PUT"})
    assert preflight_check(status, headers, REFUSED, "PUT") is not None, (status, headers)


@pytest.mark.tool("localstack s3 cors")
@pytest.mark.parametrize("fragment", FRAGMENTS, ids=IDS)
def test_preflights(fragment, s3, localstack, corsform):
    """Real preflights from allowed and refused origins, judged by Fetch;
    explain's model of each answer (src/answer/services.rs: status and
    Allow-Origin) must be LocalStack's."""
    bucket, policy = bucket_policy(fragment)
    name = make_bucket(s3, fragment)
    allowed, refused = origins(bucket, policy)
    listed_headers = [h.lower() for h in bucket.get("allow_headers", [])]
    # `*` on S3 allows any header: a browser asks for real names.
    asked = ["content-type", "x-amz-meta-title"] if "*" in listed_headers else listed_headers
    problems = []
    for method in bucket["methods"]:
        for origin in allowed + refused:
            status, headers = request("OPTIONS", f"{localstack.endpoint}/{name}/photo.jpg", {
                "Origin": origin, "Access-Control-Request-Method": method,
                **({"Access-Control-Request-Headers": ",".join(asked)} if asked else {})})
            why = preflight_check(status, headers, origin, method, asked)
            theirs = (status, {k.lower(): v for k, v in headers.items()}.get("access-control-allow-origin"))
            ours = explain_preflight(corsform, fragment, origin, method, asked)
            if ours != theirs:
                problems.append(f"{method} from {origin}: explain models S3's preflight answer as {ours}, "
                                f"LocalStack answers {theirs}")
            if origin in allowed and why:
                problems.append(f"{method} from allowed {origin}: refused ({why})")
            if origin in refused and not why:
                problems.append(f"{method} from refused {origin}: allowed")
    # A header the policy does not allow is refused even from an allowed origin.
    if "*" in listed_headers:
        assert not problems, "\n".join(problems)
        return
    status, headers = request("OPTIONS", f"{localstack.endpoint}/{name}/photo.jpg", {
        "Origin": allowed[0], "Access-Control-Request-Method": bucket["methods"][0],
        "Access-Control-Request-Headers": "x-not-allowed"})
    if not preflight_check(status, headers, allowed[0], bucket["methods"][0], ["x-not-allowed"]):
        problems.append("header x-not-allowed: allowed")
    assert not problems, "\n".join(problems)


@pytest.mark.tool("localstack s3 cors")
@pytest.mark.parametrize("fragment", [f for f in FRAGMENTS if "PUT" in bucket_policy(f)[0]["methods"]],
                         ids=[i for f, i in zip(FRAGMENTS, IDS) if "PUT" in bucket_policy(f)[0]["methods"]])
def test_presigned_uploads(fragment, s3, localstack):
    """A presigned PUT from each origin, then a multipart upload from an
    allowed one, completed with the part ETags script could read."""
    bucket, policy = bucket_policy(fragment)
    name = make_bucket(s3, fragment)
    allowed, refused = origins(bucket, policy)
    problems = []
    for origin in allowed + refused:
        url = s3.generate_presigned_url("put_object", Params={"Bucket": name, "Key": "one.txt"}, ExpiresIn=300)
        status, headers = request("PUT", url, {"Origin": origin}, data=b"hello")
        why = cors_check(headers, origin)
        if status != 200:
            problems.append(f"PUT from {origin}: status {status}")
        if origin in allowed and why:
            problems.append(f"PUT from allowed {origin}: script cannot read the answer ({why})")
        if origin in refused and not why:
            problems.append(f"PUT from refused {origin}: answer readable")
    origin = allowed[0]
    upload = s3.create_multipart_upload(Bucket=name, Key="big.bin")
    parts = []
    for number in (1, 2):
        url = s3.generate_presigned_url("upload_part", Params={
            "Bucket": name, "Key": "big.bin", "UploadId": upload["UploadId"], "PartNumber": number}, ExpiresIn=300)
        body = (b"x" * (5 * 1024 * 1024)) if number == 1 else b"tail"
        status, headers = request("PUT", url, {"Origin": origin}, data=body)
        assert status == 200 and cors_check(headers, origin) is None, (status, headers)
        etag = readable(headers, "ETag")
        assert etag, f"part {number}: ETag not exposed to script ({headers})"
        parts.append({"PartNumber": number, "ETag": etag})
    s3.complete_multipart_upload(Bucket=name, Key="big.bin", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": parts})
    assert s3.head_object(Bucket=name, Key="big.bin")["ContentLength"] == 5 * 1024 * 1024 + 4
    assert not problems, "\n".join(problems)
