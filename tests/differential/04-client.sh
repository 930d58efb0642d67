# Client-side work: dry runs that build objects, flag and argument errors.
kubectl run nginx --image=nginx --dry-run=client -o yaml
kubectl run bb --image=busybox:1.36 --labels=app=x,tier=y --env=A=1 --env=B=two --port=80 --restart=Never --dry-run=client -o yaml -- sleep 3600
kubectl run bb --image=busybox --command --dry-run=client -o json -- sh -c "echo hi"
kubectl run web --image=nginx --image-pull-policy=IfNotPresent --annotations=a=b --dry-run=client -o yaml
kubectl run web --image=nginx --dry-run=client
kubectl run web --image=nginx --dry-run=client -o name
kubectl run web --image=nginx -n dev --dry-run=client -o yaml
kubectl run web --image=nginx --port=abc --dry-run=client -o yaml
kubectl run web --image=nginx --env=NOEQ --dry-run=client -o yaml
kubectl run web --image=nginx --labels=bad --dry-run=client -o yaml
kubectl create namespace dev --dry-run=client -o yaml
kubectl create namespace dev --dry-run=client -o json
kubectl create namespace dev --dry-run=client
kubectl create ns a b --dry-run=client
kubectl run --image=nginx
kubectl run web --image=nginx --restart=OnFailure --dry-run=client -o yaml -- /bin/sh -c 'echo "a: b" && sleep 1'
kubectl get pods --foo
kubectl get pods -z
kubectl get
kubectl delete
kubectl create
kubectl apply
kubectl describe
kubectl create namespace
kubectl run nginx --image=nginx --restart=Sometimes
kubectl run nginx --image=nginx --dry-run=foo
kubectl delete pod x --now --grace-period=5
kubectl apply -f nofile.yaml
kubectl create -f nofile.yaml
kubectl run nginx
kubectl get pods -o foo
kubectl get pods --grace-period=1
