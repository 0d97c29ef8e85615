use crate::harness::start;

#[tokio::test]
async fn each_warehouse_lists_its_three_shipping_services() {
    let s = start().await;
    let t = s.customer().await;
    let la = s.get("/api/v1/warehouses", &t).await;
    let la = la.ok()["items"].as_array().unwrap().iter().find(|w| w["code"] == "US-LA01").unwrap().clone();
    assert_eq!(la["timezone"], "America/Los_Angeles");
    assert_eq!(la["country"], "US");
    for (code, carrier) in [("US-LA01", "USPS"), ("DE-FRA01", "DHL")] {
        let a = s.get(&format!("/api/v1/warehouses/{code}/shipping-services"), &t).await;
        let items = a.ok()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(items.iter().any(|i| i["carrier"] == carrier));
    }
    let a = s.get("/api/v1/warehouses/XX-NONE/shipping-services", &t).await;
    a.err(10051, 404);
    assert!(a.message().contains("XX-NONE"));
}

#[tokio::test]
async fn the_demo_layout_has_zones_aisles_and_thousands_of_located_bins() {
    let s = start().await;
    let staff = s.staff().await;
    let all = s.get("/api/v1/ops/locations?warehouseCode=US-LA01&pageSize=200", &staff).await;
    assert!(all.ok()["total"].as_i64().unwrap() >= 3000);
    let storage = s.get("/api/v1/ops/locations?warehouseCode=US-LA01&type=STORAGE&pageSize=200&page=2", &staff).await;
    let items = storage.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 200);
    assert!(items.iter().all(|l| l["type"] == "STORAGE" && l["warehouseCode"] == "US-LA01"));
    for zone in ["A", "B", "C", "D"] {
        let a = s.get(&format!("/api/v1/ops/locations?warehouseCode=US-LA01&zone={zone}&pageSize=1"), &staff).await;
        assert_eq!(a.ok()["total"], 750, "zone {zone}: 5 aisles x 30 bays x 5 levels");
    }
    let a = s.get("/api/v1/ops/locations?warehouseCode=US-LA01&codePrefix=C-03-&pageSize=200", &staff).await;
    let items = a.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 150);
    assert!(items.iter().all(|l| l["code"].as_str().unwrap().starts_with("C-03-") && l["type"] == "PICK_FACE"));
    assert!(items.iter().any(|l| l["xMm"].as_i64().unwrap() > 0 && l["yMm"].as_i64().unwrap() > 0));
    s.get("/api/v1/ops/locations?type=SHELF", &staff).await.err(10031, 400);
}
