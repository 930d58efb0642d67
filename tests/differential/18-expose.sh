# kubectl expose: pods, deployments, replicasets, services; ports, selectors, types, errors.
kubectl run web --image=nginx --port=80 --labels=app=web,tier=front
kubectl expose pod web
kubectl expose pod web
kubectl expose pod web --name=web2 --port=8080 --target-port=80 --type=NodePort --dry-run=client -o yaml
kubectl expose pod/web --name=web3 --port=80 --protocol=UDP --dry-run=client -o json
kubectl run bare --image=nginx
kubectl expose pod bare --port=80
kubectl run noport --image=nginx --labels=a=b
kubectl expose pod noport
kubectl expose pod noport --cluster-ip=None --name=hl --dry-run=client -o yaml
kubectl create deployment api --image=nginx --port=8080 --replicas=2
kubectl expose deployment api --port=80 --target-port=8080
kubectl expose deploy api --name=api-np --type=NodePort --port=80 --dry-run=client -o yaml
kubectl expose deployment api --name=api-lb --type=LoadBalancer --port=443 --target-port=http --selector=app=api,x=y --labels=team=a --dry-run=client -o yaml
kubectl expose service api --name=api2 --port=81 --dry-run=client -o yaml
kubectl expose svc api --name=api3 --dry-run=client -o yaml
kubectl expose deployment nosuch --port=80
kubectl expose configmap kube-root-ca.crt --port=80
kubectl expose daemonset kube-proxy -n kube-system --port=80
kubectl expose deployment api --port=abc --name=bad
kubectl expose deployment api --port=80 --name=bad --session-affinity=Sticky
kubectl expose deployment api --port=80 --name=bad2 --labels=novalue
kubectl expose
kubectl expose deployment
kubectl expose deployment api --port=80 --name=web-srv --external-ip=1.2.3.4 --session-affinity=ClientIP -o yaml
kubectl get svc
