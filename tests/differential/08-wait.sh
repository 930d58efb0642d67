# kubectl wait: conditions, jsonpath, create and delete, selectors, timeouts and errors.
# speed: 1
kubectl run w1 --image=nginx:1.27
kubectl run w2 --image=nginx:1.27 --labels=app=w
kubectl wait --for=condition=Ready pod/w1 --timeout=60s
kubectl get pod w1
kubectl wait --for=condition=Ready=false pod/w1 --timeout=2s
kubectl wait --for=jsonpath='{.status.phase}'=Running pod/w1
kubectl wait --for=jsonpath='{.status.phase}' pod/w1
kubectl wait --for=condition=Ready pod -l app=w --timeout=60s
kubectl wait --for=condition=Ready pod --all
kubectl wait --for=condition=Ready pods w1 w2
kubectl wait --for=condition=Ready pod/nope --timeout=2s
kubectl wait --for=condition=Ready pod -l app=nope
kubectl wait --for=delete pod/nope
kubectl wait --for=create pod/w1
kubectl wait --for=bogus pod/w1
kubectl wait pod/w1
kubectl wait --for=condition=Ready
kubectl wait --for=condition=Ready pod/w1 --timeout=abc
kubectl delete pod w2 --wait=false
kubectl wait --for=delete pod/w2 --timeout=60s
kubectl get pods
