# kubectl create service clusterip|nodeport|loadbalancer|externalname, and generator errors.
kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o yaml
kubectl create svc nodeport np --tcp=80:8080 --node-port=30080 --dry-run=client -o json
kubectl create service loadbalancer lb --tcp=443 --dry-run=client -o yaml
kubectl create service externalname ex --external-name=example.com --dry-run=client -o yaml
kubectl create service clusterip hl --clusterip=None --dry-run=client -o yaml
kubectl create service clusterip two --tcp=80:8080 --tcp=443 --dry-run=client -o yaml
kubectl create service clusterip x
kubectl create service clusterip x --tcp=abc
kubectl create service externalname ex2
kubectl create service clusterip web --tcp=80:8080
kubectl create service clusterip web --tcp=80:8080
kubectl create service nodeport np --tcp=80:8080 --node-port=30080
kubectl create service externalname ex --external-name=example.com
kubectl create secret generic s1 --from-literal=a=b
kubectl create secret generic s1 --from-literal=a=b
kubectl create cm c1
kubectl create cm c1
kubectl create sa bot
kubectl create sa bot
kubectl get svc
kubectl describe svc np
