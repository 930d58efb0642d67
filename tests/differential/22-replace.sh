# kubectl replace -f, --force, --dry-run, and its errors.
kubectl create cm rep1 --from-literal=a=1
kubectl get cm rep1 -o yaml > rep1.yaml
sed -i 's/a: "1"/a: "2"/' rep1.yaml
kubectl replace -f rep1.yaml
kubectl get cm rep1 -o jsonpath='{.data}'
kubectl replace -f rep1.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rep2\ndata:\n  x: z\n' > rep2.yaml
kubectl replace -f rep2.yaml
kubectl replace --force -f rep2.yaml
kubectl replace --force -f rep2.yaml
kubectl replace -f rep2.yaml --dry-run=client
kubectl replace -f rep2.yaml --dry-run=server
kubectl replace -f rep2.yaml -o name
kubectl replace
kubectl replace -f missing.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rep2\ndata:\n  x: y\n' > bad.yaml
kubectl replace -f bad.yaml
kubectl get cm rep2 -o jsonpath='{.data}'
