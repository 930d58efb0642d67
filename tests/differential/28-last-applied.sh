# kubectl apply view-last-applied and set-last-applied.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dfx\ndata:\n  a: "1"\n' > dfx.yaml
kubectl apply -f dfx.yaml
kubectl apply view-last-applied cm dfx
kubectl apply view-last-applied cm/dfx -o json
kubectl apply view-last-applied
sed 's/a: "1"/a: "9"/' dfx.yaml > dfx2.yaml
kubectl apply set-last-applied -f dfx2.yaml
kubectl apply view-last-applied cm dfx
kubectl apply set-last-applied -f dfx2.yaml
kubectl create cm plain
kubectl get cm plain -o yaml > plain.yaml
kubectl apply set-last-applied -f plain.yaml
kubectl apply view-last-applied cm plain
