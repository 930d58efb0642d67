# kubectl get --watch as far as a still clock shows it: the objects first, then the request timeout ends the watch.
kubectl run web --image=nginx --labels=app=web
kubectl create deployment api --image=nginx
kubectl get pods -w --request-timeout=1s
kubectl get pods --watch-only --request-timeout=1s
kubectl get pods -w --output-watch-events --request-timeout=1s
kubectl get pods -A -w -l app=web --request-timeout=1s
kubectl get pod web -w --request-timeout=1s
kubectl get pod web -w -o name --request-timeout=1s
kubectl get pod web -w -o jsonpath='{.metadata.name}{"\n"}' --request-timeout=1s
kubectl get deploy -w -o wide --request-timeout=1s
kubectl get nodes -w --no-headers --request-timeout=1s
kubectl get pods -w --show-labels --request-timeout=1s
kubectl get ns -w -L kubernetes.io/metadata.name --request-timeout=1s
kubectl get pods,svc -w --request-timeout=1s
kubectl get pod nothing -w --request-timeout=1s
kubectl get pod nothing -w --ignore-not-found --request-timeout=1s
kubectl get pods -w --request-timeout=abc
kubectl get secrets -n kube-public -w --request-timeout=1s
kubectl events -w --request-timeout=1s
kubectl events -A -w --request-timeout=1s
kubectl events -w --types=Warning --request-timeout=1s
kubectl events -w --for pod/web --request-timeout=1s
kubectl events -w --no-headers --for pod/web --request-timeout=1s
