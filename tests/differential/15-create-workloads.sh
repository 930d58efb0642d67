# kubectl create job, cronjob, priorityclass, quota, poddisruptionbudget, ingress, secret docker-registry.
kubectl create job hello --image=busybox:1.36 --dry-run=client -o yaml
kubectl create job cmd --image=busybox:1.36 --dry-run=client -o yaml -- date
kubectl create job j -n kube-public --image=busybox --dry-run=client -o json
kubectl create job nope
kubectl create job nope --image=busybox --from=cronjob/x
kubectl create job nope --from=cronjob/x -- date
kubectl create job nope --from=cronjob/missing
kubectl create job nope --from=deployment/x
kubectl create cronjob tick --image=busybox:1.36 --schedule="*/1 * * * *" --dry-run=client -o yaml -- date
kubectl create cj tick2 --image=busybox --schedule="@hourly" --restart=Never --dry-run=client -o json
kubectl create cronjob nope --image=busybox
kubectl create cronjob nope --schedule="* * * * *"
kubectl create cronjob tick --image=busybox:1.36 --schedule="*/1 * * * *" -- date
kubectl create cronjob tick --image=busybox:1.36 --schedule="*/1 * * * *" -- date
kubectl create cronjob bad --image=busybox --schedule="not a schedule"
kubectl create job manual --from=cronjob/tick --dry-run=client -o yaml
kubectl create job manual --from=cronjob/tick
kubectl get job manual -o jsonpath='{.metadata.annotations}{"\n"}{.metadata.ownerReferences[0].kind}{"\n"}'
kubectl create job hello --image=busybox:1.36
kubectl create job hello --image=busybox:1.36
kubectl create priorityclass high --value=1000 --description="important pods" --dry-run=client -o yaml
kubectl create pc low --value=10 --global-default=true --preemption-policy=Never --dry-run=client -o json
kubectl create priorityclass high --value=1000
kubectl create priorityclass high --value=1000
kubectl create priorityclass bad --value=x
kubectl create priorityclass bad2 --value=5 --preemption-policy=Sometimes
kubectl create quota q1 --hard=cpu=1,memory=1Gi,pods=10 --dry-run=client -o yaml
kubectl create quota q2 --hard=pods=2 --scopes=BestEffort,NotTerminating -n kube-public --dry-run=client -o json
kubectl create quota q3 --hard=pods
kubectl create quota q3 --hard=cpu=abc
kubectl create quota q3 --scopes=,x
kubectl create quota q4 --hard=pods=3
kubectl create resourcequota q4 --hard=pods=3
kubectl create pdb p1 --selector=app=web --min-available=1 --dry-run=client -o yaml
kubectl create pdb p2 --selector="app=web,tier in (a,b),!legacy" --max-unavailable=50% --dry-run=client -o yaml
kubectl create pdb p3 --min-available=1
kubectl create pdb p3 --selector=app=x
kubectl create pdb p3 --selector=app=x --min-available=1 --max-unavailable=1
kubectl create pdb p3 --selector=app=x --min-available=abc
kubectl create pdb p3 --selector=app=x --max-unavailable=1.5
kubectl create poddisruptionbudget p4 --selector=app=web --min-available=2
kubectl create poddisruptionbudget p4 --selector=app=web --min-available=2
kubectl create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert" --dry-run=client -o yaml
kubectl create ingress multi --class=nginx --rule="foo.com/=svc:port" --rule="foo.com/admin/*=svcadmin:http" --rule="bar.com/*=svc2:80,tls" --annotation=a=b --default-backend=defsvc:http --dry-run=client -o yaml
kubectl create ing catch --default-backend=svc:80 -n kube-public --dry-run=client -o json
kubectl create ingress nope
kubectl create ingress nope --rule="foo.com"
kubectl create ingress nope --rule="foo.com/=svc"
kubectl create ingress nope --default-backend=svc
kubectl create ingress nope --rule="a.com/=s:80" --annotation=noequals
kubectl create ingress web --rule="a.com/=s:80"
kubectl create ingress web --rule="a.com/=s:80"
kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=u --docker-password=p --docker-email=u@example.com --dry-run=client -o yaml
kubectl create secret docker-registry regcred2 --docker-username=u --docker-password=p --dry-run=client -o json
kubectl create secret docker-registry nope
kubectl create secret docker-registry regcred --docker-username=u --docker-password=p
kubectl create secret docker-registry regcred --docker-username=u --docker-password=p
kubectl get jobs,cronjobs,priorityclass,quota,pdb,ingress
