# DaemonSets with the cluster's clock standing still: the kube-proxy DaemonSet, a new one's
# pods (one per worker), its ControllerRevisions, set image (the first old pod going),
# rollout status without waiting, history, undo (to a missing revision, back, already
# there), restart, pause, scale and describe.
kubectl get ds -A
kubectl get controllerrevisions -n kube-system
kubectl rollout history ds/kube-proxy -n kube-system
kubectl rollout status ds/kube-proxy -n kube-system
echo '{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"agent","image":"nginx:1.27"}]}}}}' > ds.json
kubectl apply -f ds.json
kubectl get ds agent -o wide
kubectl get pods -l app=agent -o wide
kubectl rollout status ds/agent --watch=false
kubectl set image ds/agent agent=nginx:1.28
kubectl get pods -l app=agent
kubectl get controllerrevisions -l app=agent
kubectl rollout history ds/agent
kubectl rollout history daemonset agent
kubectl rollout undo ds/agent --to-revision=5
kubectl rollout undo ds/agent
kubectl rollout undo ds/agent --to-revision=3
kubectl rollout history ds/agent
kubectl rollout pause ds/agent
kubectl rollout resume ds/agent
kubectl rollout restart ds/agent
kubectl get ds agent -o jsonpath='{.spec.template.metadata.annotations}{"\n"}'
kubectl scale ds agent --replicas=2
kubectl describe ds agent
kubectl patch ds agent --type=merge -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'
kubectl rollout status ds/agent
kubectl delete ds agent
