# kubectl completion: the shells it answers for and its usage errors (the bash script
# itself is Kubarium's own, so only its loading is tested, in tests/transcripts).
kubectl completion
kubectl completion foo
kubectl completion bash zsh
kubectl completion bash > /dev/null && echo ok
# Mistyped commands: cobra's suggestions, in the order kubectl registers its commands.
kubectl ap
kubectl hel
kubectl alph
kubectl gett pods
kubectl xyzzy
