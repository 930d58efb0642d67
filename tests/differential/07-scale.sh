# kubectl scale through the scale subresource: preconditions, selectors, dry runs, errors.
echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","labels":{"app":"api"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"api"}},"template":{"metadata":{"labels":{"app":"api"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}' > api.json
echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"b2"},"spec":{"selector":{"matchLabels":{"app":"b2"}},"template":{"metadata":{"labels":{"app":"b2"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}' > b2.json
kubectl apply -f api.json
kubectl apply -f b2.json
kubectl scale deployment api --replicas=3
kubectl scale deployment api --replicas=3
kubectl scale deploy/api --replicas=4 --current-replicas=2
kubectl scale deploy/api --replicas=4 --current-replicas=3
kubectl scale deploy api
kubectl scale deploy api --replicas=-1
kubectl scale deploy api --replicas=x
kubectl scale deploy nope --replicas=1
kubectl scale deploy --all --replicas=1
kubectl scale deploy api b2 --replicas=5
kubectl scale deploy api --replicas=2 --dry-run=client
kubectl scale deploy api --replicas=2 --dry-run=server
kubectl scale deploy api --replicas=2 -o name
kubectl scale pod nope --replicas=2
kubectl scale deploy -l app=api --replicas=6
kubectl scale
kubectl scale --replicas=1
kubectl scale rs x --replicas=1
kubectl get deploy
kubectl get deploy api -o yaml
