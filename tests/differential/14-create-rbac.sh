# kubectl create role, clusterrole, rolebinding and clusterrolebinding: rules, subjects, errors.
kubectl create role pod-reader --verb=get,list --verb=watch --resource=pods,deployments.apps,pods/log --resource-name=a --dry-run=client -o yaml
kubectl create role foo --verb=get,list,watch --verb=get --resource=rs.apps,pods/status,deploy,sts.apps/scale,pods,Pods --resource-name=a --resource-name=a --dry-run=client -o yaml
kubectl create role all --verb=get --verb=* --resource=* --dry-run=client -o yaml
kubectl create role ns-role --verb=get --resource=pods -n kube-system --dry-run=client -o yaml
kubectl create role j --verb=get --resource=pods,secrets --dry-run=client -o json
kubectl create role x --resource=pods
kubectl create role x --verb=get
kubectl create role x --verb=get --resource=nosuch
kubectl create role x --verb=get --resource=nosuch.apps
kubectl create role x --verb=get --resource=deployments.extensions
kubectl create role x --verb=get --resource=.apps
kubectl create role x --verb=get,use --resource=podsecuritypolicies
kubectl create role x --verb=use --resource=nosuch
kubectl create role
kubectl create role x --verb=foo --resource=pods
kubectl create role x --verb=get --resource=pods
kubectl create role x --verb=get --resource=pods --dry-run=server
kubectl create role r2 --verb=get --resource=pods --dry-run=client -o name
kubectl create role r3 --verb=get --resource=pods --dry-run=server -o name
kubectl create role r4 --verb=get --resource=pods -n nosuchns
kubectl create role r5 --verb=get --role=x
kubectl create clusterrole cr --verb=get --non-resource-url=/logs/* --dry-run=client -o yaml
kubectl create clusterrole agg --aggregation-rule=foo=bar,app=x --dry-run=client -o yaml
kubectl create clusterrole agg --aggregation-rule=foo=bar --verb=get
kubectl create clusterrole both --verb=get --resource=nodes --non-resource-url=/healthz --dry-run=client -o yaml
kubectl create clusterrole c --verb=create --non-resource-url=/x
kubectl create clusterrole c --verb=get --non-resource-url=x
kubectl create clusterrole c --verb=get --non-resource-url=/x*y
kubectl create clusterrole c --verb=get
kubectl create clusterrole c --verb=get --resource=nodes
kubectl create clusterrole c --verb=get --resource=nodes
kubectl get clusterrole c -o yaml
kubectl create rolebinding rb --role=pod-reader --user=bob --group=devs --serviceaccount=default:sa1 --dry-run=client -o yaml
kubectl create rolebinding rb2 --clusterrole=view --serviceaccount=kube-system:default -n kube-public --dry-run=client -o yaml
kubectl create clusterrolebinding crb --clusterrole=view --user=alice --user=bob --dry-run=client -o yaml
kubectl create clusterrolebinding crb --clusterrole=view --group=g --dry-run=client -o json
kubectl create rolebinding b --user=u
kubectl create rolebinding b --role=r --clusterrole=c --user=u
kubectl create rolebinding b --role=r --serviceaccount=sa1
kubectl create rolebinding b --role=r --serviceaccount=:sa1
kubectl create rolebinding b --role=r
kubectl create rolebinding b --role=r
kubectl create rolebinding b2 --role=r -n nosuchns
kubectl create clusterrolebinding c --user=u
kubectl create clusterrolebinding c --role=view
kubectl create clusterrolebinding c --clusterrole=view --group=g
kubectl create clusterrolebinding c --clusterrole=view --group=g
kubectl get rolebinding b -o yaml
kubectl describe clusterrolebinding c
kubectl describe role x
kubectl create role multi --verb=get,list --verb=watch --resource=pods,deployments.apps,pods/log,sts.apps/scale --resource-name=a --resource-name=b
kubectl describe role multi
kubectl create clusterrole urls --verb=get,post --non-resource-url=/healthz,/logs/* --resource=nodes
kubectl describe clusterrole urls
kubectl describe clusterrole view
kubectl describe clusterrole system:node-proxier
kubectl describe clusterrolebinding cluster-admin
kubectl describe rolebinding -n kube-system
