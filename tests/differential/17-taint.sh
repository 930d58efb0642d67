# kubectl taint: add, overwrite, remove by key or key:effect, selectors, errors.
kubectl taint nodes node01 app=blue:NoSchedule
kubectl taint nodes node01 app=blue:NoSchedule
kubectl taint nodes node01 app=green:NoSchedule --overwrite
kubectl taint nodes node01 app=green:NoExecute
kubectl get node node01 -o jsonpath='{.spec.taints}'
kubectl taint nodes node01 app:NoExecute-
kubectl taint nodes node01 app-
kubectl taint nodes node01 app-
kubectl taint node node01 dedicated=gpu:PreferNoSchedule special:NoSchedule
kubectl describe node node01
kubectl taint nodes node01 dedicated- special-
kubectl taint nodes node01 x=y:Bad
kubectl taint nodes node01 x=y
kubectl taint nodes node01 x=y=z:NoSchedule
kubectl taint nodes node01 'in valid=y:NoSchedule'
kubectl taint nodes node01 a=b:NoSchedule a=c:NoSchedule
kubectl taint nodes node01 a=b:NoSchedule a-
kubectl taint nodes node01
kubectl taint nodes a=b:NoSchedule
kubectl taint a=b:NoSchedule
kubectl taint nodes a=b:NoSchedule node01
kubectl taint pods x a=b:NoSchedule
kubectl taint nodes nosuch a=b:NoSchedule
kubectl taint nodes --all team=x:NoSchedule
kubectl taint nodes -l kubernetes.io/hostname=node02 team-
kubectl taint nodes --all team- --dry-run=client
kubectl taint nodes node01 new=1:NoSchedule --dry-run=client -o yaml
kubectl taint nodes node01 new=1:NoSchedule -o name
kubectl taint nodes --all -l a=b new-
kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints
