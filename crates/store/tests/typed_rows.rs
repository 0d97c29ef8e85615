//! Status, type and condition columns hold only values the code knows:
//! the database refuses anything else (CHECK constraints, triggers on
//! SQLite), and a value that got in anyway is a loud decode error, never
//! silently read as some default.

use haicang_core::location::LocationType;
use haicang_store::Engine;
use haicang_store::testing::fresh_store;
use haicang_store::warehouse::{self, LocationFilter, NewLocation, NewWarehouse};
use haicang_store::{PageRequest, StoreError};

#[tokio::test]
async fn an_unknown_location_type_is_refused_and_never_read_as_a_default() {
    let db = fresh_store().await.unwrap();
    let store = &db.store;
    let mut tx = store.begin_write().await.unwrap();
    let w = warehouse::insert_warehouse(
        tx.conn(),
        NewWarehouse { code: "T-1", name: "t", country: "US", timezone: "UTC", address: "x" },
        1,
    )
    .await
    .unwrap();
    let location = NewLocation {
        code: "A-01-01-1".into(),
        zone: "A".into(),
        aisle: 1,
        bay: 1,
        level: 1,
        location_type: "STORAGE".into(),
        x_mm: 0,
        y_mm: 0,
        block: 0,
        capacity_volume_cm3: None,
        capacity_weight_g: None,
        restriction: None,
        single_sku: false,
    };
    warehouse::upsert_locations(tx.conn(), w, std::slice::from_ref(&location), 1).await.unwrap();
    tx.commit().await.unwrap();

    // Writing an unknown type is refused, by insert and by update.
    let mut tx = store.begin_write().await.unwrap();
    let shelf = NewLocation { code: "A-01-02-1".into(), location_type: "SHELF".into(), ..location };
    assert!(warehouse::upsert_locations(tx.conn(), w, &[shelf], 1).await.is_err());
    drop(tx);
    let mut tx = store.begin_write().await.unwrap();
    let update = sqlx::query("UPDATE location SET location_type = 'SHELF'").execute(tx.conn()).await;
    assert!(update.is_err(), "the database took an unknown location type");
    drop(tx);

    let page = PageRequest { page: 1, page_size: 10 };
    let rows =
        warehouse::list_locations(&mut store.read().await.unwrap(), None, &LocationFilter::default(), page).await;
    assert_eq!(rows.unwrap().0[0].location_type, LocationType::Storage);

    // Past the guard (a hand edit, a newer release's value): reading fails
    // loudly instead of guessing.
    let mut tx = store.begin_write().await.unwrap();
    let unguard = match store.engine() {
        Engine::Sqlite => "DROP TRIGGER location_location_type_check_update",
        Engine::Postgres => "ALTER TABLE location DROP CONSTRAINT location_location_type_check",
    };
    sqlx::query(unguard).execute(tx.conn()).await.unwrap();
    sqlx::query("UPDATE location SET location_type = 'SHELF'").execute(tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
    let read =
        warehouse::list_locations(&mut store.read().await.unwrap(), None, &LocationFilter::default(), page).await;
    match read {
        Err(StoreError::Database(e)) => assert!(e.to_string().contains("location_type"), "{e}"),
        other => panic!("an unknown stored type was read as {other:?}"),
    }
}
