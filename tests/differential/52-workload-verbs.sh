# Rollout, scale and set image across the workload kinds the other scripts leave out, with the cluster's clock standing still: a Deployment's rollout verbs (status without waiting, history and one revision, pause and resume twice each, undo while paused, to a missing revision and back, restart last: its annotation is the client's clock, so the new ReplicaSet's hash differs), scaling ReplicaSets, ReplicationControllers, StatefulSets, Jobs and CronJobs, set image on ReplicaSets, ReplicationControllers, Jobs and CronJobs, rollout on kinds that have none, and describe of the Deployment.
echo '{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"front"},"spec":{"replicas":2,"selector":{"matchLabels":{"tier":"front"}},"template":{"metadata":{"labels":{"tier":"front"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}' > rs.json
echo '{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"legacy"},"spec":{"replicas":1,"selector":{"app":"legacy"},"template":{"metadata":{"labels":{"app":"legacy"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}}' > rc.json
echo '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"serviceName":"db","replicas":1,"selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"pg","image":"postgres:16"}]}}}}' > sts.json
kubectl create deployment web --image=nginx:1.27 --replicas=2
kubectl rollout status deployment/web --watch=false
kubectl set image deployment/web nginx=nginx:1.28
kubectl rollout history deployment/web
kubectl rollout history deployment/web --revision=2
kubectl rollout pause deployment/web
kubectl rollout pause deployment/web
kubectl rollout undo deployment/web
kubectl rollout status deployment/web --watch=false
kubectl rollout resume deployment/web
kubectl rollout resume deployment/web
kubectl rollout undo deployment/web --to-revision=7
kubectl rollout undo deployment/web --to-revision=1
kubectl get rs -l app=web
kubectl apply -f rs.json
kubectl scale rs front --replicas=3
kubectl scale rs/front --replicas=1 --current-replicas=2
kubectl set image rs/front web=nginx:1.28
kubectl rollout status rs/front
kubectl rollout history rs/front
kubectl apply -f rc.json
kubectl scale rc legacy --replicas=2
kubectl set image rc/legacy c=nginx:1.28
kubectl apply -f sts.json
kubectl scale sts db --replicas=2
kubectl create job once --image=busybox:1.36 -- echo hi
kubectl scale job once --replicas=2
kubectl set image job/once once=busybox:1.37
kubectl create cronjob tick --image=busybox:1.36 --schedule="*/5 * * * *" -- echo tick
kubectl set image cronjob/tick tick=busybox:1.37
kubectl scale cronjob tick --replicas=2
kubectl rollout status cronjob/tick
kubectl get rs,rc,sts -o wide
kubectl describe deployment web
kubectl rollout restart deployment/web
kubectl rollout history deployment/web
