# Reading the default cluster: tables, wide, names, YAML and JSON, describe, discovery.
kubectl get nodes
kubectl get nodes -o wide
kubectl get pods -A
kubectl get pods -n kube-system -o wide
kubectl get ns
kubectl get svc -A
kubectl get svc kubernetes -o yaml
kubectl get ns default -o json
kubectl get pods -n kube-system -o name
kubectl get nodes --show-labels
kubectl get pods -A --no-headers
kubectl get all -n kube-system
kubectl get deploy,svc -n kube-system
kubectl get pods -n kube-system -l component=etcd
kubectl get pods -A --field-selector spec.nodeName=node01
kubectl get priorityclasses
kubectl get cs
kubectl get sa
kubectl get cm -n kube-system
kubectl get clusterroles
kubectl get apiservices
kubectl describe node node01
kubectl describe ns default
kubectl describe svc kubernetes
kubectl api-resources
kubectl api-resources --namespaced=false
kubectl explain pod.spec.containers.image
kubectl explain deployment
kubectl cluster-info
kubectl get pod nope
kubectl get nopes
kubectl get pods -n kube-system nope other
kubectl api-resources -o wide
kubectl api-resources -o name
kubectl api-resources --api-group=apps
kubectl api-resources --api-group=''
kubectl api-resources --verbs=list,get --namespaced=true
kubectl api-resources --no-headers
kubectl api-resources --sort-by=kind
kubectl api-resources --sort-by=foo
kubectl api-resources -o foo
kubectl api-resources --categories=all
