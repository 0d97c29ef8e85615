//! The ledger writer against the in-memory model of `haicang_core`, on the
//! engine chosen by `HAICANG_TEST_POSTGRES_URL` (SQLite when unset).
//!
//! Random sequences of adjustments, moves, reservations, voids, posts and
//! transfers (posted to `@TRANSFER_TRANSIT` in one warehouse, received from
//! it in another) are applied to both; after every step the database must hold exactly the
//! model's balances, summaries and reservation states, refuse exactly what
//! the model refuses (changing nothing), and its movements must replay to
//! its balances.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use haicang_core::ledger::model::{BalanceKey, ItemKey, Ledger, Op, Pick, TransitKey};
use haicang_core::ledger::{Condition, Quantity, Summary, VirtualLocation};
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::testing::fresh_store;
use haicang_store::{Store, StoreError, party, product, warehouse};

const LOCATIONS: u32 = 3;
const LOTS: u32 = 2;
const CUSTOMERS: u32 = 2;
const SKUS: u32 = 2;
/// Locations of the second warehouse (model indices LOCATIONS..).
const FAR_LOCATIONS: u32 = 2;

/// Ids of the rows the model's small numbers stand for.
struct World {
    customers: Vec<i64>,
    /// Warehouse 1 (ops) and 2 (transfers arrive there).
    warehouses: [i64; 2],
    /// Locations of both warehouses: the model's location index.
    locations: Vec<Place>,
    /// [customer][sku] -> product id
    products: Vec<Vec<i64>>,
    /// [customer][sku][lot] -> lot id
    lots: Vec<Vec<Vec<i64>>>,
}

async fn build_world(store: &Store) -> World {
    let now = 1_700_000_000_000;
    let mut tx = store.begin_write().await.unwrap();
    let warehouse = warehouse::insert_warehouse(
        tx.conn(),
        warehouse::NewWarehouse { code: "T1", name: "Test", country: "US", timezone: "UTC", address: "" },
        now,
    )
    .await
    .unwrap();
    let new_locations: Vec<_> = (0..LOCATIONS)
        .map(|i| warehouse::NewLocation {
            code: format!("A-01-{i:02}-1"),
            zone: "A".into(),
            aisle: 1,
            bay: i64::from(i),
            level: 1,
            location_type: "STORAGE".into(),
            x_mm: 0,
            y_mm: 0,
            block: 0,
            capacity_volume_cm3: None,
            capacity_weight_g: None,
            restriction: None,
            single_sku: false,
        })
        .collect();
    warehouse::upsert_locations(tx.conn(), warehouse, &new_locations, now).await.unwrap();
    let mut locations = Vec::new();
    for l in &new_locations {
        let row = warehouse::find_location(tx.conn(), warehouse, &l.code).await.unwrap().unwrap();
        locations.push(Place { location_id: row.location_id, code: row.code });
    }
    let far = warehouse::insert_warehouse(
        tx.conn(),
        warehouse::NewWarehouse { code: "T2", name: "Far", country: "DE", timezone: "UTC", address: "" },
        now,
    )
    .await
    .unwrap();
    let far_locations: Vec<_> = (0..FAR_LOCATIONS)
        .map(|i| warehouse::NewLocation {
            code: format!("B-01-{i:02}-1"),
            zone: "B".into(),
            ..new_locations[0].clone()
        })
        .collect();
    warehouse::upsert_locations(tx.conn(), far, &far_locations, now).await.unwrap();
    for l in &far_locations {
        let row = warehouse::find_location(tx.conn(), far, &l.code).await.unwrap().unwrap();
        locations.push(Place { location_id: row.location_id, code: row.code });
    }
    let mut customers = Vec::new();
    let mut products = Vec::new();
    let mut lots = Vec::new();
    for c in 0..CUSTOMERS {
        let customer = party::insert_customer(tx.conn(), &format!("C{c}"), "Customer", now).await.unwrap();
        customers.push(customer);
        let mut skus = Vec::new();
        let mut sku_lots = Vec::new();
        for s in 0..SKUS {
            let spec = haicang_core::product::ProductDraft {
                sku: Some(format!("SKU-{s}")),
                name: Some("Product".into()),
                ..Default::default()
            }
            .validate()
            .unwrap();
            let id = product::insert_product(tx.conn(), customer, &spec, &[], now).await.unwrap();
            let mut ids = Vec::new();
            for lot in 0..LOTS {
                ids.push(
                    stock::ensure_lot(&mut tx, customer, id, &format!("L{lot}"), now, None, None, None).await.unwrap(),
                );
            }
            skus.push(id);
            sku_lots.push(ids);
        }
        products.push(skus);
        lots.push(sku_lots);
    }
    tx.commit().await.unwrap();
    World { customers, warehouses: [warehouse, far], locations, products, lots }
}

impl World {
    fn item(&self, key: ItemKey) -> Item {
        Item {
            customer_id: self.customers[key.customer as usize],
            warehouse_id: self.warehouses[key.warehouse as usize - 1],
            product_id: self.products[key.customer as usize][key.sku as usize],
            condition: key.condition,
        }
    }

    fn lot(&self, key: ItemKey, lot: u32) -> i64 {
        self.lots[key.customer as usize][key.sku as usize][lot as usize]
    }
}

fn doc(n: usize) -> DocumentRef {
    DocumentRef {
        document_type: "TEST".into(),
        document_no: format!("T{n}"),
        line: 1,
        operator: "proptest".into(),
        reason: None,
    }
}

/// Applies one model operation through the ledger writer, in one transaction.
/// `Ok(None)` when the operation is malformed for the model (it refuses it
/// too), so nothing reaches the database.
async fn apply(
    store: &Store,
    world: &World,
    reservations: &mut Vec<i64>,
    op: &Op,
    step: usize,
) -> Result<Option<()>, StoreError> {
    let now = 1_700_000_000_000 + step as i64;
    let d = doc(step);
    let mut tx = store.begin_write().await?;
    match op {
        Op::Adjust { item, location, lot, delta } => {
            let Some(q) = Quantity::new(delta.abs()) else { return Ok(None) };
            let place = &world.locations[*location as usize];
            let (i, lot_id) = (world.item(*item), world.lot(*item, *lot));
            if *delta > 0 {
                stock::receive(&mut tx, i, VirtualLocation::Adjustment, place, lot_id, q, &d, now).await?;
            } else {
                stock::issue(&mut tx, i, place, VirtualLocation::Adjustment, lot_id, q, &d, now).await?;
            }
        }
        Op::Move { item, lot, from, to, quantity } => {
            let Some(q) = Quantity::new(*quantity) else { return Ok(None) };
            let (i, lot_id) = (world.item(*item), world.lot(*item, *lot));
            let (from, to) = (&world.locations[*from as usize], &world.locations[*to as usize]);
            stock::move_units(&mut tx, i, from, to, lot_id, q, &d, now).await?;
        }
        Op::Convert { item, location, lot, to, quantity } => {
            let Some(q) = Quantity::new(*quantity) else { return Ok(None) };
            let place = &world.locations[*location as usize];
            let (old, lot_id) = (world.item(*item), world.lot(*item, *lot));
            let new = Item { condition: *to, ..old };
            stock::issue(&mut tx, old, place, VirtualLocation::Conversion, lot_id, q, &d, now).await?;
            stock::receive(&mut tx, new, VirtualLocation::Conversion, place, lot_id, q, &d, now).await?;
        }
        Op::Reserve { item, quantity } => {
            let Some(q) = Quantity::new(*quantity) else { return Ok(None) };
            let id = stock::reserve(&mut tx, world.item(*item), q, &d, now).await?;
            tx.commit().await?;
            reservations.push(id);
            return Ok(Some(()));
        }
        Op::Void { reservation } => {
            let Some(id) = reservations.get(*reservation) else { return Ok(None) };
            stock::void(&mut tx, *id, now).await?;
        }
        Op::Post { reservation, picks } | Op::Dispatch { reservation, picks } => {
            let Some(id) = reservations.get(*reservation) else { return Ok(None) };
            // Lot ids depend on the reservation's customer and product.
            let item: (i64, i64) =
                sqlx::query_as("SELECT customer_id, product_id FROM reservation WHERE reservation_id = $1")
                    .bind(*id)
                    .fetch_one(tx.conn())
                    .await?;
            let c = world.customers.iter().position(|x| *x == item.0).unwrap();
            let s = world.products[c].iter().position(|x| *x == item.1).unwrap();
            let mut store_picks = Vec::new();
            for p in picks {
                let Some(q) = Quantity::new(p.quantity) else { return Ok(None) };
                store_picks.push(stock::Pick {
                    place: world.locations[p.location as usize].clone(),
                    lot_id: world.lots[c][s][p.lot as usize],
                    quantity: q,
                });
            }
            let target = match op {
                Op::Dispatch { .. } => VirtualLocation::TransferTransit,
                _ => VirtualLocation::CustomerShipped,
            };
            stock::post_to(&mut tx, *id, &store_picks, target, &d, now).await?;
        }
        Op::Arrive { item, location, lot, quantity } => {
            let Some(q) = Quantity::new(*quantity) else { return Ok(None) };
            let (i, lot_id) = (world.item(*item), world.lot(*item, *lot));
            // What the road carries of this product, condition and lot, by
            // the movements (the transfer flow receives what was shipped).
            let carried: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(CASE WHEN target = '@TRANSFER_TRANSIT' THEN quantity ELSE -quantity END), 0) \
                 AS BIGINT) FROM stock_movement WHERE product_id = $1 AND lot_id = $2 AND condition = $3 \
                 AND '@TRANSFER_TRANSIT' IN (source, target)",
            )
            .bind(i.product_id)
            .bind(lot_id)
            .bind(i.condition.as_str())
            .fetch_one(tx.conn())
            .await?;
            if carried < q.get() {
                return Ok(None);
            }
            let place = &world.locations[*location as usize];
            stock::receive(&mut tx, i, VirtualLocation::TransferTransit, place, lot_id, q, &d, now).await?;
        }
    }
    tx.commit().await?;
    Ok(Some(()))
}

/// customer, warehouse, product, condition, lot, source, target, quantity.
type MovementRow = (i64, i64, i64, String, i64, String, String, i64);

#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    balances: BTreeMap<BalanceKey, i64>,
    summaries: BTreeMap<ItemKey, Summary>,
    reservations: Vec<String>,
    replayed: BTreeMap<BalanceKey, i64>,
    /// Units on the road between the warehouses, by the movements.
    transit: BTreeMap<TransitKey, i64>,
}

async fn snapshot(store: &Store, world: &World) -> Snapshot {
    let mut conn = store.read().await.unwrap();
    let key_of = |customer_id: i64, warehouse_id: i64, product_id: i64, condition: &str| -> ItemKey {
        let c = world.customers.iter().position(|x| *x == customer_id).unwrap();
        let s = world.products[c].iter().position(|x| *x == product_id).unwrap();
        let w = world.warehouses.iter().position(|x| *x == warehouse_id).unwrap() as u32 + 1;
        ItemKey { customer: c as u32, warehouse: w, sku: s as u32, condition: Condition::parse(condition).unwrap() }
    };
    let location_of = |code: &str| world.locations.iter().position(|p| p.code == code).map(|i| i as u32);
    let lot_of = |key: ItemKey, lot_id: i64| {
        world.lots[key.customer as usize][key.sku as usize].iter().position(|x| *x == lot_id).unwrap() as u32
    };
    let rows: Vec<(i64, i64, i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT b.customer_id, b.warehouse_id, b.product_id, b.condition, l.code, b.lot_id, b.quantity \
         FROM stock_balance b JOIN location l ON l.location_id = b.location_id WHERE b.quantity <> 0",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut balances = BTreeMap::new();
    for (c, w, p, cond, code, lot, q) in rows {
        let item = key_of(c, w, p, &cond);
        balances.insert(BalanceKey { item, location: location_of(&code).unwrap(), lot: lot_of(item, lot) }, q);
    }
    let rows: Vec<(i64, i64, i64, String, i64, i64)> =
        sqlx::query_as("SELECT customer_id, warehouse_id, product_id, condition, on_hand, reserved FROM stock_summary")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let summaries = rows
        .into_iter()
        .map(|(c, w, p, cond, on_hand, reserved)| (key_of(c, w, p, &cond), Summary { on_hand, reserved }))
        .filter(|(_, s)| *s != Summary::default())
        .collect();
    let reservations: Vec<String> = sqlx::query_scalar("SELECT status FROM reservation ORDER BY reservation_id")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let rows: Vec<MovementRow> = sqlx::query_as(
        "SELECT customer_id, warehouse_id, product_id, condition, lot_id, source, target, quantity FROM stock_movement",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut replayed: BTreeMap<BalanceKey, i64> = BTreeMap::new();
    let mut transit: BTreeMap<TransitKey, i64> = BTreeMap::new();
    for (c, w, p, cond, lot, source, target, q) in rows {
        let item = key_of(c, w, p, &cond);
        let lot = lot_of(item, lot);
        let road = (item.customer, item.sku, item.condition, lot);
        if target == "@TRANSFER_TRANSIT" {
            *transit.entry(road).or_default() += q;
        }
        if source == "@TRANSFER_TRANSIT" {
            *transit.entry(road).or_default() -= q;
        }
        if let Some(location) = location_of(&source) {
            *replayed.entry(BalanceKey { item, location, lot }).or_default() -= q;
        }
        if let Some(location) = location_of(&target) {
            *replayed.entry(BalanceKey { item, location, lot }).or_default() += q;
        }
    }
    replayed.retain(|_, v| *v != 0);
    transit.retain(|_, v| *v != 0);
    Snapshot { balances, summaries, reservations, replayed, transit }
}

fn model_snapshot(ledger: &Ledger) -> (BTreeMap<BalanceKey, i64>, BTreeMap<ItemKey, Summary>, Vec<String>) {
    let balances = ledger.balances.iter().filter(|(_, v)| **v != 0).map(|(k, v)| (*k, *v)).collect();
    let summaries = ledger.summaries.iter().filter(|(_, s)| **s != Summary::default()).map(|(k, s)| (*k, *s)).collect();
    let reservations = ledger.reservations.iter().map(|(_, r)| r.status.as_str().to_owned()).collect();
    (balances, summaries, reservations)
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let item = (0..CUSTOMERS, 0..SKUS, prop_oneof![3 => Just(Condition::Good), 1 => Just(Condition::Defective)])
        .prop_map(|(customer, sku, condition)| ItemKey { customer, warehouse: 1, sku, condition });
    prop_oneof![
        3 => (item.clone(), 0..LOCATIONS, 0..LOTS, -25i64..40)
            .prop_map(|(item, location, lot, delta)| Op::Adjust { item, location, lot, delta }),
        2 => (item.clone(), 0..LOTS, 0..LOCATIONS, 0..LOCATIONS, 1i64..25)
            .prop_map(|(item, lot, from, to, quantity)| Op::Move { item, lot, from, to, quantity }),
        2 => (item.clone(), 0..LOCATIONS, 0..LOTS, 1i64..20).prop_map(|(item, location, lot, quantity)| {
            let to = if item.condition == Condition::Good { Condition::Defective } else { Condition::Good };
            Op::Convert { item, location, lot, to, quantity }
        }),
        3 => (item, 1i64..30).prop_map(|(item, quantity)| Op::Reserve { item, quantity }),
        1 => (0usize..10).prop_map(|reservation| Op::Void { reservation }),
        2 => (0usize..10, proptest::collection::vec((0..LOCATIONS, 0..LOTS, 1i64..15), 0..3)).prop_map(
            |(reservation, picks)| Op::Post {
                reservation,
                picks: picks.into_iter().map(|(location, lot, quantity)| Pick { location, lot, quantity }).collect(),
            }
        ),
        2 => (0usize..10, proptest::collection::vec((0..LOCATIONS, 0..LOTS, 1i64..15), 0..3)).prop_map(
            |(reservation, picks)| Op::Dispatch {
                reservation,
                picks: picks.into_iter().map(|(location, lot, quantity)| Pick { location, lot, quantity }).collect(),
            }
        ),
        2 => (0..CUSTOMERS, 0..SKUS, LOCATIONS..LOCATIONS + FAR_LOCATIONS, 0..LOTS, 1i64..12).prop_map(
            |(customer, sku, location, lot, quantity)| Op::Arrive {
                item: ItemKey { customer, warehouse: 2, sku, condition: Condition::Good },
                location,
                lot,
                quantity,
            }
        ),
    ]
}

#[test]
fn the_store_follows_the_model_through_random_sequences() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cases = std::env::var("HAICANG_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(16);
    let mut runner = TestRunner::new(Config { cases, ..Config::default() });
    let strategy = proptest::collection::vec(op_strategy(), 1..40);
    let result = runner.run(&strategy, |ops| {
        rt.block_on(async {
            let db = fresh_store().await.unwrap();
            let world = build_world(&db.store).await;
            let mut model = Ledger::default();
            let mut reservations = Vec::new();
            for (step, op) in ops.iter().enumerate() {
                let before = snapshot(&db.store, &world).await;
                let model_result = model.apply(op);
                let store_result = apply(&db.store, &world, &mut reservations, op, step).await;
                match (&model_result, &store_result) {
                    (Ok(()), Ok(Some(()))) => {}
                    (Err(_), Ok(None)) => {}
                    (Err(_), Err(StoreError::Ledger(_))) => {
                        let after = snapshot(&db.store, &world).await;
                        prop_assert_eq!(&before, &after, "a refused {:?} changed the database", op);
                    }
                    _ => {
                        return Err(TestCaseError::fail(format!(
                            "step {step} {op:?}: model {model_result:?}, store {store_result:?}"
                        )));
                    }
                }
                model.check_invariants().map_err(TestCaseError::fail)?;
                let snap = snapshot(&db.store, &world).await;
                let (balances, summaries, statuses) = model_snapshot(&model);
                prop_assert_eq!(&snap.balances, &balances, "balances after step {} {:?}", step, op);
                prop_assert_eq!(&snap.summaries, &summaries, "summaries after step {} {:?}", step, op);
                prop_assert_eq!(&snap.reservations, &statuses, "reservations after step {} {:?}", step, op);
                prop_assert_eq!(&snap.replayed, &snap.balances, "replayed movements after step {} {:?}", step, op);
                let road: BTreeMap<TransitKey, i64> =
                    model.transit.iter().filter(|(_, v)| **v != 0).map(|(k, v)| (*k, *v)).collect();
                prop_assert_eq!(&snap.transit, &road, "units in transit after step {} {:?}", step, op);
            }
            db.store.close().await;
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
