//! Integrators check signatures with `haicang webhook verify` or with the
//! README's Python example: both accept what haicang signs and refuse a
//! changed body, a wrong secret and a stale timestamp.

use std::process::Command;

use haicang_app::webhooks::signature_header;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().expect("runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn the_cli_and_the_documented_python_example_verify_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let body_file = dir.path().join("body.json");
    let body = br#"{"id":"evt_1","type":"order.created","data":{"orderNo":"OB1"}}"#;
    std::fs::write(&body_file, body).unwrap();
    let other_file = dir.path().join("other.json");
    std::fs::write(&other_file, br#"{"id":"evt_2"}"#).unwrap();
    let header = signature_header(&["whsec_test"], now(), body);
    let stale = signature_header(&["whsec_test"], now() - 3600, body);
    let body_path = body_file.to_str().unwrap();
    let other_path = other_file.to_str().unwrap();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples/verify_webhook.py");
    let cli = |secret: &str, h: &str, file: &str| {
        run(
            env!("CARGO_BIN_EXE_haicang"),
            &["webhook", "verify", "--secret", secret, "--signature", h, "--body-file", file],
        )
    };
    let python = |secret: &str, h: &str, file: &str| run("python3", &[example, secret, h, file]);
    for check in [&cli as &dyn Fn(&str, &str, &str) -> String, &python] {
        assert_eq!(check("whsec_test", &header, body_path), "valid");
        assert_eq!(check("whsec_test", &header, other_path), "invalid");
        assert_eq!(check("whsec_wrong", &header, body_path), "invalid");
        assert_eq!(check("whsec_test", &stale, body_path), "invalid");
    }
}
