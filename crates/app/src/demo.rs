//! Demo data for `serve --demo`: seeded only into an empty database.

use haicang_core::billing::{StorageTier, WeightBand};
use haicang_core::layout::{FRA01, LA01, Layout};
use haicang_core::location::layout_code;
use haicang_core::product::{ComponentDraft, DeclarationDraft, ProductDraft};
use haicang_store::party;
use haicang_store::warehouse::{self, NewLocation, NewWarehouse};

use crate::admin::IMPORT_CHUNK;
use crate::inventory::{AdjustmentCommand, AdjustmentLine};
use crate::{App, AppError, CustomerPrincipal, StaffPrincipal, StaffRole, WarehouseScope, now_ms};

pub const DEMO_CUSTOMER: &str = "DEMO";
pub const DEMO_APP_ID: &str = "demo-app";
pub const DEMO_APP_SECRET: &str = "demo-secret";
pub const DEMO_STAFF: &str = "admin";
pub const DEMO_STAFF_PASSWORD: &str = "admin";
/// JF dialect credentials of the demo seller: the JF document's own
/// example client id and secret, so its examples replay unchanged.
pub const DEMO_JF_CLIENT_ID: &str = "fe73489a9b5948dbafd07e7b28d6e268";
pub const DEMO_JF_CLIENT_SECRET: &str = "4a506ccaf37e400bac4a42d2dc5f600a";
/// The demo merchant (seller user) a JF ERP authorises as, and its
/// authorisation token (reusable, demo only).
pub const DEMO_JF_EMAIL: &str = "demo@haicang.test";
/// The seller portal's demo sign-in: `DEMO_JF_EMAIL` / this.
pub const DEMO_SELLER_PASSWORD: &str = "demo";
pub const DEMO_JF_TOKEN: &str = "haicang-demo-jf-authorization-token";
pub const DEMO_JF_DOMAIN: &str = "test";
/// JF's warehouse `YK` and channel `UPS` of the demo, and the SKU of its
/// webhook examples.
pub const DEMO_JF_WAREHOUSE: &str = "YK";
pub const DEMO_JF_CHANNEL: &str = "UPS";
pub const DEMO_JF_SKU: &str = "2309-1Bei";
/// Qianyi credentials of the demo seller (the document's appId) and the
/// warehouse name of its examples (an alias of US-LA01).
pub const DEMO_QIANYI_APP_ID: &str = "TEST";
pub const DEMO_QIANYI_APP_SECRET: &str = "haicang-demo-qianyi-secret";
pub const DEMO_QIANYI_WAREHOUSE: &str = "best warehouse(测试用)";
/// Suoen credentials of the demo seller, its warehouse code and SKU.
pub const DEMO_SUOEN_APP_ID: &str = "haicang-demo-suoen";
pub const DEMO_SUOEN_APP_SECRET: &str = "haicang-demo-suoen-secret";
pub const DEMO_SUOEN_WAREHOUSE: &str = "US01";
pub const DEMO_SUOEN_SKU: &str = "SUOEN-DEMO-SKU-1";
/// Winit credentials of the demo seller (the document's app_key and
/// client_id), its warehouse and the merchandise codes its six examples use.
pub const DEMO_WINIT_APP_KEYS: [&str; 2] = ["rebecca", "245002566@qq.com"];
pub const DEMO_WINIT_TOKEN: &str = "haicang-demo-winit-token";
pub const DEMO_WINIT_CLIENT_ID: &str = "ODJKMDU1YZCTYJQ5YY00ZWZLLTK5N2QTOWY4MZI5OGMWNDG2";
pub const DEMO_WINIT_CLIENT_SECRET: &str = "haicang-demo-winit-client-secret";
pub const DEMO_WINIT_WAREHOUSE: &str = "US0001";
pub const DEMO_WINIT_MERCHANDISE: [&str; 5] = ["iphoned6", "AA30108WM", "LCD-IP5c-02", "4BAR002A", "216401"];
/// Onixport's example warehouse, SKUs and serials (an alias of US-LA01;
/// SKU123456 is serial-managed with the two example serials in stock).
pub const DEMO_ONIXPORT_WAREHOUSE: &str = "W1";
pub const DEMO_ONIXPORT_SKUS: [&str; 2] = ["SKU123456", "SKU123457"];
pub const DEMO_ONIXPORT_SERIALS: [&str; 2] = ["SN001234567890", "SN001234567891"];

/// A floor operator of the demo (OPERATOR: scans, no decisions).
pub const DEMO_PICKER: &str = "picker";
pub const DEMO_PICKER_PASSWORD: &str = "picker";

/// The demo buildings' locations as the store creates them.
fn layout_locations(layout: &Layout) -> Vec<NewLocation> {
    layout
        .locations()
        .into_iter()
        .map(|l| NewLocation {
            code: l.code,
            zone: l.zone,
            aisle: l.aisle,
            bay: l.bay,
            level: l.level,
            location_type: l.kind.as_str().to_owned(),
            x_mm: l.x_mm,
            y_mm: l.y_mm,
            block: l.block,
            capacity_volume_cm3: l.capacity_volume_cm3,
            capacity_weight_g: l.capacity_weight_g,
            restriction: l.restriction.map(|r| r.as_str().to_owned()),
            single_sku: l.single_sku,
        })
        .collect()
}

const PRODUCT_NAMES: [(&str, &str, &str); 10] = [
    ("Phone case", "手机壳", "392690"),
    ("USB-C cable 1m", "USB-C 数据线", "854442"),
    ("Wireless earbuds", "无线耳机", "851830"),
    ("LED desk lamp", "LED 台灯", "940520"),
    ("Yoga mat", "瑜伽垫", "950691"),
    ("Water bottle 750ml", "水杯", "392410"),
    ("Kitchen scale", "厨房秤", "842310"),
    ("Pet brush", "宠物梳", "960329"),
    ("Car phone holder", "车载手机支架", "830249"),
    ("Silicone spatula", "硅胶铲", "392490"),
];

impl App {
    /// Seeds the demo data when the database has no customer yet; answers
    /// whether it did.
    pub async fn seed_demo(&self) -> Result<bool, AppError> {
        if party::count_customers(&mut *self.store.read().await?).await? > 0 {
            return Ok(false);
        }
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let la = warehouse::insert_warehouse(
            tx.conn(),
            NewWarehouse {
                code: "US-LA01",
                name: "Los Angeles 1",
                country: "US",
                timezone: "America/Los_Angeles",
                address: "1200 E Francis St, Ontario, CA 91761",
            },
            now,
        )
        .await?;
        let fra = warehouse::insert_warehouse(
            tx.conn(),
            NewWarehouse {
                code: "DE-FRA01",
                name: "Frankfurt 1",
                country: "DE",
                timezone: "Europe/Berlin",
                address: "Cargo City Süd, 60549 Frankfurt am Main",
            },
            now,
        )
        .await?;
        for (w, services) in [
            (
                la,
                [
                    ("USPS-GA", "USPS Ground Advantage", "USPS"),
                    ("UPS-GND", "UPS Ground", "UPS"),
                    ("FEDEX-HD", "FedEx Home Delivery", "FEDEX"),
                ],
            ),
            (
                fra,
                [
                    ("DHL-PAKET", "DHL Paket", "DHL"),
                    ("DPD-CLASSIC", "DPD Classic", "DPD"),
                    ("GLS-BP", "GLS BusinessParcel", "GLS"),
                ],
            ),
        ] {
            for (code, name, carrier) in services {
                warehouse::insert_shipping_service(tx.conn(), w, code, name, carrier, now).await?;
            }
        }
        tx.commit().await?;
        for (w, layout) in [(la, &LA01), (fra, &FRA01)] {
            for chunk in layout_locations(layout).chunks(IMPORT_CHUNK) {
                let mut tx = self.store.begin_write().await?;
                warehouse::upsert_locations(tx.conn(), w, chunk, now).await?;
                tx.commit().await?;
            }
        }

        let customer_id = self.create_customer(DEMO_CUSTOMER, "Demo Seller Ltd.").await?;
        for warehouse in ["US-LA01", "DE-FRA01"] {
            self.grant_warehouse(DEMO_CUSTOMER, warehouse).await?;
        }
        self.create_app(DEMO_CUSTOMER, "demo ERP", Some((DEMO_APP_ID, DEMO_APP_SECRET))).await?;
        let staff_id = self
            .create_staff_unchecked(
                &crate::audit::Actor::cli(),
                DEMO_STAFF,
                "Demo Admin",
                DEMO_STAFF_PASSWORD,
                "ADMIN",
                &[],
            )
            .await?;
        self.create_staff_unchecked(
            &crate::audit::Actor::cli(),
            DEMO_PICKER,
            "Demo Picker",
            DEMO_PICKER_PASSWORD,
            "OPERATOR",
            &[],
        )
        .await?;

        let customer = CustomerPrincipal {
            customer_id,
            customer_code: DEMO_CUSTOMER.into(),
            app_id: None,
            client_id: None,
            origin: Default::default(),
        };
        let mut drafts: Vec<ProductDraft> = (1..=50).map(demo_product).collect();
        for (i, code) in DEMO_WINIT_MERCHANDISE.iter().enumerate() {
            drafts.push(ProductDraft {
                sku: Some((*code).into()),
                name: Some(format!("Winit example merchandise {}", i + 1)),
                barcode: Some(format!("69000000009{}", 10 + i)),
                ..demo_product(8 + i as u32)
            });
        }
        drafts.push(ProductDraft {
            sku: Some(DEMO_SUOEN_SKU.into()),
            name: Some("Desk organiser".into()),
            barcode: Some("6900000000901".into()),
            ..demo_product(7)
        });
        drafts.push(ProductDraft {
            sku: Some(DEMO_JF_SKU.into()),
            name: Some("Ceramic mug 350ml".into()),
            barcode: Some("6900000002309".into()),
            ..demo_product(6)
        });
        for result in self.create_products(&customer, &drafts).await? {
            result?;
        }
        let staff = StaffPrincipal {
            staff_id,
            username: DEMO_STAFF.into(),
            role: StaffRole::Admin,
            warehouses: WarehouseScope::All,
            origin: Default::default(),
        };
        let mut lines: Vec<AdjustmentLine> = (1..=30)
            .map(|i| {
                let location = layout_code(if i % 2 == 0 { "A" } else { "C" }, 1 + (i % 5), 1 + (i % 30), 1);
                AdjustmentLine::units(format!("DEMO-{i:04}"), location, i64::from(10 * (1 + i % 7)))
            })
            .collect();
        lines.push(AdjustmentLine::units(DEMO_JF_SKU, layout_code("A", 2, 9, 1), 26));
        lines.push(AdjustmentLine::units(DEMO_SUOEN_SKU, layout_code("A", 2, 10, 1), 40));
        self.adjust(
            &staff,
            &AdjustmentCommand {
                warehouse_code: "US-LA01".into(),
                customer_code: DEMO_CUSTOMER.into(),
                reason: "demo opening stock".into(),
                lines,
            },
        )
        .await?;
        // A kit of stocked components, for assembly work orders.
        let kit = ProductDraft {
            sku: Some(DEMO_KIT.into()),
            name: Some("Starter kit (DEMO-0001 + 2 × DEMO-0002)".into()),
            barcode: Some("6900000000017".into()),
            product_type: Some("SUITE".into()),
            components: vec![
                ComponentDraft { sku: "DEMO-0001".into(), quantity: 1 },
                ComponentDraft { sku: "DEMO-0002".into(), quantity: 2 },
            ],
            length_cm: Some("25".into()),
            width_cm: Some("20".into()),
            height_cm: Some("8".into()),
            weight_kg: Some("0.60".into()),
            ..demo_product(1)
        };
        for result in self.create_products(&customer, &[kit]).await? {
            result?;
        }
        // Billing: DEMO pays by its own card and has money in its wallet.
        let rates = haicang_core::billing::Rates {
            inbound_per_box: 150,
            inbound_per_pallet: 1_200,
            inbound_per_unit: 5,
            putaway_per_unit: 3,
            outbound_per_order: 250,
            outbound_per_extra_unit: 40,
            outbound_weight_bands: vec![
                WeightBand { up_to_g: Some(500), surcharge: 0 },
                WeightBand { up_to_g: Some(2_000), surcharge: 100 },
                WeightBand { up_to_g: None, surcharge: 300 },
            ],
            pick_per_extra_line: 15,
            label_per_order: 10,
            storage_tiers: vec![
                StorageTier { from_day: 0, per_m3_day: 50 },
                StorageTier { from_day: 31, per_m3_day: 80 },
                StorageTier { from_day: 91, per_m3_day: 150 },
                StorageTier { from_day: 181, per_m3_day: 300 },
            ],
            return_per_unit_restocked: 100,
            return_per_unit_other: 60,
            work_order_per_unit: 35,
            transfer_per_order: 500,
            transfer_per_unit: 20,
        };
        let card = crate::billing::NewRateCard {
            code: "DEMO-USD",
            name: "Demo standard (USD)",
            currency: "USD",
            is_default: false,
            effective_from: "2020-01-01",
            rates: &rates,
        };
        self.create_rate_card(crate::billing::By::Staff(&staff), &card).await?;
        self.assign_rate_card(crate::billing::By::Staff(&staff), DEMO_CUSTOMER, "DEMO-USD").await?;
        self.top_up(&staff, DEMO_CUSTOMER, "USD", DEMO_WALLET_CENTS, "demo opening balance").await?;
        self.seed_demo_dialects().await?;
        self.seed_demo_onixport(&customer, &staff).await?;
        Ok(true)
    }

    /// Onixport's example stock: two SKUs, two serials, one returned unit.
    async fn seed_demo_onixport(&self, customer: &CustomerPrincipal, staff: &StaffPrincipal) -> Result<(), AppError> {
        let [serialised, plain] = DEMO_ONIXPORT_SKUS;
        let products = [
            ProductDraft {
                sku: Some(serialised.into()),
                name: Some("iPhone 15 Case".into()),
                barcode: Some(serialised.into()),
                serial_managed: true,
                ..demo_product(1)
            },
            ProductDraft {
                sku: Some(plain.into()),
                name: Some("iPhone 15 Pro Case".into()),
                barcode: Some(plain.into()),
                ..demo_product(1)
            },
        ];
        for result in self.create_products(customer, &products).await? {
            result?;
        }
        let mut serials = AdjustmentLine::units(serialised, layout_code("A", 3, 4, 1), 2);
        serials.serials = DEMO_ONIXPORT_SERIALS.iter().map(|s| (*s).to_owned()).collect();
        let lines = vec![serials, AdjustmentLine::units(plain, layout_code("A", 3, 5, 1), 900)];
        let opening = AdjustmentCommand {
            warehouse_code: "US-LA01".into(),
            customer_code: DEMO_CUSTOMER.into(),
            reason: "demo opening stock (Onixport examples)".into(),
            lines,
        };
        self.adjust(staff, &opening).await?;
        self.set_alias("ONIXPORT", "WAREHOUSE", DEMO_ONIXPORT_WAREHOUSE, "US-LA01").await?;
        // One unit came back and waits in RETURNED condition.
        let announce = crate::returns::AnnounceReturn {
            warehouse_code: "US-LA01".into(),
            customer_reference: "DEMO-RMA-1".into(),
            original_order_no: None,
            tracking_no: Some("1ZDEMORETURN01".into()),
            carrier: Some("UPS".into()),
            reason: Some("customer return".into()),
            items: vec![(plain.into(), 1)],
            return_address: None,
        };
        let rma = self.announce_return(customer, &announce).await?;
        self.arrive_return(staff, &rma.order_no, None, Some(1)).await?;
        let grade = crate::returns::GradeLine {
            sku: plain.into(),
            quantity: 1,
            condition: haicang_core::ledger::Condition::Returned,
            disposition: haicang_core::returns::Disposition::Quarantine,
            serial: None,
            note: None,
        };
        self.grade_return(staff, &rma.order_no, &[grade]).await?;
        Ok(())
    }

    /// The vendor dialects' demo credentials and codes (the documents'
    /// example values where they give one).
    async fn seed_demo_dialects(&self) -> Result<(), AppError> {
        self.create_app(DEMO_CUSTOMER, "JF WMS ERP", Some((DEMO_JF_CLIENT_ID, DEMO_JF_CLIENT_SECRET))).await?;
        self.create_seller_user(DEMO_CUSTOMER, DEMO_JF_EMAIL).await?;
        self.issue_seller_grant(DEMO_JF_EMAIL, true, Some(DEMO_JF_TOKEN)).await?;
        // The portal's demo owner: below the password policy, demo only.
        self.set_seller_password_unchecked(DEMO_JF_EMAIL, DEMO_SELLER_PASSWORD, "OWNER").await?;
        self.set_alias("JF", "WAREHOUSE", DEMO_JF_WAREHOUSE, "US-LA01").await?;
        self.set_alias("JF", "SHIPPING_SERVICE", DEMO_JF_CHANNEL, "UPS-GND").await?;
        self.create_app(DEMO_CUSTOMER, "Qianyi ERP", Some((DEMO_QIANYI_APP_ID, DEMO_QIANYI_APP_SECRET))).await?;
        self.set_alias("QIANYI", "WAREHOUSE", DEMO_QIANYI_WAREHOUSE, "US-LA01").await?;
        self.create_app(DEMO_CUSTOMER, "Suoen ERP", Some((DEMO_SUOEN_APP_ID, DEMO_SUOEN_APP_SECRET))).await?;
        self.set_alias("SUOEN", "WAREHOUSE", DEMO_SUOEN_WAREHOUSE, "US-LA01").await?;
        for app_key in DEMO_WINIT_APP_KEYS {
            self.create_app(DEMO_CUSTOMER, "Winit ERP", Some((app_key, DEMO_WINIT_TOKEN))).await?;
        }
        self.create_app(DEMO_CUSTOMER, "Winit client", Some((DEMO_WINIT_CLIENT_ID, DEMO_WINIT_CLIENT_SECRET))).await?;
        self.set_alias("WINIT", "WAREHOUSE", DEMO_WINIT_WAREHOUSE, "US-LA01").await?;
        Ok(())
    }
}

/// The demo kit (a SUITE of DEMO-0001 and two DEMO-0002).
pub const DEMO_KIT: &str = "DEMO-KIT-1";

/// The demo seller's opening wallet balance: 10,000.00 USD.
pub const DEMO_WALLET_CENTS: i64 = 1_000_000;

fn demo_product(i: u32) -> ProductDraft {
    let (name_en, name_zh, hs) = PRODUCT_NAMES[(i as usize - 1) % PRODUCT_NAMES.len()];
    let variant = (i - 1) / PRODUCT_NAMES.len() as u32 + 1;
    ProductDraft {
        sku: Some(format!("DEMO-{i:04}")),
        name: Some(format!("{name_en} v{variant}")),
        barcode: Some(format!("69{:011}", 12_345_000 + i)),
        length_cm: Some(format!("{}", 10 + i % 20)),
        width_cm: Some(format!("{}", 8 + i % 10)),
        height_cm: Some(format!("{}.5", 2 + i % 8)),
        weight_kg: Some(format!("0.{:02}", 10 + i)),
        declaration: Some(DeclarationDraft {
            name_en: Some(name_en.into()),
            name_zh: Some(name_zh.into()),
            hs_code: Some(hs.into()),
            origin_country: Some("CN".into()),
            value: Some(format!("{}.99", 3 + i % 20)),
            currency: Some("USD".into()),
            attribute: Some(if hs == "851830" { "BATTERY" } else { "GENERAL" }.into()),
        }),
        battery: hs == "851830",
        ..ProductDraft::default()
    }
}
