# StatefulSets with the cluster's clock standing still: a new set's first pod (OrderedReady
# waits for it), its ControllerRevision, get and describe, rollout status without waiting,
# set image and history (with --revision), undo (to a missing revision, back, already
# there), restart, pause, scale, a forbidden update, an OnDelete set's status, and delete.
echo '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"serviceName":"web","replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80,"name":"web"}]}]}}}}' > sts.json
kubectl apply -f sts.json
kubectl get sts web -o wide
kubectl get pods -l app=web
kubectl get controllerrevisions -l app=web
kubectl rollout status sts/web --watch=false
kubectl rollout history sts/web
kubectl rollout history statefulset web --revision=1
kubectl rollout history sts/web --revision=4
kubectl rollout history sts/web --revision=-1
kubectl set image sts/web nginx=nginx:1.28
kubectl rollout history sts/web
kubectl rollout history sts/web --revision=2
kubectl rollout undo sts/web --to-revision=5
kubectl rollout undo sts/web
kubectl rollout undo sts/web
kubectl rollout undo sts/web --to-revision=3
kubectl rollout history sts/web
kubectl rollout pause sts/web
kubectl rollout resume sts/web
kubectl rollout restart sts/web
kubectl scale sts web --replicas=3
kubectl patch sts web -p '{"spec":{"serviceName":"other"}}'
kubectl describe sts web
kubectl rollout history deployment/coredns -n kube-system --revision=1
kubectl rollout history ds/kube-proxy -n kube-system --revision=1
echo '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"replicas":1,"updateStrategy":{"type":"OnDelete"},"selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"db","image":"redis:7"}]}}}}' > db.json
kubectl apply -f db.json
kubectl rollout status sts/db
kubectl get sts
kubectl delete sts web db
