# kubectl describe for storage, networking and policy kinds.
mkdir pv
echo '{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-host","labels":{"type":"local"}},"spec":{"storageClassName":"manual","capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce","ReadOnlyMany"],"hostPath":{"path":"/mnt/data"}}}' > pv/0-pv-host.json
echo '{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-nfs"},"spec":{"capacity":{"storage":"5Gi"},"accessModes":["ReadWriteMany"],"persistentVolumeReclaimPolicy":"Recycle","mountOptions":["hard"],"nfs":{"server":"10.0.0.5","path":"/exports","readOnly":true}}}' > pv/1-pv-nfs.json
echo '{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-local"},"spec":{"capacity":{"storage":"10Gi"},"volumeMode":"Filesystem","accessModes":["ReadWriteOncePod"],"storageClassName":"local-storage","local":{"path":"/mnt/disks/ssd1"},"nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["node01","node02"]},{"key":"disk","operator":"Exists"}]}]}}}}' > pv/2-pv-local.json
echo '{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-csi"},"spec":{"capacity":{"storage":"2Gi"},"accessModes":["ReadWriteOnce"],"csi":{"driver":"ebs.csi.aws.com","volumeHandle":"vol-1","fsType":"ext4","volumeAttributes":{"b":"2","a":"1"}}}}' > pv/3-pv-csi.json
echo '{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"claim1"},"spec":{"storageClassName":"manual","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"500Mi"}}}}' > pvc.json
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"uses-claim"},"spec":{"containers":[{"name":"c","image":"nginx","volumeMounts":[{"name":"d","mountPath":"/d"}]}],"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"claim1"}}]}}' > pvcpod.json
echo '{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"fast","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"kubernetes.io/no-provisioner","parameters":{"type":"ssd","iops":"100"},"reclaimPolicy":"Retain","allowVolumeExpansion":true,"mountOptions":["debug","noatime"],"volumeBindingMode":"WaitForFirstConsumer","allowedTopologies":[{"matchLabelExpressions":[{"key":"zone","values":["a","b"]}]}]}' > sc.json
mkdir web
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80}]}]}}' > web/0-web-1.json
echo '{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":80}]}}' > web/1-web.json
echo '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"site","annotations":{"nginx.ingress.kubernetes.io/rewrite-target":"/"}},"spec":{"ingressClassName":"nginx","tls":[{"hosts":["a.example.com","b.example.com"],"secretName":"tls-a"},{"hosts":["c.example.com"]}],"defaultBackend":{"service":{"name":"web","port":{"name":"http"}}},"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}},{"path":"/api","pathType":"Exact","backend":{"service":{"name":"missing","port":{"number":8080}}}}]}},{"http":{"paths":[{"path":"/static","pathType":"ImplementationSpecific","backend":{"resource":{"apiGroup":"k8s.example.com","kind":"StorageBucket","name":"assets"}}}]}}]}}' > ing.json
echo '{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},"spec":{"controller":"k8s.io/ingress-nginx","parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"external-lb"}}}' > ic.json
mkdir np
echo '{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny-all"},"spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}' > np/0-deny-all.json
echo '{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"db","labels":{"a":"b"}},"spec":{"podSelector":{"matchLabels":{"role":"db"}},"policyTypes":["Ingress","Egress"],"ingress":[{"from":[{"ipBlock":{"cidr":"172.17.0.0/16","except":["172.17.1.0/24","172.17.2.0/24"]}},{"namespaceSelector":{"matchLabels":{"project":"myproject"}}},{"namespaceSelector":{"matchLabels":{"team":"x"}},"podSelector":{"matchExpressions":[{"key":"role","operator":"In","values":["frontend","api"]}]}},{"podSelector":{"matchLabels":{"role":"frontend"}}}],"ports":[{"protocol":"TCP","port":6379},{"port":"http"}]},{}],"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/24"}}],"ports":[{"protocol":"TCP","port":32000,"endPort":32768}]}]}}' > np/1-db.json
echo '{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"allow-all-egress"},"spec":{"podSelector":{"matchLabels":{"app":"x"}},"egress":[{}]}}' > np/2-allow-all-egress.json
echo '{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"ext-db"},"subsets":[{"addresses":[{"ip":"192.168.0.10"},{"ip":"192.168.0.11"}],"notReadyAddresses":[{"ip":"192.168.0.12"}],"ports":[{"name":"pg","port":5432},{"port":9187,"protocol":"UDP"}]},{"addresses":[{"ip":"10.1.1.1"}]}]}' > ep.json
mkdir quota
echo '{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"compute"},"spec":{"hard":{"pods":"4","requests.cpu":"1","requests.memory":"1Gi","limits.cpu":"2"}}}' > quota/0-compute.json
echo '{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"best"},"spec":{"hard":{"pods":"2"},"scopes":["NotTerminating","BestEffort"]}}' > quota/1-best.json
echo '{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"limits"},"spec":{"limits":[{"type":"Container","max":{"cpu":"1"},"min":{"cpu":"50m"},"default":{"cpu":"500m"},"defaultRequest":{"cpu":"100m"},"maxLimitRequestRatio":{"cpu":"4"}},{"type":"PersistentVolumeClaim","max":{"storage":"2Gi"}}]}}' > quota/2-limits.json
echo '{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"full"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"api"},"minReplicas":2,"maxReplicas":10,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}},{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"500Mi"}}},{"type":"Pods","pods":{"metric":{"name":"packets-per-second"},"target":{"type":"AverageValue","averageValue":"1k"}}},{"type":"Object","object":{"metric":{"name":"requests-per-second"},"describedObject":{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","name":"main-route"},"target":{"type":"Value","value":"10k"}}},{"type":"External","external":{"metric":{"name":"queue_messages_ready"},"target":{"type":"AverageValue","averageValue":"30"}}},{"type":"ContainerResource","containerResource":{"name":"cpu","container":"app","target":{"type":"Utilization","averageUtilization":50}}}],"behavior":{"scaleDown":{"stabilizationWindowSeconds":300,"policies":[{"type":"Percent","value":10,"periodSeconds":60},{"type":"Pods","value":2,"periodSeconds":60}],"selectPolicy":"Min"},"scaleUp":{"policies":[{"type":"Pods","value":4,"periodSeconds":15}]}}}}' > hpa.json
kubectl apply -f pv
kubectl describe pv
kubectl describe pv pv-local
kubectl apply -f pvc.json
kubectl apply -f pvcpod.json
kubectl describe pvc claim1
kubectl apply -f sc.json
kubectl describe sc fast
kubectl describe storageclass
kubectl apply -f web
kubectl apply -f ing.json
kubectl describe ingress site
kubectl create ingress simple --rule=foo.com/bar=web:80 --class=nginx
kubectl describe ing simple
kubectl create ingress nohttp --default-backend=web:http
kubectl describe ingress nohttp
kubectl apply -f ic.json
kubectl describe ingressclass nginx
kubectl apply -f np
kubectl describe netpol
kubectl describe networkpolicy db
kubectl apply -f ep.json
kubectl describe endpoints ext-db
kubectl describe endpointslices -l kubernetes.io/service-name=web
kubectl apply -f quota
kubectl describe quota
kubectl describe limitrange limits
kubectl describe ns default
kubectl create pdb web-pdb --selector=app=web --min-available=1
kubectl create pdb web-pdb2 --selector=app=web --max-unavailable=50%
kubectl describe pdb
kubectl create priorityclass high --value=1000 --description='very important' --preemption-policy=Never
kubectl describe priorityclass high
kubectl describe pc system-node-critical
kubectl autoscale deployment api --min=2 --max=5 --cpu=80%
kubectl describe hpa api
kubectl apply -f hpa.json
kubectl describe hpa full
kubectl describe servicecidrs
kubectl describe ipaddresses
kubectl describe csinodes
kubectl describe volumeattributesclasses
kubectl describe csr
