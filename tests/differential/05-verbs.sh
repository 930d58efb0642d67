# The verbs real kubectl has and the built-in one gains with the kubectl issue (7): each
# speed: 1
# differs until then (KNOWN-DIFFERENCES.tsv says why), so this script tracks the gap.
kubectl run web --image=nginx:1.27 --labels=app=web
kubectl label pod web tier=front
kubectl annotate pod web note=hello
kubectl get pod web --show-labels
kubectl wait --for=condition=Ready pod/web --timeout=60s
kubectl get pods --watch --request-timeout=1s
kubectl auth whoami
kubectl auth can-i create pods
kubectl create deployment api --image=nginx --replicas=2
kubectl scale deployment api --replicas=3
kubectl get deployment api -o jsonpath='{.spec.replicas}'
