# kubectl describe for workloads (pod templates with probes, env, volumes), their pods, and kinds with no describer of their own.
echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","labels":{"app":"api"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"api"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"50%"}},"minReadySeconds":5,"template":{"metadata":{"labels":{"app":"api"},"annotations":{"team":"core"}},"spec":{"serviceAccountName":"default","initContainers":[{"name":"init","image":"busybox:1.36","command":["sh","-c","echo hi\necho there"]}],"containers":[{"name":"api","image":"nginx:1.27","ports":[{"containerPort":80,"name":"http"},{"containerPort":9090,"protocol":"UDP"}],"args":["--a","--b"],"resources":{"requests":{"memory":"64Mi","cpu":"100m"},"limits":{"memory":"128Mi","cpu":"250m"}},"livenessProbe":{"httpGet":{"path":"/healthz","port":8080}},"readinessProbe":{"tcpSocket":{"port":"http"},"initialDelaySeconds":5,"periodSeconds":3},"startupProbe":{"exec":{"command":["cat","/tmp/ok"]},"failureThreshold":30},"envFrom":[{"configMapRef":{"name":"cfg"}},{"secretRef":{"name":"sec","optional":true},"prefix":"S_"}],"env":[{"name":"PLAIN","value":"one\ntwo"},{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},{"name":"NODE_IP","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}},{"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['\''app'\'']"}}},{"name":"MEM","valueFrom":{"resourceFieldRef":{"resource":"limits.memory","divisor":"1Mi"}}},{"name":"CPU","valueFrom":{"resourceFieldRef":{"resource":"requests.cpu"}}},{"name":"PASS","valueFrom":{"secretKeyRef":{"name":"sec","key":"p"}}},{"name":"MODE","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"mode","optional":true}}}],"volumeMounts":[{"name":"data","mountPath":"/var/data"},{"name":"cfg","mountPath":"/etc/cfg","readOnly":true,"subPath":"app.conf"},{"name":"cache","mountPath":"/cache"}]}],"volumes":[{"name":"data","emptyDir":{}},{"name":"cache","emptyDir":{"medium":"Memory","sizeLimit":"1Gi"}},{"name":"cfg","configMap":{"name":"cfg"}},{"name":"sec","secret":{"secretName":"sec"}},{"name":"host","hostPath":{"path":"/var/log","type":"Directory"}},{"name":"claim","persistentVolumeClaim":{"claimName":"pvc1","readOnly":true}},{"name":"info","downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}}]}},{"name":"all","projected":{"sources":[{"secret":{"name":"sec"}},{"configMap":{"name":"cfg"}},{"serviceAccountToken":{"path":"t","expirationSeconds":3600}}]}}],"nodeSelector":{"disk":"ssd"},"tolerations":[{"key":"b","operator":"Exists","effect":"NoSchedule"},{"key":"a","value":"x","effect":"NoExecute","tolerationSeconds":30}],"topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule","labelSelector":{"matchLabels":{"app":"api"}}}],"priorityClassName":"system-cluster-critical"}}}}' > dep.json
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"envpod","labels":{"app":"api"}},"spec":{"serviceAccountName":"default","containers":[{"name":"api","image":"nginx:1.27","ports":[{"containerPort":80,"name":"http"},{"containerPort":9090,"protocol":"UDP"}],"args":["--a","--b"],"resources":{"requests":{"memory":"64Mi","cpu":"100m"},"limits":{"memory":"128Mi","cpu":"250m"}},"env":[{"name":"PLAIN","value":"one\ntwo"},{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},{"name":"NODE_IP","valueFrom":{"fieldRef":{"fieldPath":"status.hostIP"}}},{"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['\''app'\'']"}}},{"name":"MEM","valueFrom":{"resourceFieldRef":{"resource":"limits.memory","divisor":"1Mi"}}},{"name":"CPU","valueFrom":{"resourceFieldRef":{"resource":"requests.cpu"}}}],"volumeMounts":[{"name":"data","mountPath":"/var/data"},{"name":"cfg","mountPath":"/etc/cfg","readOnly":true,"subPath":"app.conf"},{"name":"cache","mountPath":"/cache"}]}],"volumes":[{"name":"data","emptyDir":{}},{"name":"cache","emptyDir":{"medium":"Memory","sizeLimit":"1Gi"}},{"name":"cfg","configMap":{"name":"cfg"}}],"tolerations":[{"key":"b","operator":"Exists","effect":"NoSchedule"},{"key":"a","value":"x","effect":"NoExecute","tolerationSeconds":30}]}}' > pod.json
echo '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"mode":"fast","app.conf":"x=1"}}' > cm.json
echo '{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"front","labels":{"tier":"front"}},"spec":{"replicas":2,"selector":{"matchLabels":{"tier":"front"},"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]}]},"template":{"metadata":{"labels":{"tier":"front","env":"dev"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}' > rs.json
echo '{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"kube-system"},"spec":{"selector":{"matchLabels":{"name":"agent"}},"template":{"metadata":{"labels":{"name":"agent"}},"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"tolerations":[{"operator":"Exists"}],"containers":[{"name":"agent","image":"fluentd:v1","resources":{"limits":{"memory":"200Mi"}},"volumeMounts":[{"name":"log","mountPath":"/var/log"}]}],"volumes":[{"name":"log","hostPath":{"path":"/var/log"}}]}}}}' > ds.json
echo '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"serviceName":"db","replicas":2,"selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"pg","image":"postgres:16","volumeMounts":[{"name":"data","mountPath":"/var/lib/postgresql"}]}]}},"volumeClaimTemplates":[{"metadata":{"name":"data","labels":{"app":"db"}},"spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"fast","resources":{"requests":{"storage":"1Gi"}}}}]}}' > sts.json
echo '{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"legacy"},"spec":{"replicas":1,"selector":{"app":"legacy"},"template":{"metadata":{"labels":{"app":"legacy"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}' > rc.json
echo '{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"idx"},"spec":{"completions":3,"parallelism":2,"completionMode":"Indexed","backoffLimit":2,"activeDeadlineSeconds":100,"ttlSecondsAfterFinished":60,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"w","image":"busybox","command":["sh","-c","echo $JOB_COMPLETION_INDEX"]}]}}}}' > job.json
echo '{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","names":{"kind":"Widget","plural":"widgets","singular":"widget"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}' > crd.json
echo '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","labels":{"a":"b"}},"spec":{"size":3,"colorName":"blue","podCIDR":"10.0.0.0/24","tags":["x","y"],"ports":[{"name":"http","port":80},{"name":"https","port":443}],"nested":{"deep":{"onOff":true,"nothing":null}}}}' > cr.json
kubectl apply -f cm.json
kubectl apply -f dep.json
kubectl describe deployment api
kubectl describe deploy api --show-events=false
kubectl create deployment web --image=nginx --replicas=2 --port=80
kubectl describe deploy web
kubectl apply -f pod.json
kubectl describe pod envpod
kubectl apply -f rs.json
kubectl describe rs front
kubectl run owned --image=nginx --labels=tier=front,env=dev --overrides='{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"front","uid":"'$(kubectl get rs front -o jsonpath='{.metadata.uid}')'","controller":true}]}}'
kubectl describe rs front
kubectl describe pod owned
kubectl apply -f ds.json
kubectl describe ds agent -n kube-system
kubectl apply -f sts.json
kubectl describe sts db
kubectl apply -f rc.json
kubectl describe rc legacy
kubectl apply -f job.json
kubectl describe job idx
kubectl create job once --image=busybox -- date
kubectl describe job once
kubectl create cronjob tick --image=busybox --schedule='*/5 * * * *' -- date
kubectl describe cronjob tick
kubectl describe cj
kubectl describe jobs,cronjobs
kubectl apply -f crd.json
kubectl wait --for=condition=Established crd/widgets.example.com
kubectl apply -f cr.json
kubectl describe widget w1
kubectl describe widgets
kubectl describe lease -n kube-node-lease
kubectl describe controllerrevisions -A
kubectl describe deploy nope
kubectl describe deploy -l app=none
