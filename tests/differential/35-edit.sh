# kubectl edit with an editor command in KUBE_EDITOR (cat shows the file; sed changes it): edited, unchanged, invalid (reopened, then given up), syntax errors. Lists are in transcript 31: real kubectl validates a List with the OpenAPI v2 document, which kubarium serve does not serve yet.
kubectl create deployment web --image=nginx
kubectl create configmap cfg --from-literal=a=1
KUBE_EDITOR=cat kubectl edit deploy web
KUBE_EDITOR=cat kubectl edit cm cfg -o json
KUBE_EDITOR='sed -i s/replicas:.1/replicas:\ 3/' kubectl edit deploy web
kubectl get deploy web -o jsonpath='{.spec.replicas}{"\n"}'
KUBE_EDITOR='sed -i s/a:.\"1\"/a:\ \"2\"/' kubectl edit configmap/cfg
kubectl get cm cfg -o jsonpath='{.data.a}{"\n"}'
KUBE_EDITOR='sed -i s/replicas:.3/replicas:\ -1/' kubectl edit deploy web
KUBE_EDITOR='sed -i s/name:.cfg/name:\ other/' kubectl edit cm cfg
KUBE_EDITOR='sed -i s/a:.\"2\"/a:\ [/' kubectl edit cm cfg
KUBE_EDITOR='sed -i /^/d' kubectl edit cm cfg
KUBE_EDITOR=true kubectl edit cm cfg
KUBE_EDITOR=false kubectl edit cm cfg
kubectl edit cm nope
kubectl edit
KUBE_EDITOR=cat kubectl edit cm cfg -o wide
