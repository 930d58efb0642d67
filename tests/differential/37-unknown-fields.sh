# Unknown fields in request bodies, nested in objects and lists, beside null fields: refused with --validate=strict (the default), warned about with warn, dropped with false.
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":null,"foo":1},"spec":{"containers":[{"name":"c","image":"nginx","imagee":"x","ports":[{"containerPort":80,"hostPorts":1}],"env":null}],"bogus":{"a":1},"volumes":null}}' > p.json
echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"},"extra":true},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"1"},"limitz":{}}}]}}}}' > d.json
kubectl apply -f p.json
kubectl create -f p.json --validate=warn
kubectl get pod p -o jsonpath='{.spec.containers[0].ports}{"\n"}'
kubectl create -f d.json
kubectl create -f d.json --validate=false
kubectl get deploy d -o jsonpath='{.spec.template.spec.containers[0].resources}{"\n"}'
