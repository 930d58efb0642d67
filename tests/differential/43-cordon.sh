# kubectl cordon and uncordon: by name, TYPE/NAME or selector, already-done nodes left
# alone, dry runs, and the errors raised before any node changes.
kubectl cordon node01
kubectl cordon node01
kubectl get nodes
kubectl get node node01 -o jsonpath='{.spec.unschedulable} {.spec.taints[*].key}{"\n"}'
kubectl uncordon node01 --dry-run=client
kubectl cordon node01 --dry-run=client
kubectl uncordon node01 --dry-run=server
kubectl get node node01 -o jsonpath='{.spec.unschedulable}{"\n"}'
kubectl uncordon node/node01
kubectl uncordon nodes/node01
kubectl get node node01 -o jsonpath='{.spec.unschedulable}{"\n"}'
kubectl cordon node01 node02
kubectl uncordon -l kubernetes.io/os=linux
kubectl cordon -l nope=x
kubectl cordon
kubectl uncordon node01 -l a=b
kubectl cordon node01 nope
kubectl get node node01 -o jsonpath='{.spec.unschedulable}{"\n"}'
kubectl cordon pod/x
kubectl cordon node01 --dry-run=bogus
