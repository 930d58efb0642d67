# kubectl cluster-info dump: the lists as kubectl's typed clients decode and print them
# (Go field order, zero values, no managedFields), each container's log request, and the
# directory tree --output-directory writes.
kubectl create deployment web --image=nginx --replicas=2
kubectl create service clusterip web --tcp=80:8080
kubectl create configmap cfg --from-literal=a=b
kubectl cluster-info dump
kubectl cluster-info dump --namespaces default -o yaml
kubectl cluster-info dump --namespaces default,kube-public -o jsonpath='{.kind} {.metadata.resourceVersion}{"\n"}'
kubectl cluster-info dump --namespaces=nope -o go-template='{{.kind}} {{len .items}}{{"\n"}}'
kubectl cluster-info dump -o name
kubectl cluster-info dump -o wide
kubectl cluster-info dump --namespaces default --show-managed-fields -o jsonpath='{.items[*].metadata.managedFields[*].manager}{"\n"}'
kubectl cluster-info dump -A --output-directory dump
cat dump/kube-node-lease/pods.json
cat dump/default/services.json
cat dump/kube-system/etcd-controlplane/logs.txt
kubectl cluster-info dump --output-directory=out -o yaml --namespaces default
cat out/default/deployments.yaml
head -3 out/nodes.yaml
