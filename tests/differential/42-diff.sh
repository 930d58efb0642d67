# kubectl diff (the live object against the server's dry run of the apply, secrets
# masked, exit 1 when they differ), kubectl api-versions and apply edit-last-applied.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dfx\ndata:\n  a: "1"\n' > dfx.yaml
kubectl diff -f dfx.yaml; echo "exit $?"
kubectl apply -f dfx.yaml
kubectl diff -f dfx.yaml; echo "exit $?"
sed -i 's/"1"/"2"/' dfx.yaml
kubectl diff -f dfx.yaml; echo "exit $?"
kubectl create secret generic s --from-literal=k=v --from-literal=same=1 --from-literal=gone=x --dry-run=client -o yaml > s.yaml
kubectl apply -f s.yaml
kubectl create secret generic s --from-literal=k=w --from-literal=same=1 --from-literal=n=1 --dry-run=client -o yaml > s.yaml
kubectl diff -f s.yaml; echo "exit $?"
kubectl diff -f nope.yaml 2>&1; echo "exit $?"
kubectl diff -f dfx.yaml -f nope.yaml 2>&1; echo "exit $?"
kubectl api-versions
KUBE_EDITOR=cat kubectl apply edit-last-applied cm/dfx 2>&1; echo "exit $?"
KUBE_EDITOR="sed -i /a:/s/1/3/" kubectl apply edit-last-applied configmap dfx
KUBE_EDITOR="sed -i /a:/s/3/4/" kubectl apply edit-last-applied configmap dfx -o json
KUBE_EDITOR="sed -i s/ConfigMap/Secret/" kubectl apply edit-last-applied configmap dfx
kubectl apply view-last-applied cm/dfx
kubectl get cm dfx -o jsonpath='{.data.a}{"\n"}'
kubectl apply view-last-applied cm/dfx -o json
kubectl apply edit-last-applied secret s -o yaml --dry-run=client
kubectl create configmap plain --from-literal=a=b
kubectl apply edit-last-applied cm plain
