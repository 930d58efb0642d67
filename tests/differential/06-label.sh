# kubectl label and annotate: changes, conflicts, removals, selectors, lists, dry runs.
kubectl run web --image=nginx:1.27 --labels=app=web
kubectl run api --image=nginx:1.27 --labels=app=api
kubectl label pod web tier=front
kubectl label pod web tier=front
kubectl label pod web tier=back
kubectl label pod web tier=back --overwrite
kubectl label pod web tier-
kubectl label pod web tier-
kubectl label pod web --list
kubectl label pods --all env=dev
kubectl label pods -l app=web x=1 y=2
kubectl label pods -l nope=1 a=b
kubectl label pods --all -l app=web q=1
kubectl label pod web
kubectl label
kubectl label pod web 'bad key=1'
kubectl label pod web 'q=bad value'
kubectl label pod web a=b=c
kubectl label pod web a=1 a-
kubectl label pod web a=b c
kubectl label pod nope a=b
kubectl label pods web nope z=1
kubectl label pod/web node/node01 disk=ssd
kubectl label pod web a=b --dry-run=client
kubectl label pod web a=b --dry-run=server
kubectl label pod web a=b -o name
kubectl label pod web q=4 --resource-version=1 --overwrite
kubectl get pods --show-labels
kubectl get nodes -l disk=ssd
kubectl annotate pod web note=hi
kubectl annotate pod web note=hi
kubectl annotate pod web note=ho
kubectl annotate pod web note=ho --overwrite
kubectl annotate pod web --list
kubectl annotate pod web note-
kubectl annotate pod web zz-
kubectl annotate pod web
kubectl annotate ns default a=1 b=2 -o yaml
