# kubectl set resources, env and serviceaccount.
kubectl create deployment se --image=nginx
kubectl set resources deployment se --limits=cpu=200m,memory=512Mi --requests=cpu=100m
kubectl set resources deployment se --limits=cpu=200m,memory=512Mi --requests=cpu=100m
kubectl get deploy se -o jsonpath='{.spec.template.spec.containers[0].resources}'
kubectl set resources deployment se -c nope --limits=cpu=1
kubectl set resources deployment se
kubectl set resources deployment se --limits=cpu=abc
kubectl set resources deployment/se --requests=memory=1Gi --dry-run=client -o yaml
kubectl set sa deployment se bot
kubectl set serviceaccount deployment se bot
kubectl get deploy se -o jsonpath='{.spec.template.spec.serviceAccountName}'
kubectl set env deployment se A=1 B=2
kubectl set env deployment se A-
kubectl set env deployment se --list
kubectl set env deployment se A=1 --dry-run=client -o yaml
kubectl set env deployment/se -e C=3
kubectl get deploy se -o jsonpath='{.spec.template.spec.containers[0].env}'
kubectl run envpod --image=nginx
kubectl set env pod envpod X=1
