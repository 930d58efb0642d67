# kubectl get: --sort-by, -L, --show-kind, custom columns (flag and file), jsonpath files.
kubectl get pods -A -L k8s-app,app.kubernetes.io/name -L tier --show-labels
kubectl get pods -A --sort-by=.metadata.name -o name
kubectl get pods -A --sort-by='{.spec.nodeName}' -o wide
kubectl get pods -A --sort-by=.status.podIP
kubectl get pods -A --sort-by=metadata.creationTimestamp
kubectl get pods -A --sort-by=.foo
kubectl get pods -A --sort-by='{{.x}}'
kubectl get nodes --sort-by=.status.capacity.memory
kubectl get nodes --sort-by=.metadata.name --no-headers -o custom-columns=NAME:.metadata.name,CPU:.status.capacity.cpu
kubectl get pods -A --show-kind
kubectl get nodes --show-kind -o wide
kubectl get pods -A -o custom-columns=NAME:.metadata.name,NS:.metadata.namespace,IMAGES:.spec.containers[*].image,X:.nope
kubectl get pods -n kube-system -o custom-columns='NAME:{.metadata.name},LABELS:.metadata.labels,PORTS:.spec.containers[0].ports'
kubectl get pods -A -o custom-columns=NAME
kubectl get pods -A -o custom-columns=
kubectl get nodes -o custom-columns='NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status'
kubectl get svc kubernetes -o custom-columns=NAME:.metadata.name,PORT:.spec.ports[0].port,SEL:.spec.selector
printf 'NAME NAMESPACE NODE\n.metadata.name .metadata.namespace .spec.nodeName\n' > cols.txt
kubectl get pods -A -o custom-columns-file=cols.txt
printf 'NAME NODE\n.metadata.name\n' > bad.txt
kubectl get pods -A -o custom-columns-file=bad.txt
kubectl get pods -A -o custom-columns-file=missing.txt
printf '{range .items[*]}{.metadata.name}{"\\n"}{end}' > tpl.txt
kubectl get nodes -o jsonpath-file=tpl.txt
kubectl get nodes -o jsonpath-file=missing.txt
