# kubectl apply on an object created without apply: client dry runs print what they would send (no warning, -o name with the group), server dry runs and real writes warn about the missing annotation.
echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}' > d1.json
echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}' > d2.json
kubectl create -f d1.json
kubectl apply -f d2.json --dry-run=client -o name
kubectl apply -f d2.json --dry-run=client
kubectl apply -f d2.json --dry-run=client -o jsonpath='{.spec.replicas}{"\n"}'
kubectl apply -f d2.json --dry-run=server -o name
kubectl apply -f d2.json -o name
kubectl apply -f d2.json -o name
kubectl get deploy web -o jsonpath='{.spec.replicas}{"\n"}'
kubectl create configmap cc --from-literal=a=1 -o custom-columns=NAME:.metadata.name
kubectl create configmap cc --from-literal=a=1 -o wide
kubectl create configmap cc --from-literal=a=1 -o jsonpath={.data.a}
kubectl scale deploy web --replicas=2 -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas
