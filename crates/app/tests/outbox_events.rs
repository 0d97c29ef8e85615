//! Adjustments write `inventory.adjusted` events in their own transaction:
//! one per owner of the adjusted stock, none when the adjustment fails.

use haicang_app::inventory::{AdjustmentCommand, AdjustmentLine};
use haicang_app::{App, AppError, CustomerPrincipal, Principal};
use haicang_store::testing::fresh_store;

fn line(customer: Option<&str>, sku: &str, quantity: i64) -> AdjustmentLine {
    AdjustmentLine { customer_code: customer.map(String::from), ..AdjustmentLine::units(sku, "B-02-03-1", quantity) }
}

async fn customer(app: &App, app_id: &str, secret: &str) -> CustomerPrincipal {
    match app
        .authenticate(&app.issue_token(app_id, secret, &Default::default()).await.unwrap().access_token)
        .await
        .unwrap()
    {
        Principal::Customer(c) => c,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_adjustment_emits_one_event_per_owner_and_a_failed_one_none() {
    let db = fresh_store().await.unwrap();
    let app = App::new(db.store.clone());
    app.seed_demo().await.unwrap();
    app.create_customer("BETA", "Beta").await.unwrap();
    let creds = app.create_app("BETA", "erp", None).await.unwrap();
    let demo = customer(&app, "demo-app", "demo-secret").await;
    let beta = customer(&app, &creds.app_id, &creds.app_secret).await;
    let draft =
        haicang_core::product::ProductDraft { sku: Some("B-1".into()), name: Some("b".into()), ..Default::default() };
    app.create_products(&beta, &[draft]).await.unwrap().pop().unwrap().unwrap();
    let staff = match app
        .authenticate(&app.staff_login("admin", "admin", &Default::default()).await.unwrap().access_token)
        .await
        .unwrap()
    {
        Principal::Staff(s) => s,
        other => panic!("{other:?}"),
    };
    let demo_before = app.events(&demo, 0, 500).await.unwrap().len();

    let cmd = AdjustmentCommand {
        warehouse_code: "US-LA01".into(),
        customer_code: "DEMO".into(),
        reason: "cycle count".into(),
        lines: vec![line(None, "DEMO-0003", 2), line(Some("BETA"), "B-1", 5), line(None, "DEMO-0004", 1)],
    };
    let done = app.adjust(&staff, &cmd).await.unwrap();

    let demo_events = app.events(&demo, 0, 500).await.unwrap();
    assert_eq!(demo_events.len(), demo_before + 1);
    let event: serde_json::Value = serde_json::from_str(&demo_events.last().unwrap().payload).unwrap();
    assert_eq!(event["type"], "inventory.adjusted");
    assert_eq!(event["customerCode"], "DEMO");
    assert_eq!(event["warehouseCode"], "US-LA01");
    assert_eq!(event["data"]["documentNo"], done.document_no.as_str());
    let skus: Vec<&str> =
        event["data"]["lines"].as_array().unwrap().iter().map(|l| l["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, vec!["DEMO-0003", "DEMO-0004"]);

    let beta_events = app.events(&beta, 0, 500).await.unwrap();
    assert_eq!(beta_events.len(), 1);
    let event: serde_json::Value = serde_json::from_str(&beta_events[0].payload).unwrap();
    assert_eq!(event["customerCode"], "BETA");
    assert_eq!(event["data"]["lines"][0]["quantity"], 5);

    let failing = AdjustmentCommand { lines: vec![line(None, "DEMO-0003", 1), line(None, "DEMO-0005", -1000)], ..cmd };
    assert!(matches!(app.adjust(&staff, &failing).await, Err(AppError::InsufficientStock { .. })));
    assert_eq!(
        app.events(&demo, 0, 500).await.unwrap().len(),
        demo_before + 1,
        "a rolled-back adjustment emits nothing"
    );
}
