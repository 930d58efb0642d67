# kubectl run: --expose, --overrides (merge, json, strategic), labels, env, command, errors.
kubectl run ex1 --image=nginx --port=80 --expose
kubectl run ex2 --image=nginx --expose
kubectl run ex3 --image=nginx --port=80 --expose --dry-run=client -o yaml
kubectl run ex4 --image=nginx --port=8080 --expose --dry-run=client
kubectl run ex5 --image=nginx --port=8080 --expose --dry-run=server -o name
kubectl run ov --image=nginx --overrides='{"spec":{"nodeName":"node01","containers":[{"name":"ov","image":"nginx:1.27"}]}}' --dry-run=client -o yaml
kubectl run ov2 --image=nginx --overrides='{bad'
kubectl run ov3 --image=nginx --override-type=json --overrides='[{"op":"add","path":"/spec/hostNetwork","value":true}]' --dry-run=client -o yaml
kubectl run ov4 --image=nginx --override-type=strategic --overrides='{"spec":{"containers":[{"name":"ov4","imagePullPolicy":"Never"}]}}' --dry-run=client -o yaml
kubectl run ov5 --image=nginx --override-type=other --overrides='{}'
kubectl run ex1 --image=nginx --port=80 --expose
kubectl run bb --image=busybox --restart=Never --command -- sh -c 'echo hi'
kubectl get svc ex1 -o jsonpath='{.spec.ports}{"\n"}{.spec.selector}'
kubectl get pods -o wide
