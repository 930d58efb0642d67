# kubectl logs: one container and several (the default one and what kubectl says of it),
# init containers, stderr in the log, --tail, --prefix, --limit-bytes, selectors, and the
# errors of kubectl, the API server and the kubelet. (--all-containers is left out: real
# kubectl reads containers in map order.)
# speed: 1
kubectl run hello --image=busybox:1.36 --restart=Never -- sh -c 'echo one; echo two >&2; echo three'
kubectl run multi --image=busybox:1.36 --restart=Never --overrides='{"spec":{"initContainers":[{"name":"setup","image":"busybox:1.36","command":["sh","-c","echo init done"]}],"containers":[{"name":"a","image":"busybox:1.36","command":["sh","-c","echo from a"]},{"name":"b","image":"busybox:1.36","command":["sh","-c","echo from b"]}]}}'
kubectl run pick --image=busybox:1.36 --restart=Never --overrides='{"metadata":{"annotations":{"kubectl.kubernetes.io/default-container":"second"}},"spec":{"containers":[{"name":"first","image":"busybox:1.36","command":["sh","-c","echo first"]},{"name":"second","image":"busybox:1.36","command":["sh","-c","echo second"]}]}}'
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/hello pod/multi pod/pick --timeout=60s
kubectl logs hello
kubectl logs hello --tail=1
kubectl logs hello --tail=0
kubectl logs hello --prefix
kubectl logs hello --limit-bytes=5
kubectl logs pod/hello -c hello
kubectl logs multi
kubectl logs multi -c b
kubectl logs multi -c setup
kubectl logs multi b
kubectl logs multi nope
kubectl logs multi -c a b
kubectl logs pick
kubectl logs pick -c first --prefix
kubectl logs hello -p
kubectl logs -l run=hello
kubectl logs -l run=hello --prefix --tail=2
kubectl logs -l run=nothing
kubectl logs -l run=hello hello
kubectl logs missing
kubectl logs deploy/missing
kubectl logs hello --tail=-2
kubectl logs hello --limit-bytes=-1
kubectl logs hello --since=1h --since-time=2026-01-05T08:00:00Z
kubectl logs hello --since=400ms
kubectl logs hello --since-time=yesterday
kubectl logs hello --all-containers -c hello
kubectl logs svc/kubernetes
kubectl logs node/controlplane
kubectl logs
kubectl logs a b c
