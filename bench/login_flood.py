#!/usr/bin/env python3
"""A wrong-password login flood against one server, and how long a genuine login takes meanwhile.

Usage: login_flood.py PUPITRE_BIN [SECONDS]
Starts `pupitre serve --demo` (default argon2id cost) in a temporary directory on loopback;
100 attacker connections from 50 loopback addresses (127.0.20.1-50) post wrong passwords as fast
as they are answered; after 3 s, a student from 127.0.30.1 logs in 5 times, one after the other.
Prints the attackers' answers by status and the student's login times. Bounded: the flood stops
after SECONDS (default 15) and the server is stopped.
"""
import http.client, json, os, re, signal, statistics, subprocess, sys, tempfile, threading, time

binary = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 15.0
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "pupitre.toml"), "w") as f:
    f.write('[server]\nlisten = "127.0.0.1:0"\n')
proc = subprocess.Popen([binary, "serve", "--config", os.path.join(tmp, "pupitre.toml"),
                         "--data-dir", os.path.join(tmp, "store"), "--demo"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port = None
deadline = time.time() + 60
while time.time() < deadline and port is None:
    m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", proc.stdout.readline())
    if m: port = int(m.group(1))
if port is None:
    proc.kill(); sys.exit("the server did not start")

HEADERS = {"Content-Type": "application/json"}
stop = time.time() + seconds
counts, lock = {}, threading.Lock()

def attacker(i):
    src = "127.0.20.%d" % (1 + i % 50)
    conn = None
    while time.time() < stop:
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(src, 0))
            conn.request("POST", "/api/login", json.dumps({"login": "student%04d" % (1 + i), "password": "wrong-password"}), HEADERS)
            r = conn.getresponse(); r.read()
            key = r.status
            if r.status == 429:  # a real attacker would not wait, but it must not spin either
                time.sleep(0.01)
        except Exception:
            key = "error"; conn = None
        with lock: counts[key] = counts.get(key, 0) + 1

threads = [threading.Thread(target=attacker, args=(i,)) for i in range(100)]
for t in threads: t.start()
time.sleep(3)  # the flood is under way
times = []
for k in range(5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=("127.0.30.1", 0))
    t0 = time.time()
    conn.request("POST", "/api/login", json.dumps({"login": "student1999", "password": "student-demo"}), HEADERS)
    r = conn.getresponse(); r.read()
    times.append((time.time() - t0, r.status))
    conn.close()
for t in threads: t.join()
proc.send_signal(signal.SIGTERM); proc.wait(timeout=30)
print("attackers' answers:", dict(sorted(counts.items(), key=str)))
print("student logins (s, status):", [(round(t, 3), s) for t, s in times])
print("student login median: %.3f s" % statistics.median(t for t, _ in times))
