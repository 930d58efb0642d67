# kubectl autoscale: autoscaling/v2 HorizontalPodAutoscalers for scalable workloads.
kubectl create deployment as1 --image=nginx
kubectl autoscale deployment as1 --min=2 --max=5 --cpu=80%
kubectl autoscale deployment as1 --max=5 --cpu=70% --memory=200Mi --name=as2 --dry-run=client -o yaml
kubectl autoscale deployment as1 --min=2
kubectl autoscale deployment as1 --max=3 --min=5
kubectl autoscale deployment as1 --max=3 --name=as3 --cpu=500m --dry-run=client -o json
kubectl autoscale deployment as1 --max=3 --name=as4 --dry-run=client
kubectl autoscale deploy/as1 --max=3 --name=as5 --memory=512 --dry-run=client -o yaml
kubectl autoscale svc kubernetes --max=3
kubectl autoscale deployment as1 --max=3 --cpu=abc
kubectl autoscale deployment as1 --max=x
kubectl autoscale deployment nosuch --max=3
kubectl autoscale deployment as1 --min=2 --max=5 --cpu=80%
kubectl autoscale deployment as1 --max=4 --cpu-percent=60 --name=as6
kubectl get hpa
kubectl get hpa as1 -o yaml
