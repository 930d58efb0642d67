# kubectl events: namespaces, --for, --types, errors. (The scheduler's event carries a
# microsecond eventTime, the kubelet's a lastTimestamp in whole seconds: which of
# Scheduled and Pulling lists first depends on where in its second, in real time, the pod
# was scheduled, so that line is looked at alone.)
# speed: 1
kubectl events
kubectl events -A
kubectl run ev --image=nginx
kubectl wait --for=condition=Ready pod/ev --timeout=60s
kubectl events --for pod/ev | grep -v Scheduled
kubectl events --for pod/ev | grep Scheduled
kubectl events --for=node/node01
kubectl events --types=Warning -A
kubectl events --types=Normal -n kube-system --no-headers
kubectl events --for nosuch/x
kubectl events --for pod
kubectl events --types=Bad
kubectl run bad --image=nginx:nosuchtag
kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.waiting.reason}'=ImagePullBackOff pod/bad --timeout=60s
kubectl events --for pod/bad --types=Warning
