# kubectl delete --cascade.
kubectl create cm casc
kubectl delete cm casc --cascade=orphan
kubectl delete cm casc --cascade=bogus
kubectl create cm casc2
kubectl delete cm casc2 --cascade=foreground
kubectl create deployment dc --image=nginx
kubectl delete deployment dc --cascade=background
