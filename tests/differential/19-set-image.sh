# kubectl set image: workloads and pods, '*', init containers, unchanged images, errors. (One unknown container per line: kubectl reports several in Go map order, which varies.)
kubectl create deployment sx --image=nginx:1.27
kubectl set image deployment/sx nginx=nginx:1.28
kubectl set image deployment/sx nginx=nginx:1.28
kubectl get deploy sx -o jsonpath='{.spec.template.spec.containers[0].image}'
kubectl set image deployment/sx nope=x
kubectl set image svc/kubernetes a=b
kubectl set image deployment/sx '*=busybox' --dry-run=client -o name
kubectl set image deployment/sx
kubectl set image deployment/sx nginx
kubectl set image deployment sx a=b
kubectl set image
kubectl set image deploy/sx nginx=x:1 -o yaml
kubectl run px --image=nginx
kubectl set image pod px px=nginx:1.25
kubectl set image pod/px px=nginx:1.25 nope=y
kubectl set image deploy/nosuch a=b
kubectl create deployment two --image=nginx --image=redis
kubectl set image deployment two nginx=nginx:alpine redis=redis:7
kubectl set image deployment/two '*=alpine' --dry-run=server
kubectl create cronjob cj --image=busybox --schedule="* * * * *"
kubectl set image cronjob/cj cj=busybox:1.36
kubectl set image deployments --all '*=nginx:1.29'
kubectl set image deployment -l app=sx nginx=nginx:1.30
kubectl set image deployment/sx nginx=
kubectl set frobnicate
