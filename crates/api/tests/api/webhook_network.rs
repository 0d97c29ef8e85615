//! Webhooks cannot reach inside: internal addresses are refused when a
//! subscription is made and again when a delivery connects; redirects are
//! not followed; only the head of an answer is kept.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::json;

use haicang_app::App;
use haicang_app::webhooks::DeliveryPolicy;

use crate::harness::{start, start_configured};
use crate::outbound::order;

#[tokio::test]
async fn internal_addresses_are_refused_even_when_loopback_is_open() {
    // The harness opens loopback (its receivers live there); nothing else.
    let s = start().await;
    let t = s.customer().await;
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://10.0.0.8/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://0.0.0.0:8080/hook",
        "http://224.0.0.1/hook",
    ] {
        let a = s.post("/api/v1/webhooks", &t, &json!({"url": url, "events": ["*"]})).await;
        a.err(10066, 400);
        assert!(a.message().contains("public addresses only"), "{url}: {}", a.message());
    }
    let zh = s
        .call(
            reqwest::Method::POST,
            "/api/v1/webhooks",
            Some(&t),
            Some(json!({"url": "http://169.254.169.254/", "events": ["*"]}).to_string()),
            Some("zh-CN"),
        )
        .await;
    zh.err(10066, 400);
    assert!(zh.message().contains("链路本地地址"), "{}", zh.message());
    // Nothing was subscribed.
    assert_eq!(s.get("/api/v1/webhooks", &t).await.ok().as_array().unwrap().len(), 0);
    // A name that does not resolve is refused too.
    s.post("/api/v1/webhooks", &t, &json!({"url": "http://no-such-host.invalid/hook", "events": ["*"]}))
        .await
        .err(10067, 400);
    // Updating a subscription to an internal address is refused the same way.
    let ok = s.post("/api/v1/webhooks", &t, &json!({"url": "http://127.0.0.1:9/hook", "events": ["*"]})).await;
    let id = ok.ok()["id"].as_str().unwrap().to_owned();
    s.put(&format!("/api/v1/webhooks/{id}"), &t, &json!({"url": "http://169.254.169.254/"})).await.err(10066, 400);
    assert_eq!(s.get(&format!("/api/v1/webhooks/{id}"), &t).await.ok()["url"], "http://127.0.0.1:9/hook");
}

#[tokio::test]
async fn by_default_loopback_is_closed_too() {
    let s = start_configured(|settings| settings.webhook_networks = Default::default()).await;
    let t = s.customer().await;
    for url in ["http://127.0.0.1:9/hook", "http://127.0.0.1:22/", "http://localhost:9/hook", "http://[::1]:9/"] {
        let a = s.post("/api/v1/webhooks", &t, &json!({"url": url, "events": ["*"]})).await;
        a.err(10066, 400);
        assert!(a.message().contains("loopback"), "{url}: {}", a.message());
    }
}

/// A receiver that counts its calls and answers with `answer`.
async fn counting_receiver(
    answer: impl Fn() -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (String, Arc<Mutex<usize>>) {
    let calls = Arc::new(Mutex::new(0usize));
    let counted = calls.clone();
    let app = Router::new().route(
        "/hook",
        post(move || {
            let (counted, answer) = (counted.clone(), answer.clone());
            async move {
                *counted.lock().unwrap() += 1;
                answer()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), calls)
}

fn one_try() -> DeliveryPolicy {
    DeliveryPolicy { timeout: std::time::Duration::from_secs(5), ..Default::default() }
}

/// Steps deliveries until `n` attempts were made. On PostgreSQL an event
/// becomes visible to the fan-out once every older transaction of the
/// cluster has ended (other tests run beside this one), so one round may
/// find nothing yet.
async fn attempt(app: &App, n: usize) {
    let mut made = 0;
    for _ in 0..200 {
        made += app.deliver_due("net", &one_try()).await.unwrap();
        if made >= n {
            assert_eq!(made, n);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{made} of {n} deliveries attempted");
}

#[tokio::test]
async fn redirects_are_not_followed_and_only_the_head_of_an_answer_is_kept() {
    let s = start().await;
    let t = s.customer().await;
    let (inside, inside_calls) = counting_receiver(|| StatusCode::OK.into_response()).await;
    let target = inside.clone();
    let (bouncer, bouncer_calls) =
        counting_receiver(move || (StatusCode::FOUND, [(header::LOCATION, target.clone())]).into_response()).await;
    let (chatty, _) = counting_receiver(|| (StatusCode::OK, "x".repeat(1024 * 1024)).into_response()).await;
    for url in [&bouncer, &chatty] {
        s.post("/api/v1/webhooks", &t, &json!({"url": url, "events": ["order.created"]})).await.ok();
    }
    s.post("/api/v1/outbound-orders", &t, &order("NET-1", json!([{"sku": "DEMO-0001", "quantity": 1}]))).await.ok();
    attempt(&s.app, 2).await;
    assert_eq!(*bouncer_calls.lock().unwrap(), 1);
    assert_eq!(*inside_calls.lock().unwrap(), 0, "the redirect was followed");
    let deliveries = s.get("/api/v1/webhooks/deliveries", &t).await;
    let items = deliveries.ok()["items"].as_array().unwrap().clone();
    let attempt_of = |status: &str| {
        items.iter().find(|d| d["status"] == status).unwrap_or_else(|| panic!("no {status} in {items:?}"))["attempts"]
            [0]
        .clone()
    };
    // The 302 is a failed attempt, retried later, not a success.
    assert_eq!(attempt_of("PENDING")["httpStatus"], 302);
    let kept = attempt_of("DELIVERED")["response"].as_str().unwrap().to_owned();
    assert_eq!(kept.chars().count(), 1024, "the attempt log keeps 1 KiB of a 1 MiB answer");
}

#[tokio::test]
async fn a_delivery_to_an_address_closed_since_subscribing_never_connects() {
    // Subscribed while loopback was open (by name and by literal), then the
    // operator closes it: the worker resolves, checks, and refuses.
    let s = start().await;
    let t = s.customer().await;
    let (url, calls) = counting_receiver(|| StatusCode::OK.into_response()).await;
    let by_name = url.replace("127.0.0.1", "localhost");
    for u in [&url, &by_name] {
        s.post("/api/v1/webhooks", &t, &json!({"url": u, "events": ["order.created"]})).await.ok();
    }
    s.post("/api/v1/outbound-orders", &t, &order("NET-2", json!([{"sku": "DEMO-0001", "quantity": 1}]))).await.ok();
    let closed = App::new(s.app.store().clone());
    attempt(&closed, 2).await;
    assert_eq!(*calls.lock().unwrap(), 0, "a refused address was connected to");
    let deliveries = s.get("/api/v1/webhooks/deliveries", &t).await;
    for d in deliveries.ok()["items"].as_array().unwrap() {
        assert_eq!(d["status"], "PENDING");
        let error = d["attempts"][0]["error"].as_str().unwrap_or_default();
        assert!(error.contains("loopback address"), "{d}");
    }
}
