//! Upstream's replica calculator cases (`replica_calculator_test.go`, Kubernetes 1.35,
//! as data in `data/hpa_replica_calculator.json`) replayed through the autoscaler's
//! decision as the controller calls it: each case's pods, PodMetrics and target become
//! one sync of an autoscaler whose behavior lets any count through at once, so the
//! desired replicas, the utilization and the average in its status are the
//! calculator's; an expected error shows in its FailedComputeMetricsReplicas event.

use serde_json::{json, Value};

/// Some instant (Unix milliseconds) the cases' offsets count from.
const NOW: i64 = 1_800_000_000_000;

fn stamp(offset_s: &Value) -> Value {
    let ms = NOW + offset_s.as_i64().unwrap_or(0) * 1000;
    kubarium_tools::controllers::stamp(ms)
}

fn pod(p: &Value) -> Value {
    let containers: Vec<Value> = p["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let mut resources = json!({});
            if let Some(milli) = c["request_milli"].as_i64() {
                resources = json!({"requests": {"cpu": format!("{milli}m")}});
            }
            json!({"name": c["name"], "image": "nginx", "resources": resources})
        })
        .collect();
    let mut metadata =
        json!({"name": p["name"], "namespace": "default", "labels": {"name": "test-pod"}});
    if p["deleting"] == true {
        metadata["deletionTimestamp"] = stamp(&json!(0));
    }
    let mut status = json!({"phase": p["phase"]});
    if !p["ready"].is_null() {
        status["conditions"] = json!([{
            "type": "Ready",
            "status": if p["ready"] == true { "True" } else { "False" },
            "lastTransitionTime": stamp(&p["ready_since"]),
        }]);
    }
    if !p["start_time"].is_null() {
        status["startTime"] = stamp(&p["start_time"]);
    }
    json!({"metadata": metadata, "spec": {"containers": containers}, "status": status})
}

fn pod_metrics(case: &Value) -> Vec<Value> {
    let resource = case["resource"].as_str().unwrap_or("cpu");
    case["metrics"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, values)| {
            let containers: Vec<Value> = values
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, v)| {
                    let usage = match v.as_i64() {
                        Some(milli) => json!({resource: format!("{milli}m")}),
                        None => json!({}),
                    };
                    json!({"name": format!("container{}", i + 1), "usage": usage})
                })
                .collect();
            json!({
                "metadata": {"name": name, "namespace": "default"},
                "timestamp": stamp(&case["metric_timestamp"]),
                "window": format!("{}s", case["metric_window_s"].as_i64().unwrap_or(60)),
                "containers": containers,
            })
        })
        .collect()
}

fn autoscaler(case: &Value) -> Value {
    let resource = case["resource"].as_str().unwrap_or("cpu");
    let target = match case["target_utilization"].as_i64() {
        Some(u) => json!({"type": "Utilization", "averageUtilization": u}),
        None => json!({"type": "AverageValue",
            "averageValue": format!("{}m", case["target_average_value"].as_i64().unwrap_or(0))}),
    };
    let metric = match case["container"].as_str() {
        Some(c) => json!({"type": "ContainerResource",
            "containerResource": {"name": resource, "container": c, "target": target}}),
        None => json!({"type": "Resource", "resource": {"name": resource, "target": target}}),
    };
    let unlimited = json!({"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
        "policies": [{"type": "Pods", "value": 100_000, "periodSeconds": 15}]});
    json!({
        "metadata": {"name": "test-hpa", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "test"},
            "minReplicas": 1, "maxReplicas": 100_000, "metrics": [metric],
            "behavior": {"scaleUp": unlimited, "scaleDown": unlimited},
        },
        "status": {"desiredReplicas": 0, "currentMetrics": null},
    })
}

#[test]
fn upstream_replica_calculator_cases() {
    let data: Value = serde_json::from_str(include_str!("data/hpa_replica_calculator.json"))
        .expect("the cases are JSON");
    let options = json!({
        "cpu_initialization_period": data["cpu_initialization_period_s"].as_i64().unwrap_or(0) * 1000,
        "initial_readiness_delay": data["delay_of_initial_readiness_status_s"].as_i64().unwrap_or(0) * 1000,
    });
    let cases = data["cases"].as_array().expect("a list of cases");
    assert!(cases.len() >= 25, "the table lost its cases");
    let mut failures = vec![];
    for case in cases {
        let current = case["current_replicas"].as_i64().unwrap_or(0);
        let pods: Vec<Value> = case["pods"]
            .as_array()
            .into_iter()
            .flatten()
            .map(pod)
            .collect();
        let request = json!({
            "hpa": autoscaler(case),
            "scale": {"Ok": {"spec": {"replicas": current},
                "status": {"replicas": current, "selector": "name=test-pod"}}},
            "pods": {"Ok": pods},
            "metrics": {"Ok": pod_metrics(case)},
            // An old recommendation: no scale-down is held back by the first sync's.
            "history": {"recommendations": [{"replicas": 0, "at": NOW - 3_600_000}]},
            "now": NOW,
            "options": options,
        });
        let answer: Value = serde_json::from_str(&kubarium_tools::call(
            "horizontal_pod_autoscaler",
            &request.to_string(),
        ))
        .expect("the decision is JSON");
        let name = case["name"].as_str().unwrap_or("?");
        let status = &answer["status"];
        if let Some(error) = case["expected_error"].as_str() {
            let reported = answer["events"].as_array().into_iter().flatten().any(|e| {
                e[1] == "FailedComputeMetricsReplicas"
                    && e[2].as_str().is_some_and(|m| m.contains(error))
            });
            if !reported {
                failures.push(format!(
                    "{name}: expected error {error:?}, got {}",
                    answer["events"]
                ));
            }
            continue;
        }
        let desired = status["desiredReplicas"].as_i64();
        if desired != case["expected_replicas"].as_i64() {
            failures.push(format!(
                "{name}: expected {} replicas, got {desired:?} (events {})",
                case["expected_replicas"], answer["events"]
            ));
        }
        let current_metric = &status["currentMetrics"][0];
        let current_value = if current_metric["resource"].is_object() {
            &current_metric["resource"]["current"]
        } else {
            &current_metric["containerResource"]["current"]
        };
        if let Some(u) = case["expected_utilization"].as_i64() {
            if current_value["averageUtilization"].as_i64() != Some(u) {
                failures.push(format!(
                    "{name}: expected utilization {u}, got {current_value}"
                ));
            }
        }
        if let Some(raw) = case["expected_raw_value"].as_i64() {
            let got = current_value["averageValue"]
                .as_str()
                .and_then(kubarium_tools::quantity::parse);
            if got != Some(i128::from(raw)) {
                failures.push(format!(
                    "{name}: expected average {raw}m, got {current_value}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
