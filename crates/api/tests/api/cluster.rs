//! Two nodes on one database (issue 20): what one node writes the other
//! serves, the rate limit is shared on PostgreSQL, `/health` and `/ready`
//! answer for a balancer, and a lost database is a retryable 503.

use haicang_store::Engine;
use serde_json::{Value, json};

use crate::harness::{Answer, start};
use crate::outbound::order;

async fn get_json(http: &reqwest::Client, url: &str, token: Option<&str>) -> Answer {
    let mut request = http.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status();
    let body: Value = response.json().await.expect("JSON");
    Answer { status, body }
}

#[tokio::test]
async fn an_order_made_on_one_node_is_read_and_cancelled_on_the_other() {
    let s = start().await;
    let b = s.another_node().await;
    let seller = s.customer().await;
    let made = s
        .post("/api/v1/outbound-orders", &seller, &order("TWO-NODES-1", json!([{"sku": "DEMO-0001", "quantity": 2}])))
        .await;
    let no = made.ok()["orderNo"].as_str().expect("an order number").to_owned();
    // The token issued by node A is good on node B: sessions live in the database.
    let read = get_json(&s.http, &format!("{}/api/v1/outbound-orders/{no}", b.base), Some(&seller)).await;
    assert_eq!(read.ok()["customerReference"], "TWO-NODES-1");
    let cancelled = s
        .http
        .post(format!("{}/api/v1/outbound-orders/{no}/cancel", b.base))
        .bearer_auth(&seller)
        .json(&json!({}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(cancelled.status().as_u16(), 200);
    let seen_on_a = s.get(&format!("/api/v1/outbound-orders/{no}"), &seller).await;
    assert_eq!(seen_on_a.ok()["status"], "CANCELLED");
}

#[tokio::test]
async fn the_rate_limit_is_shared_by_the_nodes_on_postgresql() {
    let s = start().await;
    let b = s.another_node().await;
    let seller = s.customer().await;
    s.app.set_app_policy("demo-app", 20, &[]).await.expect("a policy");
    let mut refused = 0;
    for n in 0..30 {
        let base = if n % 2 == 0 { &s.base } else { &b.base };
        let answer = get_json(&s.http, &format!("{base}/api/v1/products"), Some(&seller)).await;
        if answer.status.as_u16() == 429 {
            answer.err(10017, 429);
            refused += 1;
        }
    }
    match s.app.store().engine() {
        // 15 requests to each node at 20 a minute: shared, 10 are refused.
        Engine::Postgres => assert_eq!(refused, 10, "30 requests against one shared allowance of 20"),
        // A SQLite database serves one process; each node keeps its own
        // bucket (docs/DEPLOY.md: a cluster runs on PostgreSQL).
        Engine::Sqlite => assert_eq!(refused, 0, "each node allows its own 20"),
    }
}

#[tokio::test]
async fn health_and_readiness_answer_and_a_newer_schema_is_not_ready() {
    let s = start().await;
    let health = get_json(&s.http, &format!("{}/health", s.base), None).await;
    assert_eq!((health.status.as_u16(), health.body["status"].as_str()), (200, Some("ok")));
    let ready = get_json(&s.http, &format!("{}/ready", s.base), None).await;
    assert_eq!(ready.status.as_u16(), 200, "{}", ready.body);
    assert_eq!(ready.body["schema"].as_i64(), Some(s.app.store().latest_migration()));
    // A newer release migrated the database: this node must not serve it.
    let mut conn = s.app.store().read().await.expect("a connection");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99999, 'from a newer release', TRUE, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(&mut *conn)
    .await
    .expect("a row");
    drop(conn);
    let not_ready = get_json(&s.http, &format!("{}/ready", s.base), None).await;
    not_ready.err(10081, 503);
    assert!(not_ready.message().contains("99999"), "{}", not_ready.body);
    let refused = s.app.store().migrate().await.expect_err("an older node refuses a newer schema");
    assert!(refused.to_string().contains("newer than this release"), "{refused}");
}

#[tokio::test]
async fn a_lost_database_is_a_retryable_503_and_not_ready() {
    let s = start().await;
    let seller = s.customer().await;
    s.get("/api/v1/inventory", &seller).await.ok();
    // The pool is closed under the running server: every request now
    // meets a database it cannot reach.
    s.app.store().close().await;
    let response =
        s.http.get(format!("{}/api/v1/inventory", s.base)).bearer_auth(&seller).send().await.expect("an answer");
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["code"], 10080, "{body}");
    let zh = s
        .http
        .get(format!("{}/api/v1/inventory", s.base))
        .bearer_auth(&seller)
        .header("accept-language", "zh-CN")
        .send()
        .await
        .expect("an answer");
    let body: Value = zh.json().await.expect("JSON");
    assert!(body["message"].as_str().unwrap_or("").contains("数据库暂时不可用"), "{body}");
    let ready = get_json(&s.http, &format!("{}/ready", s.base), None).await;
    ready.err(10081, 503);
}
