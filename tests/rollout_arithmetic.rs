//! Rollout arithmetic observed on live rollouts: for replicas 0-20 and every pair of
//! maxSurge and maxUnavailable in {0, 1, 25%, 50%, 100%}, a Deployment is rolled to a new
//! image and its ReplicaSets are read each second until it is done. Upstream's numbers
//! (percentages of replicas, surge rounded up and unavailable down, 1 unavailable when
//! both are 0, which the API refuses as written) bound every state: the ReplicaSets'
//! replicas never exceed replicas + surge, their available pods never fall below
//! replicas - unavailable, the first wave is the surge and the unavailable allowance
//! (capped at replicas), and the rollout ends with every replica new.

use kubarium_core::session::Session;

const VALUES: [&str; 5] = ["0", "1", "25%", "50%", "100%"];

/// An int-or-percent of `replicas`, rounded as upstream rounds it.
fn resolve(v: &str, replicas: i64, round_up: bool) -> i64 {
    match v.strip_suffix('%') {
        Some(p) => {
            let x = p.parse::<i64>().unwrap_or(0) * replicas;
            if round_up {
                (x + 99) / 100
            } else {
                x / 100
            }
        }
        None => v.parse().unwrap_or(0),
    }
}

fn yaml_value(v: &str) -> String {
    if v.ends_with('%') {
        format!("\"{v}\"")
    } else {
        v.to_string()
    }
}

/// Each ReplicaSet's image, replicas and available pods.
fn replica_sets(s: &mut Session, ns: &str) -> Vec<(String, i64, i64)> {
    let out = s
        .input(&format!(
            "kubectl get rs -n {ns} -o jsonpath='{{range .items[*]}}{{.spec.template.spec.containers[0].image}} {{.spec.replicas}} {{.status.availableReplicas}};{{end}}'"
        ))
        .text();
    out.split(';')
        .filter(|r| !r.trim().is_empty())
        .map(|r| {
            let f: Vec<&str> = r.split_whitespace().collect();
            let n = |i: usize| f.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            (f.first().unwrap_or(&"").to_string(), n(1), n(2))
        })
        .collect()
}

/// Rolls one Deployment and checks every state it passes through; returns what was
/// wrong.
fn roll(s: &mut Session, replicas: i64, surge_v: &str, unavailable_v: &str) -> Vec<String> {
    let ns = format!(
        "r{replicas}-s{}-u{}",
        surge_v.replace('%', "p"),
        unavailable_v.replace('%', "p")
    );
    let manifest = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: {ns}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: d\n  strategy:\n    rollingUpdate:\n      maxSurge: {}\n      maxUnavailable: {}\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n      terminationGracePeriodSeconds: 0\n      containers:\n      - name: c\n        image: nginx:1.27\n",
        yaml_value(surge_v),
        yaml_value(unavailable_v)
    );
    let applied = s.apply_manifest(&manifest).text();
    let both_zero = surge_v == "0" && unavailable_v == "0";
    if both_zero {
        // The API refuses it; upstream's arithmetic would allow one unavailable.
        let refused = applied.contains("may not be 0 when `maxSurge` is 0");
        return if refused {
            vec![]
        } else {
            vec![format!("{ns}: both 0 was not refused: {applied}")]
        };
    }
    let surge = resolve(surge_v, replicas, true);
    let mut unavailable = resolve(unavailable_v, replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    let mut errors = vec![];
    for _ in 0..60 {
        let rs = replica_sets(s, &ns);
        if rs.iter().map(|r| r.2).sum::<i64>() == replicas {
            break;
        }
        s.tick(1000);
    }
    s.input(&format!("kubectl set image deploy/d c=nginx:1.28 -n {ns}"));
    let mut first = true;
    for second in 0..600 {
        let rs = replica_sets(s, &ns);
        let (mut new, mut old, mut available) = (0, 0, 0);
        for (image, n, a) in &rs {
            if image == "nginx:1.28" {
                new = *n;
            } else {
                old += n;
            }
            available += a;
        }
        let state = format!("{ns} at {second}s: new {new}, old {old}, available {available}");
        if new + old > replicas + surge {
            errors.push(format!("{state}: more than {replicas} + {surge} replicas"));
        }
        if available < replicas - unavailable {
            errors.push(format!(
                "{state}: fewer than {replicas} - {unavailable} available"
            ));
        }
        if first {
            first = false;
            let want_new = (surge + unavailable).min(replicas);
            let want_old = replicas - unavailable.min(replicas);
            if (new, old) != (want_new, want_old) {
                errors.push(format!(
                    "{state}: the first wave should leave new {want_new}, old {want_old}"
                ));
            }
        }
        if new == replicas && old == 0 && available == replicas {
            s.input(&format!("kubectl delete namespace {ns} --wait=false"));
            return errors;
        }
        s.tick(1000);
    }
    errors.push(format!("{ns}: the rollout did not finish in 10 minutes"));
    errors
}

/// Every replicas count and maxUnavailable with one maxSurge, in one cluster.
fn rollouts_with_surge(surge: &str) {
    let mut s = Session::new(1);
    let mut errors = vec![];
    for unavailable in VALUES {
        for replicas in 0..=20 {
            errors.extend(roll(&mut s, replicas, surge, unavailable));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn surge_0() {
    rollouts_with_surge(VALUES[0]);
}

#[test]
fn surge_1() {
    rollouts_with_surge(VALUES[1]);
}

#[test]
fn surge_25_percent() {
    rollouts_with_surge(VALUES[2]);
}

#[test]
fn surge_50_percent() {
    rollouts_with_surge(VALUES[3]);
}

#[test]
fn surge_100_percent() {
    rollouts_with_surge(VALUES[4]);
}
