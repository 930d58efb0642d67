# kubectl exec: commands on the container's own files and environment, stdout and
# stderr, exit codes, input through -i, what one command writes seen by the next, the
# default container and its annotation, and the errors of kubectl, the API server, the
# kubelet and the runtime.
# speed: 1
kubectl run web --image=nginx:1.27
kubectl run two --image=busybox:1.36 --overrides='{"spec":{"containers":[{"name":"a","image":"busybox:1.36","command":["sh","-c","echo from a > /tmp/a; sleep 3600"]},{"name":"b","image":"busybox:1.36","command":["sh","-c","sleep 3600"]}]}}'
kubectl run pick --image=busybox:1.36 --overrides='{"metadata":{"annotations":{"kubectl.kubernetes.io/default-container":"second"}},"spec":{"containers":[{"name":"first","image":"busybox:1.36","command":["sleep","3600"]},{"name":"second","image":"busybox:1.36","command":["sleep","3600"]}]}}'
kubectl run once --image=busybox:1.36 --restart=Never -- true
kubectl run pending --image=nginx --overrides='{"spec":{"nodeSelector":{"disk":"none"}}}'
kubectl wait --for=condition=Ready pod/web pod/two pod/pick --timeout=60s
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/once --timeout=60s
kubectl exec web -- ls /usr/share/nginx/html
kubectl exec web -- cat /usr/share/nginx/html/index.html
kubectl exec web -- wc -c /usr/share/nginx/html/index.html
kubectl exec web -- grep -c listen /etc/nginx/conf.d/default.conf
kubectl exec web -- printenv HOSTNAME
kubectl exec web -- hostname
kubectl exec web -- id
kubectl exec web -- cat /missing
kubectl exec web -- sh -c 'echo out; exit 4'
kubectl exec web -- sh -c 'echo err >&2; exit 4'
kubectl exec web -- sh -c 'exit 0'
kubectl exec web -- nosuchprogram
kubectl exec web -- sh -c 'echo hi > /tmp/note'
kubectl exec web -- cat /tmp/note
kubectl exec web -- ls /tmp
kubectl exec pod/web -- cat /tmp/note
kubectl exec two -- cat /tmp/a
kubectl exec two -c a -- cat /tmp/a
kubectl exec two -c b -- ls /tmp
kubectl exec two -c nope -- ls
kubectl exec pick -- hostname
kubectl exec -q two -- true
kubectl exec once -- ls
kubectl exec pending -- ls
kubectl exec missing -- ls
kubectl exec web ls
kubectl exec web
kubectl exec
echo hello | kubectl exec -i web -- cat
echo one two three | kubectl exec -i web -- wc -w
kubectl exec -i web -- cat < /dev/null
