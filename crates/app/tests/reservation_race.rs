//! 64 tasks race to reserve the last 100 units of one SKU through the app
//! layer: exactly 100 units end up reserved, every other attempt gets the
//! documented insufficient-stock refusal, and no engine error (SQLITE_BUSY,
//! serialization failure) reaches a caller. Runs on the engine chosen by
//! `HAICANG_TEST_POSTGRES_URL`.

use std::sync::Arc;

use haicang_app::inventory::{AdjustmentCommand, AdjustmentLine};
use haicang_app::{App, AppError, CustomerPrincipal, Principal, StaffPrincipal};
use haicang_core::ledger::Condition;
use haicang_core::product::ProductDraft;
use haicang_store::stock::StockFilter;
use haicang_store::testing::fresh_store;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_racers_never_oversell_the_last_hundred_units() {
    let db = fresh_store().await.unwrap();
    let app = Arc::new(App::new(db.store.clone()));
    assert!(app.seed_demo().await.unwrap());
    let staff = match app
        .authenticate(&app.staff_login("admin", "admin", &Default::default()).await.unwrap().access_token)
        .await
        .unwrap()
    {
        Principal::Staff(s) => s,
        other => panic!("expected staff, got {other:?}"),
    };
    let customer = match app
        .authenticate(&app.issue_token("demo-app", "demo-secret", &Default::default()).await.unwrap().access_token)
        .await
        .unwrap()
    {
        Principal::Customer(c) => c,
        other => panic!("expected customer, got {other:?}"),
    };
    let draft = ProductDraft { sku: Some("RACE-1".into()), name: Some("Raced".into()), ..Default::default() };
    app.create_products(&customer, &[draft]).await.unwrap().pop().unwrap().unwrap();
    stock_up(&app, &staff, 100).await;

    // Each racer wants 1 to 4 units: 64 racers want about 160 in all.
    let mut handles = Vec::new();
    for i in 0..64i64 {
        let app = app.clone();
        let customer: CustomerPrincipal = customer.clone();
        handles.push(tokio::spawn(async move {
            let want = 1 + i % 4;
            (want, app.reserve(&customer, "US-LA01", "RACE-1", want, &format!("OB-RACE-{i}")).await)
        }));
    }
    let mut reserved = 0;
    let mut refused = 0;
    for h in handles {
        let (want, result) = h.await.unwrap();
        match result {
            Ok(_) => reserved += want,
            Err(AppError::InsufficientStock { sku, requested, available }) => {
                assert_eq!(sku, "RACE-1");
                assert_eq!(requested, want);
                assert!(available < want, "refused {want} while {available} were available");
                refused += 1;
            }
            Err(other) => panic!("an error other than insufficient stock escaped: {other:?}"),
        }
    }
    let filter =
        StockFilter { warehouse_codes: vec!["US-LA01".into()], skus: vec!["RACE-1".into()], conditions: Vec::new() };
    let page = app.inventory(&customer, &filter, haicang_app::page_request(None, None).unwrap()).await.unwrap();
    let row = &page.items[0];
    assert_eq!(row.row.on_hand, 100);
    assert_eq!(row.row.reserved, reserved, "the summary holds what the winners were promised");
    assert!((97..=100).contains(&reserved), "the racers must use up the stock, reserved {reserved}");
    assert!(refused > 0, "160 units were wanted from 100");
}

async fn stock_up(app: &App, staff: &StaffPrincipal, units: i64) {
    app.adjust(
        staff,
        &AdjustmentCommand {
            warehouse_code: "US-LA01".into(),
            customer_code: "DEMO".into(),
            reason: "race stock".into(),
            lines: vec![AdjustmentLine {
                customer_code: None,
                sku: "RACE-1".into(),
                location_code: "A-01-01-1".into(),
                quantity: units,
                condition: Condition::Good,
                lot_code: None,
                batch_no: None,
                production_date: None,
                expiry_date: None,
                serials: vec![],
                reason: None,
            }],
        },
    )
    .await
    .unwrap();
}
