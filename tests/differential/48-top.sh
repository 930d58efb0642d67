# kubectl top against metrics-server's API: nodes and pods, sorted, by container, summed,
# and the errors (unknown sort key, a name with a selector, a missing pod or node).
# speed: 1
kubectl wait --for=condition=Ready pod -n kube-system -l k8s-app=metrics-server --timeout=60s
kubectl top node
kubectl top node --show-capacity --no-headers
kubectl top node node01
kubectl top pod -n kube-system --sort-by=memory
kubectl top pod -A --containers --sort-by=cpu
kubectl top pod -A --sum
kubectl top pod -n kube-system -l k8s-app=kube-proxy
kubectl top pod
kubectl top pod nope
kubectl top node nope
kubectl top node --sort-by=disk
kubectl top pod x -l a=b
kubectl get apiservice v1beta1.metrics.k8s.io
