# kubectl config set-cluster, set-credentials, set, unset, delete-cluster, delete-user and
# get-users, on a kubeconfig of the script's own (kc, created by the first write).
# (get-clusters lists in Go's map order, so it runs only when there is at most one.)
kubectl --kubeconfig kc config set-cluster zeta --server=https://10.0.0.1:6443
kubectl --kubeconfig kc config view
kubectl --kubeconfig kc config set-cluster alpha
kubectl --kubeconfig kc config set-cluster zeta --insecure-skip-tls-verify=true --tls-server-name=api.example
kubectl --kubeconfig kc config set-cluster zeta --server=https://10.0.0.2:6443
echo hello > ca.crt && kubectl --kubeconfig kc config set-cluster beta --certificate-authority=ca.crt
kubectl --kubeconfig kc config set-cluster gamma --certificate-authority=ca.crt --embed-certs
kubectl --kubeconfig kc config set-cluster beta --insecure-skip-tls-verify
kubectl --kubeconfig kc config set-cluster delta --embed-certs
kubectl --kubeconfig kc config set-cluster delta --certificate-authority=ca.crt --insecure-skip-tls-verify
kubectl --kubeconfig kc config set-cluster delta --certificate-authority=nope.crt --embed-certs
kubectl --kubeconfig kc config set-cluster ""
kubectl --kubeconfig kc config view --raw
kubectl --kubeconfig kc config set-credentials bob --token=abc
kubectl --kubeconfig kc config set-credentials alice --username=a --password=p
kubectl --kubeconfig kc config set-credentials bob --username=b
kubectl --kubeconfig kc config set-credentials carol --client-certificate=c.crt --client-key=c.key
kubectl --kubeconfig kc config set-credentials dave --token=x --username=y
kubectl --kubeconfig kc config set-credentials erin --embed-certs
kubectl --kubeconfig kc config set-credentials erin --client-certificate=ca.crt --embed-certs
kubectl --kubeconfig kc config set-credentials ""
kubectl --kubeconfig kc config get-users
kubectl --kubeconfig kc config view
kubectl --kubeconfig kc config view --raw -o json
kubectl --kubeconfig kc config set current-context ctx
kubectl --kubeconfig kc config set contexts.ctx.cluster zeta
kubectl --kubeconfig kc config set contexts.ctx.user bob
kubectl --kubeconfig kc config set contexts.ctx.namespace dev
kubectl --kubeconfig kc config set clusters.10.1.2.3.server https://10.1.2.3
kubectl --kubeconfig kc config set clusters.10.1.2.3.insecure-skip-tls-verify true
kubectl --kubeconfig kc config set clusters.x.certificate-authority-data aGVsbG8K
kubectl --kubeconfig kc config set clusters.y.certificate-authority-data hello --set-raw-bytes
kubectl --kubeconfig kc config set clusters.z.certificate-authority-data '!!'
kubectl --kubeconfig kc config set users.u.token t
kubectl --kubeconfig kc config set preferences.colors true
kubectl --kubeconfig kc config set foo bar
kubectl --kubeconfig kc config set users.u.act-as-groups x
kubectl --kubeconfig kc config set clusters.q.server.x y
kubectl --kubeconfig kc config set clusters.q.insecure-skip-tls-verify maybe
kubectl --kubeconfig kc config set current-context ""
kubectl --kubeconfig kc config set "" x
kubectl --kubeconfig kc config view --raw
kubectl --kubeconfig kc config view -o json
kubectl --kubeconfig kc config current-context
kubectl --kubeconfig kc config get-contexts
kubectl --kubeconfig kc config unset contexts.ctx.namespace
kubectl --kubeconfig kc config unset contexts.nope.namespace
kubectl --kubeconfig kc config unset clusters.nope
kubectl --kubeconfig kc config unset users.u
kubectl --kubeconfig kc config unset preferences
kubectl --kubeconfig kc config unset foo
kubectl --kubeconfig kc config view
kubectl --kubeconfig kc config delete-cluster zeta
kubectl --kubeconfig kc config delete-cluster zeta
kubectl --kubeconfig kc config delete-user bob
kubectl --kubeconfig kc config delete-user bob
kubectl --kubeconfig kc config delete-user
kubectl --kubeconfig kc config unset current-context
kubectl --kubeconfig kc config unset clusters
kubectl --kubeconfig kc config view
kubectl --kubeconfig kc config get-clusters
kubectl --kubeconfig kc config get-users
