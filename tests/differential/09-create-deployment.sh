# kubectl create deployment: the generated object, images, replicas, ports, commands, errors.
kubectl create deployment web --image=nginx --dry-run=client -o yaml
kubectl create deploy multi --image=nginx:1.27 --image=busybox --replicas=3 --port=80 --dry-run=client -o json
kubectl create deployment cmd --image=busybox --dry-run=client -o yaml -- sleep 3600
kubectl create deployment reg --image=registry.k8s.io/pause:3.10 --dry-run=client -o yaml
kubectl create deployment web
kubectl create deployment Bad --image=nginx
kubectl create deployment web --image=nginx
kubectl create deployment web --image=nginx
kubectl create deployment w2 --image=nginx --dry-run=server
kubectl create deployment w3 --image=nginx -o name
kubectl create deployment w4 --image=nginx --replicas=2 -n kube-public
kubectl create deploy a b --image=x
kubectl create deployment --image=nginx
kubectl create deployment two --image=nginx --image=busybox -- sleep 1
kubectl create deployment bad --image=nginx --replicas=x
kubectl get deploy -A
kubectl get deploy web -o yaml
