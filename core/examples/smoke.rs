use kubarium_core::apiserver::resources::PODS;
use kubarium_core::cluster::Cluster;
fn main() {
    let t = std::time::Instant::now();
    let mut c = Cluster::new(1);
    println!("bootstrap {:?} rev {}", t.elapsed(), c.api.store.revision());
    for p in c.api.list(&PODS, None) {
        println!(
            "{} {} {} {}",
            p["metadata"]["name"],
            p["spec"]["nodeName"],
            p["status"]["phase"],
            p["status"]["podIP"]
        );
    }
    c.api.create(&PODS, "default", serde_json::json!({"apiVersion":"v1","kind":"Pod","metadata":{"name":"nginx"},"spec":{"containers":[{"name":"nginx","image":"nginx"}]}}), false).unwrap();
    c.settle();
    let p = c.api.get(&PODS, "default", "nginx").unwrap();
    println!("{}", p["status"]);
    c.advance(10_000);
    let p = c.api.get(&PODS, "default", "nginx").unwrap();
    println!("{}", serde_json::to_string_pretty(&p).unwrap());
}
