//! The bash completion script `kubectl completion bash` prints (Kubarium's own): it
//! completes kubectl's commands, resource types, object names and namespaces by asking
//! kubectl.

/// The bash script. It reads the line up to the cursor from COMP_LINE and COMP_POINT, and
/// the word being completed and the one before it from its arguments, as `complete -F`
/// passes them.
const BASH: &str = r#"# bash completion for kubectl (written for Kubarium)
#
# Load it into the current shell:
#     source <(kubectl completion bash)
# Complete an alias as kubectl:
#     alias k=kubectl
#     complete -o default -F __start_kubectl k

__kubectl_commands="{COMMANDS}"

__kubectl_flags="--all-namespaces --context --dry-run --field-selector --filename --help --kubeconfig --namespace --output --selector --show-labels"

# Names of the objects of one type (as `TYPE/NAME` gives them), in a namespace if given.
__kubectl_object_names() {
    local type=$1 ns=$2
    if [ -n "$ns" ]; then
        kubectl get "$type" --namespace "$ns" -o name 2>/dev/null | sed 's|^[^/]*/||'
    else
        kubectl get "$type" -o name 2>/dev/null | sed 's|^[^/]*/||'
    fi
}

# Resource types, short of their API group.
__kubectl_resource_types() {
    kubectl api-resources -o name 2>/dev/null | sed 's|\..*||'
}

__start_kubectl() {
    local cur=$2 prev=$3 line=${COMP_LINE:0:COMP_POINT}
    local verb="" sub="" ns="" count=0 want_ns="" w candidates=""
    # The words before the one being completed: the verb, its first argument, -n.
    for w in $line; do
        count=$((count + 1))
        if [ "$count" -eq 1 ]; then
            continue
        fi
        if [ -n "$want_ns" ]; then
            ns=$w
            want_ns=""
            continue
        fi
        case $w in
            -n|--namespace) want_ns=1 ;;
            --namespace=*) ns=${w#--namespace=} ;;
            -*) ;;
            *)
                if [ -z "$verb" ]; then
                    verb=$w
                elif [ -z "$sub" ]; then
                    sub=$w
                fi
                ;;
        esac
    done
    # A word being typed is not yet the verb or its argument.
    if [ -n "$cur" ]; then
        if [ "$sub" = "$cur" ]; then
            sub=""
        elif [ "$verb" = "$cur" ]; then
            verb=""
        fi
    fi
    case $prev in
        -n|--namespace)
            candidates=$(__kubectl_object_names namespaces)
            COMPREPLY=( $(compgen -W "$candidates" -- "$cur") )
            return 0
            ;;
        -o|--output)
            COMPREPLY=( $(compgen -W "json yaml wide name jsonpath= jsonpath-file= go-template= go-template-file= custom-columns= custom-columns-file=" -- "$cur") )
            return 0
            ;;
        --context)
            candidates=$(kubectl config get-contexts -o name 2>/dev/null)
            COMPREPLY=( $(compgen -W "$candidates" -- "$cur") )
            return 0
            ;;
    esac
    case $cur in
        -*)
            COMPREPLY=( $(compgen -W "$__kubectl_flags" -- "$cur") )
            return 0
            ;;
    esac
    if [ -z "$verb" ]; then
        candidates=$__kubectl_commands
    else
        case $verb in
            get|describe|delete|edit|label|annotate|patch|scale|wait|explain|autoscale|expose|taint)
                if [ -z "$sub" ]; then
                    candidates=$(__kubectl_resource_types)
                else
                    candidates=$(__kubectl_object_names "$sub" "$ns")
                fi
                ;;
            cordon|uncordon|drain)
                candidates=$(__kubectl_object_names nodes)
                ;;
            logs|exec|attach|port-forward)
                candidates=$(__kubectl_object_names pods "$ns")
                ;;
            rollout)
                candidates="history pause restart resume status undo"
                ;;
            create)
                candidates="clusterrole clusterrolebinding configmap cronjob deployment ingress job namespace poddisruptionbudget priorityclass quota role rolebinding secret service serviceaccount token"
                ;;
            set)
                candidates="env image resources selector serviceaccount subject"
                ;;
            config)
                if [ -z "$sub" ]; then
                    candidates="current-context delete-cluster delete-context delete-user get-clusters get-contexts get-users rename-context set set-cluster set-context set-credentials unset use-context view"
                else
                    case $sub in
                        use-context|delete-context|rename-context|set-context)
                            candidates=$(kubectl config get-contexts -o name 2>/dev/null)
                            ;;
                    esac
                fi
                ;;
            completion)
                candidates="bash fish powershell zsh"
                ;;
            help)
                candidates=$__kubectl_commands
                ;;
        esac
    fi
    COMPREPLY=( $(compgen -W "$candidates" -- "$cur") )
    return 0
}

complete -o default -F __start_kubectl kubectl
"#;

/// The script, completing `commands` (space-separated).
pub fn bash(commands: &str) -> String {
    BASH.replace("{COMMANDS}", commands)
}
