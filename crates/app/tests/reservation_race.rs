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
use haicang_store::testing::{TestDb, fresh_store};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_racers_never_oversell_the_last_hundred_units() {
    let (_db, app, customer) = demo_with(&[("RACE-1", 100)]).await;

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

/// Orders of two lines race for two SKUs, half of them listing the SKUs in
/// the other order (on PostgreSQL their stock rows are still locked in one
/// order, so nobody deadlocks). An order is taken whole or refused whole:
/// each SKU's reserved units are exactly what the accepted orders asked
/// for, and a refused order left no order, line or reservation behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_orders_of_two_lines_are_reserved_whole_or_not_at_all() {
    let (db, app, customer) = demo_with(&[("DUO-A", 60), ("DUO-B", 40)]).await;

    let mut handles = Vec::new();
    for i in 0..48i64 {
        let (app, customer) = (app.clone(), customer.clone());
        let (a, b) = (1 + i % 3, 1 + (i + 1) % 2);
        let mut items = vec![("DUO-A".to_owned(), a), ("DUO-B".to_owned(), b)];
        if i % 2 == 1 {
            items.reverse();
        }
        let cmd = order(&format!("DUO-{i}"), items);
        handles.push(tokio::spawn(async move { ((a, b), app.create_outbound(&customer, &cmd).await) }));
    }
    let (mut want_a, mut want_b, mut accepted, mut refused) = (0, 0, 0, 0);
    for h in handles {
        match h.await.unwrap() {
            ((a, b), Ok(created)) => {
                assert!(created.created);
                want_a += a;
                want_b += b;
                accepted += 1;
            }
            (_, Err(AppError::OutboundInsufficient { sku, requested, available })) => {
                assert!(sku == "DUO-A" || sku == "DUO-B", "{sku}");
                assert!(available < requested, "refused {requested} of {sku} while {available} were available");
                refused += 1;
            }
            (_, Err(other)) => panic!("an error other than insufficient stock escaped: {other:?}"),
        }
    }
    assert!(refused > 0 && accepted > 0, "{accepted} accepted, {refused} refused");
    let filter = StockFilter {
        warehouse_codes: vec!["US-LA01".into()],
        skus: vec!["DUO-A".into(), "DUO-B".into()],
        conditions: Vec::new(),
    };
    let page = app.inventory(&customer, &filter, haicang_app::page_request(None, None).unwrap()).await.unwrap();
    let reserved = |sku: &str| page.items.iter().find(|r| r.row.sku == sku).map(|r| r.row.reserved);
    assert_eq!(reserved("DUO-A"), Some(want_a), "DUO-A holds what the accepted orders asked for");
    assert_eq!(reserved("DUO-B"), Some(want_b), "DUO-B holds what the accepted orders asked for");
    // Nothing of a refused order was written: one order, two lines and
    // two reservations per accepted order, and no more.
    let mut conn = db.store.read().await.unwrap();
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let orders = count("SELECT COUNT(*) FROM outbound_order WHERE customer_reference LIKE 'DUO-%'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let lines = count(
        "SELECT COUNT(*) FROM outbound_line l JOIN outbound_order o ON o.outbound_order_id = l.outbound_order_id \
         WHERE o.customer_reference LIKE 'DUO-%'",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let reservations = count(
        "SELECT COUNT(*) FROM reservation r JOIN product p ON p.product_id = r.product_id WHERE p.sku LIKE 'DUO-%'",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!((orders, lines, reservations), (accepted, 2 * accepted, 2 * accepted));
}

/// An ERP that times out sends the same order again while the first is
/// still being written. The reference is looked up before the write
/// transaction, so sixteen copies sent at once all miss it: the unique key
/// lets one in, the others are retried and find it. One order, created
/// once; every copy answered with its number; its units reserved once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_order_sent_sixteen_times_at_once_is_created_once() {
    let (_db, app, customer) = demo_with(&[("AGAIN-1", 50)]).await;
    let cmd = order("AGAIN-ERP-1", vec![("AGAIN-1".to_owned(), 3)]);
    let mut handles = Vec::new();
    for _ in 0..16 {
        let (app, customer, cmd) = (app.clone(), customer.clone(), cmd.clone());
        handles.push(tokio::spawn(async move { app.create_outbound(&customer, &cmd).await }));
    }
    let mut numbers = std::collections::BTreeSet::new();
    let mut created = 0;
    for h in handles {
        let answer = h.await.unwrap().unwrap_or_else(|e| panic!("a copy was refused: {e:?}"));
        created += usize::from(answer.created);
        numbers.insert(answer.order_no);
    }
    assert_eq!((created, numbers.len()), (1, 1), "created once, one number for every copy: {numbers:?}");
    let filter =
        StockFilter { warehouse_codes: vec!["US-LA01".into()], skus: vec!["AGAIN-1".into()], conditions: Vec::new() };
    let page = app.inventory(&customer, &filter, haicang_app::page_request(None, None).unwrap()).await.unwrap();
    assert_eq!((page.items[0].row.on_hand, page.items[0].row.reserved), (50, 3), "its units reserved once");
}

/// Orders that queue while the write lock is held are written together:
/// on SQLite by one commit (PostgreSQL's first order may go alone, the
/// rest together). Ten units, eight orders of two: five are created, three
/// refused for stock, and a refused order leaves nothing behind while the
/// others of its batch commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orders_queued_together_are_written_together_and_a_refused_one_is_left_out_alone() {
    let (_db, app, customer) = demo_with(&[("BATCH-1", 10)]).await;
    let store = app.store().clone();
    let commits_before = store.group_commit_counts();
    // Every stock row held: the write lock on SQLite, the rows' locks on
    // PostgreSQL.
    let mut hold = store.begin_write().await.unwrap();
    sqlx::query("UPDATE stock_summary SET updated_at = updated_at").execute(hold.conn()).await.unwrap();
    let references: Vec<String> = (0..8).map(|i| format!("BATCH-ERP-{i}")).collect();
    let mut handles = Vec::new();
    for reference in &references {
        let (app, customer) = (app.clone(), customer.clone());
        let cmd = order(reference, vec![("BATCH-1".to_owned(), 2)]);
        handles.push(tokio::spawn(async move { app.create_outbound(&customer, &cmd).await }));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.orders_waiting() < 8 {
        assert!(std::time::Instant::now() < deadline, "only {} orders queued", app.orders_waiting());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    drop(hold);
    let (mut created, mut refused) = (std::collections::BTreeSet::new(), 0);
    for h in handles {
        match h.await.unwrap() {
            Ok(answer) => {
                assert!(answer.created);
                created.insert(answer.order_no);
            }
            Err(AppError::OutboundInsufficient { sku, requested, available }) => {
                assert_eq!((sku.as_str(), requested, available), ("BATCH-1", 2, 0));
                refused += 1;
            }
            Err(other) => panic!("neither created nor refused for stock: {other:?}"),
        }
    }
    assert_eq!((created.len(), refused), (5, 3), "five orders of two units fit ten: {created:?}");
    if let (Some((before, _)), Some((after, _))) = (commits_before, store.group_commit_counts()) {
        assert_eq!(after - before, 1, "the eight queued orders were written by one commit");
    }
    let filter = haicang_store::outbound::OutboundFilter { references: references.clone(), ..Default::default() };
    let page = app
        .list_outbound(
            haicang_app::Viewer::Customer(&customer),
            &filter,
            haicang_app::page_request(None, None).unwrap(),
        )
        .await
        .unwrap();
    let listed: std::collections::BTreeSet<String> = page.items.iter().map(|o| o.order_no.clone()).collect();
    assert_eq!(listed, created, "the created orders exist, the refused ones do not");
    for order_no in &created {
        let detail = app.outbound_detail(haicang_app::Viewer::Customer(&customer), order_no).await.unwrap();
        let units: Vec<i64> = detail.lines.iter().map(|l| l.quantity).collect();
        assert_eq!(units, vec![2], "{order_no} has its one line of two units");
    }
    let filter =
        StockFilter { warehouse_codes: vec!["US-LA01".into()], skus: vec!["BATCH-1".into()], conditions: Vec::new() };
    let page = app.inventory(&customer, &filter, haicang_app::page_request(None, None).unwrap()).await.unwrap();
    assert_eq!((page.items[0].row.on_hand, page.items[0].row.reserved), (10, 10), "the five orders' units reserved");
}

/// A demo database with these products of the demo seller, each stocked
/// with its units: the database (kept alive), the app and the seller.
async fn demo_with(products: &[(&str, i64)]) -> (TestDb, Arc<App>, CustomerPrincipal) {
    let db = fresh_store().await.unwrap();
    let app = Arc::new(App::new(db.store.clone()));
    assert!(app.seed_demo().await.unwrap());
    let staff = staff_of(&app).await;
    let customer = customer_of(&app).await;
    for (sku, units) in products {
        let draft = ProductDraft { sku: Some((*sku).into()), name: Some((*sku).into()), ..Default::default() };
        app.create_products(&customer, &[draft]).await.unwrap().pop().unwrap().unwrap();
        stock_up(&app, &staff, sku, *units).await;
    }
    (db, app, customer)
}

/// A parcel order from LA with these (SKU, units) lines.
fn order(reference: &str, items: Vec<(String, i64)>) -> haicang_app::outbound::CreateOutbound {
    haicang_app::outbound::CreateOutbound {
        warehouse_code: "US-LA01".into(),
        shipping_service_code: "USPS-GA".into(),
        customer_reference: reference.into(),
        platform: "SHOPIFY".into(),
        recipient: haicang_core::outbound::Recipient {
            name: "Jane Doe".into(),
            country: "US".into(),
            state: Some("CA".into()),
            city: "Los Angeles".into(),
            address_line1: "100 Main St".into(),
            postcode: "90012".into(),
            ..Default::default()
        },
        items,
        ..Default::default()
    }
}

async fn staff_of(app: &App) -> StaffPrincipal {
    let token = app.staff_login("admin", "admin", &Default::default()).await.unwrap().access_token;
    match app.authenticate(&token).await.unwrap() {
        Principal::Staff(s) => s,
        other => panic!("expected staff, got {other:?}"),
    }
}

async fn customer_of(app: &App) -> CustomerPrincipal {
    let token = app.issue_token("demo-app", "demo-secret", &Default::default()).await.unwrap().access_token;
    match app.authenticate(&token).await.unwrap() {
        Principal::Customer(c) => c,
        other => panic!("expected customer, got {other:?}"),
    }
}

async fn stock_up(app: &App, staff: &StaffPrincipal, sku: &str, units: i64) {
    app.adjust(
        staff,
        &AdjustmentCommand {
            warehouse_code: "US-LA01".into(),
            customer_code: "DEMO".into(),
            reason: "race stock".into(),
            lines: vec![AdjustmentLine {
                customer_code: None,
                sku: sku.into(),
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
