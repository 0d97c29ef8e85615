//! An example body per operation that takes one, with the demo data of
//! `serve --demo` (so that an integrator can paste it and get an answer).
//! `scripts/fuzz-api` checks each against its schema, and schemathesis
//! sends them in its examples phase.

use serde_json::{Value, json};

/// `operationId → example request body`.
pub fn request_examples() -> Vec<(&'static str, Value)> {
    let recipient = json!({"name": "Jane Doe", "phone": "+1 213 555 0100", "country": "US", "state": "CA",
        "city": "Los Angeles", "addressLine1": "100 Main St", "postcode": "90012"});
    let fba = json!({"name": "Amazon.com Services LLC (ONT8)", "country": "US", "state": "CA",
        "city": "Moreno Valley", "addressLine1": "24300 Nandina Ave", "postcode": "92551"});
    vec![
        (
            "createTransferOrder",
            json!({"fromWarehouseCode": "US-LA01", "toWarehouseCode": "DE-FRA01",
                "customerReference": "TF-20261130-01", "items": [{"sku": "DEMO-0003", "quantity": 2}]}),
        ),
        (
            "sealCartons",
            json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "locationCode": "A-01-02-1",
                   "sku": "DEMO-0001", "unitsPerBox": 5, "cartons": 2}),
        ),
        ("moveCarton", json!({"toLocationCode": "A-01-03-1"})),
        ("cancelTransferOrder", json!({"reason": "stock needed here"})),
        (
            "createB2bOutboundOrder",
            json!({"warehouseCode": "US-LA01", "customerReference": "FBA-20261130-01",
                "destination": {"type": "MARKETPLACE", "platform": "AMAZON_FBA", "shipmentId": "FBA15ABCD123",
                    "address": fba},
                "boxes": [{"sku": "DEMO-0004", "unitsPerBox": 10, "boxes": 2}]}),
        ),
        ("cancelB2bOutboundOrder", json!({"reason": "shipment closed by the marketplace"})),
        ("issueToken", json!({"appId": "demo-app", "appSecret": "demo-secret"})),
        ("refreshToken", json!({"refreshToken": "rt_0123456789abcdef"})),
        ("staffLogin", json!({"username": "admin", "password": "admin"})),
        (
            "createInboundOrder",
            json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": "ASN-20261130-01",
                "expectedArrival": "2026-12-08", "carrier": "UPS", "trackingNo": "1Z999AA10123456784",
                "boxes": [{"boxNo": "1", "lengthCm": 40, "widthCm": 30, "heightCm": 30, "weightKg": 8.5,
                    "items": [{"sku": "DEMO-0001", "quantity": 24}, {"sku": "DEMO-0002", "quantity": 12}]}]}),
        ),
        ("cancelInboundOrder", json!({"reason": "shipment delayed"})),
        ("updateInboundOrderTracking", json!({"carrier": "UPS", "trackingNo": "1Z999AA10123456784"})),
        ("arriveInboundOrder", json!({"warehouseCode": "US-LA01"})),
        (
            "receiveInboundBox",
            json!({"boxNo": "1", "lines": [{"sku": "DEMO-0001", "good": 23, "defective": 1},
                                           {"sku": "DEMO-0002", "good": 12}]}),
        ),
        (
            "confirmPutaway",
            json!({"inboundOrderNo": "IB2611300001",
                "lines": [{"sku": "DEMO-0001", "lotNo": "L261130", "locationCode": "A-01-02-1", "quantity": 23}]}),
        ),
        (
            "createAdjustment",
            json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "cycle count",
                "lines": [{"sku": "DEMO-0001", "locationCode": "A-01-02-1", "quantity": -1}]}),
        ),
        (
            "moveStock",
            json!({"warehouseCode": "US-LA01", "reason": "consolidate aisle 1",
                "lines": [{"sku": "DEMO-0001", "fromLocationCode": "C-02-02-1", "toLocationCode": "A-01-05-1",
                           "quantity": 2}]}),
        ),
        (
            "convertStock",
            json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "regraded after repair",
                "lines": [{"sku": "DEMO-0001", "locationCode": "C-02-02-1", "fromCondition": "GOOD",
                           "toCondition": "REFURBISHED", "quantity": 1}]}),
        ),
        (
            "setReplenishmentRules",
            json!({"warehouseCode": "US-LA01", "rules": [{"locationCode": "C-02-02-1", "sku": "DEMO-0001",
                   "customerCode": "DEMO", "min": 5, "max": 40}]}),
        ),
        ("planReplenishment", json!({"warehouseCode": "US-LA01"})),
        ("confirmReplenishment", json!({"warehouseCode": "US-LA01"})),
        (
            "createCountPlan",
            json!({"warehouseCode": "US-LA01", "scope": {"zone": "A", "aisles": [1]}, "blind": true,
                   "recountThreshold": 2}),
        ),
        ("enterCount", json!({"lines": [{"sku": "DEMO-0002", "quantity": 29}]})),
        (
            "createReturnOrder",
            json!({"warehouseCode": "US-LA01", "customerReference": "RMA-20261130-7", "originalOrderNo": "OB2611300001",
                "trackingNo": "1Z999AA10123456799", "carrier": "UPS", "reason": "wrong size",
                "items": [{"sku": "DEMO-0001", "quantity": 1}],
                "returnAddress": {"name": "Demo Trading Ltd", "phone": "+86 755 5555 0100", "country": "CN",
                    "city": "Shenzhen", "addressLine1": "1 Keji Road, Nanshan", "postcode": "518057"}}),
        ),
        (
            "registerReturnOrder",
            json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "trackingNo": "9400100000000000000123",
                "reason": "no RMA in the parcel"}),
        ),
        ("arriveReturnOrder", json!({"warehouseCode": "US-LA01", "units": 3})),
        (
            "gradeReturnOrder",
            json!({"lines": [
                {"sku": "DEMO-0001", "quantity": 2, "condition": "GOOD", "disposition": "RESTOCK"},
                {"sku": "DEMO-0001", "quantity": 1, "condition": "DEFECTIVE", "disposition": "QUARANTINE",
                 "note": "cracked lid"}]}),
        ),
        (
            "createRateCard",
            json!({"code": "STANDARD-USD", "name": "Standard US", "currency": "USD", "isDefault": true,
                "effectiveFrom": "2026-12-01", "rates": {"inboundPerBox": 150, "inboundPerUnit": 5,
                    "putawayPerUnit": 3, "outboundPerOrder": 250, "outboundPerExtraUnit": 40,
                    "outboundWeightBands": [{"upToG": 500, "surcharge": 0}, {"upToG": 2000, "surcharge": 100},
                                            {"surcharge": 300}],
                    "pickPerExtraLine": 15, "labelPerOrder": 10,
                    "storageTiers": [{"fromDay": 0, "perM3Day": 50}, {"fromDay": 31, "perM3Day": 80},
                                     {"fromDay": 91, "perM3Day": 150}],
                    "returnPerUnitRestocked": 100, "returnPerUnitOther": 60}}),
        ),
        (
            "addRateCardVersion",
            json!({"effectiveFrom": "2027-01-01", "rates": {"outboundPerOrder": 275, "outboundPerExtraUnit": 40,
                "storageTiers": [{"fromDay": 0, "perM3Day": 55}]}}),
        ),
        ("assignRateCard", json!({"rateCardCode": "DEMO-USD"})),
        ("topUpWallet", json!({"currency": "USD", "amount": 50000, "reference": "wire 2026-11-30 #4471"})),
        ("setCredit", json!({"currency": "USD", "creditLimit": 20000, "policy": "REFUSE"})),
        (
            "createServiceCharge",
            json!({"customerCode": "DEMO", "warehouseCode": "US-LA01", "amount": 800,
                "reason": "relabelled 40 cartons", "documentNo": "IB2611300001"}),
        ),
        ("chargeStorageDay", json!({"date": "2026-11-29"})),
        (
            "setAlertRules",
            json!([{"type": "LOW_AVAILABLE", "sku": "DEMO-0005", "threshold": 20},
                   {"type": "AGEING", "warehouseCode": "US-LA01", "threshold": 90},
                   {"type": "NO_MOVEMENT", "threshold": 60}]),
        ),
        (
            "createWorkOrder",
            json!({"type": "ASSEMBLY", "warehouseCode": "US-LA01", "sku": "DEMO-KIT-1", "quantity": 2,
                   "customerReference": "WO-20261130-1"}),
        ),
        (
            "createOpsWorkOrder",
            json!({"customerCode": "DEMO", "type": "DISASSEMBLY", "warehouseCode": "US-LA01", "sku": "DEMO-KIT-1",
                   "quantity": 1, "customerReference": "WO-20261130-2"}),
        ),
        ("completeWorkOrder", json!({"produced": 2, "rejected": 0, "workers": ["Maria", "Chen"]})),
        ("shipBackReturnOrder", json!({"trackingNo": "1Z999AA10123456800", "carrier": "UPS"})),
        (
            "createOutboundOrder",
            json!({"warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA", "customerReference": "ERP-100045",
                "platform": "SHOPIFY", "platformOrderNo": "#1045", "recipient": recipient,
                "items": [{"sku": "DEMO-0004", "quantity": 2}]}),
        ),
        ("batchGetOutboundOrders", json!({"orderNos": ["OB2611300001", "OB2611300002"]})),
        ("cancelOutboundOrder", json!({"reason": "customer changed their mind"})),
        ("resolveInterception", json!({"result": "SUCCESS", "note": "taken off the cart"})),
        ("releaseWave", json!({"warehouseCode": "US-LA01", "profile": "ANY", "maxOrders": 200, "totes": 8})),
        ("pick", json!({"locationCode": "A-01-02-1", "sku": "DEMO-0004", "quantity": 2, "tote": "T1"})),
        (
            "pack",
            json!({"orderNo": "OB2611300001", "items": [{"sku": "DEMO-0004", "quantity": 2}],
                "weightKg": 1.2, "lengthCm": 30, "widthCm": 20, "heightCm": 10}),
        ),
        ("ship", json!({"orderNo": "OB2611300001"})),
        (
            "addShipmentEvent",
            json!({"code": "DELIVERED", "description": "Delivered, front door", "location": "Los Angeles, CA",
                "occurredAt": "2026-12-02T15:04:05Z"}),
        ),
        (
            "createProducts",
            json!({"sku": "MUG-BLUE-350", "name": "Blue mug 350 ml", "barcode": "6901234567892",
                "lengthCm": 12, "widthCm": 9, "heightCm": 10.5, "weightKg": 0.38, "fragile": true,
                "declaration": {"nameEn": "ceramic mug", "nameZh": "陶瓷杯", "hsCode": "6912001000",
                    "originCountry": "CN", "value": "3.50", "currency": "USD"}}),
        ),
        (
            "updateProduct",
            json!({"sku": "DEMO-0001", "name": "Demo product 1 (new name)", "lengthCm": 20, "widthCm": 15,
                "heightCm": 10, "weightKg": 0.5}),
        ),
        (
            "createWebhook",
            json!({"url": "https://erp.example.com/haicang/events", "events": ["order.shipped", "inbound.putaway"]}),
        ),
        ("updateWebhook", json!({"events": ["*"], "active": true})),
        ("rotateWebhookSecret", json!({"graceHours": 24})),
    ]
}
