# A stub API discovery endpoint so a real kubectl can render client-side output
# (dry runs, flag errors) without a cluster; used by compare.sh.
import http.server, json
RES = {"kind":"APIResourceList","groupVersion":"v1","resources":[
 {"name":"pods","singularName":"pod","namespaced":True,"kind":"Pod","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["po"]},
 {"name":"namespaces","singularName":"namespace","namespaced":False,"kind":"Namespace","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["ns"]},
 {"name":"services","singularName":"service","namespaced":True,"kind":"Service","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["svc"]}]}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        p = self.path.split('?')[0]
        body = {"/api": {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]},
                "/apis": {"kind":"APIGroupList","apiVersion":"v1","groups":[]},
                "/api/v1": RES, "/version": {"major":"1","minor":"33","gitVersion":"v1.33.4"}}.get(p)
        if body is None:
            self.send_response(404); self.end_headers(); return
        b = json.dumps(body).encode()
        self.send_response(200); self.send_header("Content-Type","application/json"); self.send_header("Content-Length",str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self,*a): pass
http.server.HTTPServer(("127.0.0.1", 18080), H).serve_forever()
