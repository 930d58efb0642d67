# kubectl describe for namespaces (quotas, limit ranges) and services (ports, node ports).
echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team","labels":{"env":"dev"}}}' > ns.json
echo '{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q1","namespace":"team"},"spec":{"hard":{"pods":"10","requests.cpu":"2"}}}' > quota.json
echo '{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"lr","namespace":"team"},"spec":{"limits":[{"type":"Container","default":{"cpu":"200m"},"defaultRequest":{"cpu":"100m"}}]}}' > lr.json
echo '{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"team"},"spec":{"type":"NodePort","selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080,"nodePort":30080}]}}' > svc.json
echo '{"apiVersion":"v1","kind":"Service","metadata":{"name":"ext","namespace":"team"},"spec":{"type":"ExternalName","externalName":"example.com"}}' > ext.json
kubectl apply -f ns.json
kubectl describe ns team
kubectl apply -f quota.json
kubectl apply -f lr.json
kubectl describe ns team
kubectl apply -f svc.json
kubectl apply -f ext.json
kubectl describe svc web -n team
kubectl describe svc ext -n team
kubectl describe svc -n kube-system
kubectl describe ns kube-system
