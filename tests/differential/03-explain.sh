# kubectl explain: the served OpenAPI v3 documents read by real kubectl and by the built-in one.
kubectl explain pods
kubectl explain pod.spec
kubectl explain pod.spec.containers
kubectl explain pod.spec.containers.resources.limits
kubectl explain pod.metadata.creationTimestamp
kubectl explain deploy.spec.strategy
kubectl explain deployment.spec.strategy.rollingUpdate.maxSurge
kubectl explain svc.spec.ports
kubectl explain nodes.status.conditions
kubectl explain cm
kubectl explain secret.data
kubectl explain pvc.spec --recursive
kubectl explain hpa --api-version=autoscaling/v1
kubectl explain hpa.spec.metrics
kubectl explain ingress.spec.rules.http.paths.backend
kubectl explain networkpolicy.spec.ingress
kubectl explain cronjob.spec.jobTemplate.spec.template.spec.restartPolicy
kubectl explain pods.spec.foo
kubectl explain pods.spec.foo.bar
kubectl explain foo
kubectl explain
kubectl explain pods deploy
kubectl explain crd.spec.versions.schema
kubectl explain clusterrole.rules
kubectl explain sts.spec.volumeClaimTemplates
kubectl explain pod.spec.affinity --recursive
kubectl explain events.events.k8s.io
kubectl explain csr.spec.usages
kubectl explain lease
kubectl explain pods --api-version=v2
