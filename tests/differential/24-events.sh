# kubectl events: namespaces, --for, --types, errors.
# speed: 1
kubectl events
kubectl events -A
kubectl run ev --image=nginx
kubectl wait --for=condition=Ready pod/ev --timeout=60s
kubectl events --for pod/ev
kubectl events --for=node/node01
kubectl events --types=Warning -A
kubectl events --types=Normal -n kube-system --no-headers
kubectl events --for nosuch/x
kubectl events --for pod
kubectl events --types=Bad
kubectl run bad --image=nginx:nosuchtag
kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.waiting.reason}'=ImagePullBackOff pod/bad --timeout=60s
kubectl events --for pod/bad --types=Warning
