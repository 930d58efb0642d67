# kubectl completion: the shells it answers for and its usage errors (the bash script
# itself is Kubarium's own, so only its loading is tested, in tests/transcripts).
kubectl completion
kubectl completion foo
kubectl completion bash zsh
kubectl completion bash > /dev/null && echo ok
