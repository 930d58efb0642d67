# kubectl version, -o json|yaml, --client; global flags kubectl accepts everywhere.
kubectl version
kubectl version -o json
kubectl version --client -o yaml
kubectl version -o yaml
kubectl version -o bogus
kubectl get nodes -v=6 --request-timeout=5s -o name
