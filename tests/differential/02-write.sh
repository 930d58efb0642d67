# Writing: create and apply manifests, patch, run, delete.
echo '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app","labels":{"tier":"web"}},"data":{"mode":"dev"}}' > cm.json
kubectl create -f cm.json
kubectl create -f cm.json
kubectl get cm app -o yaml
kubectl apply -f cm.json
kubectl patch cm app -p '{"data":{"mode":"prod"}}'
kubectl patch cm app --type=json -p '[{"op":"add","path":"/data/extra","value":"1"}]'
kubectl patch cm app --type=merge -p '{"data":{"extra":null}}'
kubectl get cm app -o json
kubectl get cm --show-labels
echo '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app","labels":{"tier":"web"}},"data":{"mode":"qa"}}' > cm2.json
kubectl apply -f cm2.json
kubectl apply -f cm2.json
kubectl apply -f cm2.json --server-side --force-conflicts
kubectl get cm app -o yaml --show-managed-fields
kubectl run web --image=nginx:1.27 --labels=app=web
kubectl get pods --show-labels
kubectl delete cm app
kubectl delete cm app
kubectl get cm
echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}' > ns.json
kubectl apply -f ns.json
kubectl get ns team
kubectl apply -f ns.json --dry-run=server
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad"},"spec":{"containers":[{"name":"c"}]}}' > bad.json
kubectl create -f bad.json
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"typo"},"spec":{"containerz":[]}}' > typo.json
kubectl create -f typo.json
