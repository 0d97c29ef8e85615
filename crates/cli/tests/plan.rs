//! `haicang plan route` and `plan batch` on files, as documented in
//! docs/PLANNING.md.

use std::process::Command;

fn plan(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_haicang")).args(args).output().expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn routes_and_batches_come_out_in_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let layout = file(
        "layout.json",
        r#"{"aisles": 2, "aisleLengthM": 20.0, "aisleSpacingM": 10.0, "crossAisles": 2, "depot": {"xM": 0.0, "yM": 0.0}}"#,
    );
    let lists = file(
        "picklists.json",
        r#"[{"id": "P1", "picks": [{"aisle": 2, "yM": 19.0}, {"aisle": 1, "yM": 18.0}]},
            {"id": "P2", "picks": [{"aisle": 2, "yM": 5.0}]}]"#,
    );
    let routes = plan(&["plan", "route", "--layout", &layout, "--picklists", &lists]);
    // Up aisle 1, across the back, down aisle 2, home: 60 m.
    assert_eq!(routes[0]["id"], "P1");
    assert_eq!(routes[0]["distanceM"], 60.0);
    assert_eq!(routes[0]["sequence"], serde_json::json!([1, 0]));
    assert_eq!(routes[1]["distanceM"], 30.0);
    let s_shape = plan(&["plan", "route", "--layout", &layout, "--picklists", &lists, "--method", "s-shape"]);
    assert!(s_shape[0]["distanceM"].as_f64().unwrap() >= 60.0);

    let orders = file(
        "orders.json",
        r#"[{"id": "O1", "picks": [{"aisle": 1, "yM": 3.0}]}, {"id": "O2", "picks": [{"aisle": 2, "yM": 3.0}]},
            {"id": "O3", "picks": [{"aisle": 1, "yM": 4.0}]}, {"id": "O4", "picks": [{"aisle": 2, "yM": 4.0}]}]"#,
    );
    let batches = plan(&["plan", "batch", "--layout", &layout, "--orders", &orders, "--capacity", "2"]);
    let carts: Vec<Vec<String>> = batches["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["orders"].as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_owned()).collect())
        .collect();
    assert_eq!(carts, vec![vec!["O1", "O3"], vec!["O2", "O4"]], "orders of one aisle share a cart");
    let fcfs =
        plan(&["plan", "batch", "--layout", &layout, "--orders", &orders, "--capacity", "2", "--method", "fcfs"]);
    assert!(batches["totalDistanceM"].as_f64().unwrap() < fcfs["totalDistanceM"].as_f64().unwrap());

    let out = Command::new(env!("CARGO_BIN_EXE_haicang"))
        .args(["plan", "route", "--layout", &layout, "--picklists", &lists, "--method", "zigzag"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown method"));
}
