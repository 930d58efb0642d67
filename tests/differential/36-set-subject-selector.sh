# kubectl set subject (users, groups, service accounts added to role bindings) and set selector (a service's selector replaced).
kubectl create role reader --verb=get --resource=pods
kubectl create rolebinding rb --role=reader --user=alice
kubectl create clusterrolebinding crb --clusterrole=view --group=devs
kubectl create service clusterip web --tcp=80:8080
kubectl create configmap cfg
kubectl set subject rolebinding rb --user=bob --user=alice --group=ops
kubectl get rolebinding rb -o jsonpath='{range .subjects[*]}{.kind}:{.name}{"\n"}{end}'
kubectl set subject rolebinding rb --user=alice
kubectl set subject rolebinding/rb --serviceaccount=default:bot --serviceaccount=:builder
kubectl get rolebinding rb -o yaml
kubectl set subject clusterrolebinding crb --serviceaccount=:x
kubectl set subject clusterrolebinding crb --serviceaccount=kube-system:x --dry-run=client -o yaml
kubectl set subject clusterrolebinding crb --serviceaccount=kube-system:x -o name
kubectl set subject rolebinding rb --serviceaccount=bad
kubectl set subject rolebinding rb
kubectl set subject rolebinding nope --user=x
kubectl set subject configmap cfg --user=x
kubectl set subject rolebinding rb --nope=x
kubectl set selector svc web app=api
kubectl get svc web -o jsonpath='{.spec.selector}{"\n"}'
kubectl set selector svc web 'app=api,tier=front' --dry-run=client -o yaml
kubectl set selector svc web 'app in (a,b)'
kubectl set selector svc web
kubectl set selector cm cfg app=x
kubectl set selector svc nope app=x
