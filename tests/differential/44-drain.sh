# kubectl drain: the node cordoned, kubectl's filters (unmanaged pods, local storage, the
# kube-proxy DaemonSet's pod), client and server dry runs, evictions waited for,
# and disruption budgets. (Several pods are evicted concurrently by real kubectl, in an order
# of its own, and groups several kinds of refusal or warning in map order: each command
# here evicts at most one pod and meets at most one kind of refusal or warning; a
# --pod-selector keeps the kube-proxy pod out where other pods warn.)
# speed: 1
kubectl run solo --image=nginx:1.27 --overrides='{"spec":{"nodeName":"node02"}}'
kubectl run scratch --image=nginx:1.27 --overrides='{"spec":{"nodeName":"node02","volumes":[{"name":"tmp","emptyDir":{}}],"containers":[{"name":"scratch","image":"nginx:1.27","volumeMounts":[{"name":"tmp","mountPath":"/tmp"}]}]}}'
kubectl wait --for=condition=Ready pod/solo pod/scratch --timeout=60s
kubectl drain node02 --ignore-daemonsets --delete-emptydir-data
kubectl get node node02 -o jsonpath='{.spec.unschedulable}{"\n"}'
kubectl drain node02 --ignore-daemonsets --force --dry-run=client --pod-selector=run
kubectl drain node02 --ignore-daemonsets --force --delete-emptydir-data --dry-run=client --pod-selector=run
kubectl drain node02 --ignore-daemonsets --force --delete-emptydir-data --pod-selector=run=solo --dry-run=server
kubectl get pods
kubectl drain node02 --ignore-daemonsets --force --delete-emptydir-data --pod-selector=run=solo
kubectl get pods
kubectl create poddisruptionbudget keep --selector=run=scratch --min-available=1
kubectl drain node02 --ignore-daemonsets --force --delete-emptydir-data --pod-selector=run=scratch --timeout=12s
kubectl delete pdb keep
kubectl drain node02 --ignore-daemonsets --force --delete-emptydir-data --pod-selector=run=scratch --grace-period=0
kubectl get pods
kubectl drain node02 --force --delete-emptydir-data
kubectl drain node02 --ignore-daemonsets
kubectl uncordon node02
kubectl drain
kubectl drain node02 -l a=b
kubectl drain node02 --pod-selector='a in (b'
kubectl drain node02 --dry-run=bogus
kubectl drain nope
