#!/usr/bin/env python3
"""A stand-in BigBlueButton server for Pupitre's tests, on a loopback port.

It answers the API calls Pupitre makes (create, join, getMeetingInfo, isMeetingRunning, end,
getRecordings) as BigBlueButton's API documentation specifies them, and checks every call's
checksum the way the server does: hash(call name + query string without its checksum + shared
secret), with the configured hash. A call whose checksum is wrong gets BigBlueButton's
"checksumError" answer. Written apart from Pupitre's C++ (Python's hashlib), so that a mistake in
one is not repeated in the other.

Test controls (no checksum), under /_standin/:
  calls            every API call so far, as JSON: [{"call", "params", "checksum_ok"}]
  fail?on=1|0      answer every API call with HTTP 500 (the engine is broken) or not
  leave?meetingID=M&userID=U   a person leaves a meeting

Prints "bbb-standin: listening on http://127.0.0.1:PORT/bigbluebutton/api/" once ready.
"""
import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

STATE = {"meetings": {}, "recordings": {}, "calls": [], "fail": False}
LOCK = threading.Lock()


def xml(returncode, **fields):
    body = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return f"<response><returncode>{returncode}</returncode>{body}</response>"


def failed(key, message):
    return xml("FAILED", messageKey=key, message=escape(message))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    secret = ""
    algo = "sha256"

    def log_message(self, *args):  # quiet: the test's output stays readable
        pass

    def send(self, status, body, ctype="text/xml; charset=utf-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path.startswith("/_standin/"):
            return self.control(parts.path[len("/_standin/"):], dict(parse_qsl(parts.query)))
        prefix = "/bigbluebutton/api/"
        if not parts.path.startswith(prefix):
            return self.send(404, "not found", "text/plain")
        call = parts.path[len(prefix):]
        raw = parts.query
        # The query string as sent, without its checksum parameter (BigBlueButton's rule).
        pairs = raw.split("&") if raw else []
        given = [p[len("checksum="):] for p in pairs if p.startswith("checksum=")]
        rest = "&".join(p for p in pairs if not p.startswith("checksum="))
        want = hashlib.new(self.algo, (call + rest + self.secret).encode()).hexdigest()
        ok = len(given) == 1 and hmac.compare_digest(given[0], want)
        params = dict(parse_qsl(rest, keep_blank_values=True))
        with LOCK:
            STATE["calls"].append({"call": call, "params": params, "checksum_ok": ok})
            if STATE["fail"]:
                return self.send(500, "Internal Server Error", "text/plain")
            if not ok:
                return self.send(200, failed("checksumError", "Checksums do not match"))
            handler = getattr(self, "api_" + call, None)
            if handler is None:
                return self.send(200, failed("unsupportedRequest", "This request is not supported"))
            return handler(params)

    # --- the API
    def api_create(self, p):
        mid = p.get("meetingID", "")
        if not mid or "attendeePW" not in p or "moderatorPW" not in p:
            return self.send(200, failed("missingParam", "meetingID and passwords are needed"))
        m = STATE["meetings"].get(mid)
        if m is None:
            m = {"id": mid, "name": p.get("name", mid), "attendeePW": p["attendeePW"],
                 "moderatorPW": p["moderatorPW"], "createTime": int(time.time() * 1000),
                 "record": p.get("record") == "true", "attendees": {}}
            STATE["meetings"][mid] = m
            key = ""
        else:
            key = "<messageKey>duplicateWarning</messageKey>"
        return self.send(200, xml("SUCCESS", meetingID=escape(mid), createTime=m["createTime"],
                                  attendeePW=escape(m["attendeePW"]),
                                  moderatorPW=escape(m["moderatorPW"])).replace(
                                      "</response>", key + "</response>"))

    def api_join(self, p):
        m = STATE["meetings"].get(p.get("meetingID", ""))
        if m is None:
            return self.send(200, failed("invalidMeetingIdentifier", "The meeting does not exist"))
        if "createTime" in p and str(m["createTime"]) != p["createTime"]:
            return self.send(200, failed("mismatchCreateTimeParam", "createTime does not match"))
        if p.get("password") == m["moderatorPW"]:
            role = "MODERATOR"
        elif p.get("password") == m["attendeePW"]:
            role = "VIEWER"
        else:
            return self.send(200, failed("invalidPassword", "The password is wrong"))
        uid = p.get("userID", "")
        m["attendees"][uid] = {"fullName": p.get("fullName", ""), "role": role}
        page = (f"<!doctype html><title>Live class</title><h1>In the meeting</h1>"
                f"<p id='who'>{escape(p.get('fullName', ''))}</p><p id='role'>{role}</p>"
                f"<p id='meeting'>{escape(m['name'])}</p>")
        return self.send(200, page, "text/html; charset=utf-8")

    def api_isMeetingRunning(self, p):
        m = STATE["meetings"].get(p.get("meetingID", ""))
        return self.send(200, xml("SUCCESS", running="true" if m and m["attendees"] else "false"))

    def api_getMeetingInfo(self, p):
        m = STATE["meetings"].get(p.get("meetingID", ""))
        if m is None:
            return self.send(200, failed("notFound", "We could not find a meeting with that id"))
        people = "".join(
            f"<attendee><userID>{escape(u)}</userID><fullName>{escape(a['fullName'])}</fullName>"
            f"<role>{a['role']}</role></attendee>" for u, a in m["attendees"].items())
        return self.send(200, xml("SUCCESS", meetingID=escape(m["id"]), createTime=m["createTime"],
                                  running="true" if m["attendees"] else "false",
                                  participantCount=len(m["attendees"]),
                                  attendees=people))

    def api_end(self, p):
        mid = p.get("meetingID", "")
        m = STATE["meetings"].get(mid)
        if m is None:
            return self.send(200, failed("notFound", "We could not find a meeting with that id"))
        if p.get("password") != m["moderatorPW"]:
            return self.send(200, failed("invalidPassword", "Only a moderator ends a meeting"))
        del STATE["meetings"][mid]
        if m["record"]:
            rid = f"{mid}-{m['createTime']}"
            STATE["recordings"].setdefault(mid, []).append(
                {"id": rid, "start": m["createTime"], "end": int(time.time() * 1000)})
        return self.send(200, xml("SUCCESS", messageKey="sentEndMeetingRequest",
                                  message="The meeting was ended"))

    def api_getRecordings(self, p):
        mid = p.get("meetingID", "")
        recs = "".join(
            f"<recording><recordID>{escape(r['id'])}</recordID><meetingID>{escape(mid)}</meetingID>"
            f"<published>true</published><startTime>{r['start']}</startTime>"
            f"<endTime>{r['end']}</endTime><playback><format><type>presentation</type>"
            f"<url>http://127.0.0.1/playback/presentation/2.3/{escape(r['id'])}</url>"
            f"</format></playback></recording>" for r in STATE["recordings"].get(mid, []))
        return self.send(200, xml("SUCCESS", recordings=recs))

    # --- test controls
    def control(self, what, q):
        with LOCK:
            if what == "calls":
                return self.send(200, json.dumps(STATE["calls"]), "application/json")
            if what == "fail":
                STATE["fail"] = q.get("on") == "1"
                return self.send(200, "{}", "application/json")
            if what == "leave":
                m = STATE["meetings"].get(q.get("meetingID", ""))
                if m:
                    m["attendees"].pop(q.get("userID", ""), None)
                return self.send(200, "{}", "application/json")
        return self.send(404, "{}", "application/json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secret", required=True)
    ap.add_argument("--checksum", default="sha256", choices=["sha1", "sha256", "sha384", "sha512"])
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    Handler.secret = args.secret
    Handler.algo = args.checksum
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"bbb-standin: listening on http://127.0.0.1:{server.server_port}/bigbluebutton/api/",
          flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
