# kubectl describe configmap, secret and serviceaccount.
kubectl create cm dcm --from-literal=a=1 --from-literal=long="line1 line2"
kubectl describe cm dcm
kubectl describe configmap kube-root-ca.crt
kubectl create secret generic dsec --from-literal=pw=abc --from-literal=k=12345
kubectl describe secret dsec
kubectl create secret docker-registry reg --docker-username=u --docker-password=p
kubectl describe secret reg
kubectl describe sa default
kubectl create sa bot
kubectl describe serviceaccount bot
kubectl describe sa -n kube-system coredns
kubectl describe cm
