# workload: a Python unittest run that uses temp files, subprocesses and a loopback server
. "$(dirname "$0")/../attacks/common.bash"
cd "$VG_TMP"
cat >test_sample.py <<'PY'
import http.server, socketserver, subprocess, tempfile, threading, unittest, urllib.request

class Sample(unittest.TestCase):
    def test_files(self):
        with tempfile.NamedTemporaryFile("w+") as f:
            f.write("x"); f.flush(); f.seek(0)
            self.assertEqual(f.read(), "x")

    def test_subprocess(self):
        self.assertEqual(subprocess.run(["echo", "hi"], capture_output=True, text=True).stdout, "hi\n")
        self.assertEqual(subprocess.run("echo hi | tr a-z A-Z", shell=True, capture_output=True, text=True).stdout, "HI\n")

    def test_http(self):
        with socketserver.TCPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler) as srv:
            threading.Thread(target=srv.handle_request, daemon=True).start()
            with urllib.request.urlopen("http://127.0.0.1:%d/" % srv.server_address[1], timeout=5) as r:
                self.assertEqual(r.status, 200)

unittest.main()
PY
python3 test_sample.py -q 2>/dev/null
