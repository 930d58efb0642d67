# kubectl cp both ways: real kubectl's tar archives unpacked by the container's tar, and
# the container's archives unpacked by real kubectl; a directory as the destination,
# files written by commands in the container, and the errors.
# speed: 1
kubectl run web --image=nginx:1.27
kubectl run box --image=busybox:1.36 -- sleep 3600
kubectl wait --for=condition=Ready pod/web pod/box --timeout=60s
echo '<h1>copied</h1>' > index.html
kubectl cp index.html web:/usr/share/nginx/html/index.html
kubectl exec web -- cat /usr/share/nginx/html/index.html
kubectl cp index.html box:/tmp
kubectl exec box -- ls /tmp
kubectl exec box -- cat /tmp/index.html
mkdir -p site/css && echo 'a {}' > site/css/a.css && echo hi > site/x.txt
kubectl cp site box:/srv/site
kubectl exec box -- find /srv/site
kubectl exec box -- cat /srv/site/css/a.css
kubectl cp site box:/srv/site
kubectl exec box -- ls /srv/site
kubectl cp index.html box:/nope/dir/x
kubectl cp missing.txt box:/tmp
kubectl exec box -- sh -c 'echo made in box > /tmp/made; date >> /tmp/made; wc -l /tmp/made'
kubectl cp box:/tmp/made made.txt
wc -l made.txt
kubectl cp box:/srv/site copy
cat copy/css/a.css
kubectl cp index.html nope:/tmp
