# kubectl create configmap, secret generic and serviceaccount: literals, files, env files, errors.
echo hello > f.txt
echo x=1 > env.txt
echo y=2 >> env.txt
echo '# comment' >> env.txt
kubectl create configmap app --from-literal=a=1 --from-literal=b=2 --dry-run=client -o yaml
kubectl create cm c2 --from-file=f.txt --from-file=k2=f.txt --dry-run=client -o yaml
kubectl create cm c3 --from-env-file=env.txt --dry-run=client -o json
kubectl create configmap app --from-literal=a=1 --from-literal=a=2
kubectl create configmap app --from-literal=a
kubectl create configmap app --from-literal='a b=1'
kubectl create configmap app --from-file=nope.txt
kubectl create secret generic s1 --from-literal=p=q --dry-run=client -o yaml
kubectl create secret generic s2 --from-literal=p=q --type=kubernetes.io/basic-auth --dry-run=client -o yaml
kubectl create secret generic s3 --from-file=f.txt
kubectl create configmap app
kubectl create configmap app
kubectl create cm app2 --from-literal=a=1 -o name
kubectl create sa bot --dry-run=client -o yaml
kubectl create sa bot
kubectl create configmap
kubectl get cm
kubectl get secret s3 -o yaml
kubectl get cm app2 -o jsonpath='{.data.a}'
