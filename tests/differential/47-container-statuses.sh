# What real kubectl prints of the statuses the kubelet and the runtime give when they
# refuse a container: InvalidImageName, StartError and RunContainerError, CreateContainerError,
# OOMKilled, and a pod the kubelet's admission rejects (then ContainerStatusUnknown).
# speed: 1
kubectl run upper --image=NGINX
kubectl run upper --image=nginx --overrides='{"spec":{"containers":[{"name":"upper","image":"NGINX"}]}}'
kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.waiting.reason}'=InvalidImageName pod/upper --timeout=60s
kubectl describe pod upper
kubectl run no-such-binary --image=busybox:1.36 --restart=Never --command -- foo
kubectl wait --for=jsonpath='{.status.phase}'=Failed pod/no-such-binary --timeout=60s
kubectl run hog --image=polinux/stress --restart=Never --overrides='{"spec":{"containers":[{"name":"hog","image":"polinux/stress","command":["stress","--vm","1","--vm-bytes","150M"],"resources":{"limits":{"memory":"100Mi"}}}]}}'
kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.terminated.reason}'=OOMKilled pod/hog --timeout=60s
kubectl run audit --image=nginx:1.27 --overrides='{"spec":{"securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"profiles/audit.json"}}}}'
kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.waiting.reason}'=CreateContainerError pod/audit --timeout=60s
kubectl run pinned --image=nginx --overrides='{"spec":{"nodeName":"node01","nodeSelector":{"disktype":"ssd"}}}'
kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.terminated.reason}'=ContainerStatusUnknown pod/pinned --timeout=60s
kubectl get pods
kubectl describe pod no-such-binary hog audit pinned
kubectl get pod pinned hog -o yaml
