# The kubectl lines of the study notes that belong to the kubectl issue, in the notes'
# order, with their placeholders filled in and their typos kept (a learner types both).
# Lines of later issues (top, rollout, drain, cordon, certificate, auth, create token)
# are left to those issues.
kubectl get pods -n kube-system
kubectl get pods -n kebu-system
mkdir manifests
kubectl create deploy app1 --image=nginx -n default --dry-run=client -o yaml > manifests/app1.yaml
kubectl run web --image=nginx --labels=app=web --dry-run=client -o yaml > manifests/web.yaml
kubectl apply -f manifests/*
kubectl apply -f manifests
kubectl expose deploy app1 --port=80
kubectl expose pod web --type=NodePort --port=80 --name=web-nodeport
kubectl get pods --selector app=app1 -o name
kubectl taint nodes node01 app=blue:NoSchedule
kubectl describe node node01 | grep -i taint
kubectl taint node node01 app-
kubectl label nodes node01 size=large
kubectl get prirityclass
kubectl get priorityclass
kubectl create -f manifests/web.yaml
kubectl set image deploy app1 nginx=nginx:1.27
kubectl rollour history deploy app1
kubectl create configmap app-config --from-literal=color=blue
kubectl create secret generic app-secret --from-literal=DB_Host=mysql
echo -n 'mysql' | base64
kubectl autoscale deploy app1 --cpu-percent=50 --min=1 --max=50
kubectl get hpa
kubectl delete hpa app1
kubectl get nodes
kubectl get csr
kubectl config view
kubectl config use-context prod-user@production
kubectl get roles
kubectl get rolebindings
kubectl create serviceaccount dashboar-same
kubectl get sa
kubectl describe sa dashboar-same
kubectl describe secret app-secret
kubectl creaet secret docker-registry regcred --docker-server=registry.example.com --docker-username=dock --docker-password=pass --docker-email=dock@example.com
kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=dock --docker-password=pass --docker-email=dock@example.com
kubectl api-resources
echo '{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"claim"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"500Mi"}}}}' > pvc.json
kubectl apply -f pvc.json
kubectl delete pvc claim
kubectl get vpa
