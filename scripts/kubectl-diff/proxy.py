# Developer check helper: answers each GET with what Kubarium's REST surface answers
# (`kubectl get --raw PATH` in a fresh cluster, after an optional setup script), so a
# real kubectl can read Kubarium's discovery and OpenAPI documents.
# Usage: proxy.py KUBARIUM_BINARY [SETUP_SCRIPT] [PORT]
import http.server, subprocess, sys, json
BIN = sys.argv[1]
SETUP = open(sys.argv[2]).read() if len(sys.argv) > 2 else ''
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split('?')[0]
        out = subprocess.run([BIN, 'run', '-'], input=SETUP + f"kubectl get --raw '{path}'\n", capture_output=True, text=True).stdout
        try:
            json.loads(out)
            code = 200
        except Exception:
            code = 404
            out = json.dumps({"kind":"Status","apiVersion":"v1","status":"Failure","message":"not found","reason":"NotFound","code":404})
        b = out.encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[3]) if len(sys.argv) > 3 else 18081), H).serve_forever()
