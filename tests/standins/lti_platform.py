#!/usr/bin/python3
"""An LTI 1.3 platform (an LMS) for Pupitre's tests, on a loopback port: it follows 1EdTech's
messages step by step and checks what the tool sends, with an implementation of its own (PyJWT
and cryptography, Debian's python3-jwt and python3-cryptography), not Pupitre's.

  GET  /launch?user=&role=learner|instructor&kind=resource|deep&exam=&tamper=
       the LMS page's link: 302 to the tool's login initiation (iss, login_hint,
       target_link_uri, lti_message_hint, client_id, lti_deployment_id)
  GET  /auth?...       the OIDC authorization endpoint: checks the tool's request (scope, response
       type and mode, prompt, client, redirect, login hint, state, nonce) and answers the
       auto-posted form carrying id_token and state to the redirect_uri; `tamper` spoils the
       token one way (expired, wrong_aud, wrong_key, wrong_nonce, wrong_deployment, alg_none)
  GET  /jwks           its keys
  POST /token          client credentials with the tool's signed assertion (checked against the
       tool's /lti/jwks: iss, sub, aud, exp, jti once) -> an access token for the score scope
  POST /lineitems/EXAM/lineitem/scores   AGS scores (bearer token, media type, fields)
  POST /deep_link_return                 the tool's signed LtiDeepLinkingResponse (JWT field)
  GET  /recorded       what it received: {"scores": [...], "links": [...], "refused": [...]}

Prints "lti-platform: listening on http://127.0.0.1:PORT/" once it listens.
"""
import argparse
import html
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "pupitre-tool"
DEPLOYMENT = "deployment-1"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
ROLES = {"learner": "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
         "instructor": "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"}
NAMES = {"7": ("Rose", "Tyler"), "8": ("Martha", "Jones"), "1": ("John", "Smith")}


class Platform:
    def __init__(self, tool):
        self.tool = tool.rstrip("/")
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.lock = threading.Lock()
        self.tokens = set()
        self.jtis = set()
        self.recorded = {"scores": [], "links": [], "refused": []}
        self.url = ""

    def jwks(self):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": "platform-1", "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def tool_key(self, token):
        return jwt.PyJWKClient(self.tool + "/lti/jwks").get_signing_key_from_jwt(token).key

    def refuse(self, why):
        with self.lock:
            self.recorded["refused"].append(why)
        return why


class Handler(BaseHTTPRequestHandler):
    platform = None

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def fail(self, status, why):
        self.send(status, {"error": self.platform.refuse(why)})

    def query(self):
        return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).items()}

    def form(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        return {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}

    def do_GET(self):
        p = self.platform
        path = urllib.parse.urlsplit(self.path).path
        if path == "/jwks":
            return self.send(200, p.jwks())
        if path == "/recorded":
            with p.lock:
                return self.send(200, p.recorded)
        if path == "/launch":
            q = self.query()
            hint = json.dumps({k: q.get(k, "") for k in ("role", "kind", "exam", "tamper")})
            target = p.tool + "/lti/launch"
            login = p.tool + "/lti/login?" + urllib.parse.urlencode({
                "iss": p.url, "login_hint": q.get("user", "7"), "target_link_uri": target,
                "lti_message_hint": hint, "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT})
            return self.send(302, "", "text/plain", [("Location", login)])
        if path == "/auth":
            return self.authorize(self.query())
        self.fail(404, "no such page")

    def authorize(self, q):
        p = self.platform
        expected = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
                    "prompt": "none", "client_id": CLIENT_ID, "redirect_uri": p.tool + "/lti/launch"}
        for k, v in expected.items():
            if q.get(k) != v:
                return self.fail(400, f"auth: {k} is {q.get(k)!r}, not {v!r}")
        for k in ("login_hint", "state", "nonce", "lti_message_hint"):
            if not q.get(k):
                return self.fail(400, f"auth: no {k}")
        hint = json.loads(q["lti_message_hint"])
        user, now = q["login_hint"], int(time.time())
        given, family = NAMES.get(user, ("Someone", user))
        claims = {
            "iss": p.url, "aud": CLIENT_ID, "sub": user, "iat": now, "exp": now + 300,
            "nonce": q["nonce"], "name": f"{given} {family}", "given_name": given,
            "family_name": family, "email": f"{given.lower()}@school.example", "locale": "en-GB",
            LTI + "version": "1.3.0", LTI + "deployment_id": DEPLOYMENT,
            LTI + "target_link_uri": p.tool + "/lti/launch",
            LTI + "roles": [ROLES.get(hint.get("role"), ROLES["learner"])],
            LTI + "context": {"id": "course-2", "title": "History 2nde B"},
        }
        if hint.get("kind") == "deep":
            claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": p.url + "/deep_link_return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window"], "accept_multiple": False,
                "data": "dl-data-42"}
        else:
            claims[LTI + "message_type"] = "LtiResourceLinkRequest"
            claims[LTI + "resource_link"] = {"id": "link-" + hint.get("exam", ""), "title": "Exam"}
            if hint.get("exam"):
                claims[LTI + "custom"] = {"exam": hint["exam"]}
                claims[AGS + "endpoint"] = {"scope": [SCORE_SCOPE],
                                            "lineitem": f"{p.url}/lineitems/{hint['exam']}/lineitem"}
        key, headers, tamper = p.key, {"kid": "platform-1"}, hint.get("tamper", "")
        if tamper == "expired":
            claims["exp"], claims["iat"] = now - 3600, now - 3900
        elif tamper == "wrong_aud":
            claims["aud"] = "another-tool"
        elif tamper == "wrong_key":
            key = p.other_key
        elif tamper == "wrong_nonce":
            claims["nonce"] = "not-the-tools"
        elif tamper == "wrong_deployment":
            claims[LTI + "deployment_id"] = "deployment-9"
        if tamper == "alg_none":
            token = jwt.encode(claims, None, algorithm="none", headers=headers)
        else:
            token = jwt.encode(claims, key, algorithm="RS256", headers=headers)
        page = ("<!doctype html><form method=\"post\" action=\"{0}\">"
                "<input type=\"hidden\" name=\"id_token\" value=\"{1}\">"
                "<input type=\"hidden\" name=\"state\" value=\"{2}\"></form>"
                "<script>document.forms[0].submit()</script>").format(
                    html.escape(q["redirect_uri"]), html.escape(token), html.escape(q["state"]))
        self.send(200, page, "text/html; charset=utf-8")

    def do_POST(self):
        p = self.platform
        path = urllib.parse.urlsplit(self.path).path
        if path == "/token":
            return self.token(self.form())
        if path == "/deep_link_return":
            return self.deep_link_return(self.form())
        if path.startswith("/lineitems/") and path.endswith("/lineitem/scores"):
            return self.score(path.split("/")[2])
        self.fail(404, "no such endpoint")

    def token(self, f):
        p = self.platform
        if f.get("grant_type") != "client_credentials":
            return self.fail(400, "token: grant_type")
        if f.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return self.fail(400, "token: client_assertion_type")
        if SCORE_SCOPE not in f.get("scope", "").split():
            return self.fail(400, "token: no score scope")
        try:
            claims = jwt.decode(f.get("client_assertion", ""), p.tool_key(f.get("client_assertion", "")),
                                algorithms=["RS256"], audience=p.url + "/token", issuer=CLIENT_ID,
                                options={"require": ["exp", "iat", "jti", "sub"]})
        except Exception as e:  # noqa: BLE001 (any failure is a refusal)
            return self.fail(401, f"token: assertion refused: {e}")
        if claims["sub"] != CLIENT_ID:
            return self.fail(401, "token: sub")
        with p.lock:
            if claims["jti"] in p.jtis:
                return self.fail(401, "token: jti replayed")
            p.jtis.add(claims["jti"])
            token = secrets.token_urlsafe(24)
            p.tokens.add(token)
        self.send(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                        "scope": SCORE_SCOPE})

    def score(self, exam):
        p = self.platform
        auth = self.headers.get("Authorization", "")
        with p.lock:
            known = auth.startswith("Bearer ") and auth[7:] in p.tokens
        if not known:
            return self.fail(401, "score: no valid bearer token")
        if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
            return self.fail(415, "score: media type")
        length = int(self.headers.get("Content-Length", "0"))
        s = json.loads(self.rfile.read(length))
        for k in ("userId", "scoreGiven", "scoreMaximum", "timestamp", "activityProgress", "gradingProgress"):
            if k not in s:
                return self.fail(400, f"score: no {k}")
        if not 0 <= s["scoreGiven"] <= s["scoreMaximum"]:
            return self.fail(400, "score: out of range")
        s["exam"] = exam
        with p.lock:
            p.recorded["scores"].append(s)
        self.send(200, {})

    def deep_link_return(self, f):
        p = self.platform
        token = f.get("JWT", "")
        try:
            claims = jwt.decode(token, p.tool_key(token), algorithms=["RS256"], audience=p.url,
                                issuer=CLIENT_ID, options={"require": ["exp", "iat", "nonce"]})
        except Exception as e:  # noqa: BLE001
            return self.fail(401, f"deep link: refused: {e}")
        checks = {LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
                  LTI + "deployment_id": DEPLOYMENT, DL + "data": "dl-data-42"}
        for k, v in checks.items():
            if claims.get(k) != v:
                return self.fail(400, f"deep link: {k} is {claims.get(k)!r}")
        with p.lock:
            p.recorded["links"].append(claims.get(DL + "content_items", []))
        self.send(200, "<!doctype html><p>Added.</p>", "text/html; charset=utf-8")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", required=True, help="the tool's address, http://127.0.0.1:PORT")
    args = parser.parse_args()
    platform = Platform(args.tool)
    Handler.platform = platform
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    platform.url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"lti-platform: listening on {platform.url}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
