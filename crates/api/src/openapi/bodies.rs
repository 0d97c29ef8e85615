//! What a request body may hold, in the schemas themselves: required
//! fields, lengths, character sets, value sets, ranges and steps. utoipa's
//! attributes take only literals, so the rules are written here from the
//! same constants and enums the validators use (a limit changed there
//! changes the document), and `tests` checks the patterns against the
//! validators themselves.
//!
//! What no schema can say stays in the server alone and is listed in
//! `scripts/schemathesis.toml`: references to data (a SKU, a warehouse, an
//! order) and rules across fields (boxes or forecast lines, good +
//! defective ≥ 1).

use serde_json::{Value, json};

use haicang_core::{billing, inbound, ledger, outbound, product};

/// Not blank: the server trims text and treats blank as missing.
/// (At least one character the server does not trim away: Rust's `trim`
/// removes every Unicode White_Space character, so a bare `\S`, ASCII in
/// some generators, admitted a value of U+3000 that arrives blank:
/// schemathesis sent one as a refresh token and got "required".)
pub const NOT_BLANK: &str = r"[^\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// A SKU or barcode: 2–50 of JF's characters, not all spaces.
pub const CODE_PATTERN: &str = r"^ *[A-Za-z0-9()_.*+#\\/%&-][A-Za-z0-9 ()_.*+#\\/%&-]*$";

/// A location code as scanned (upper-cased by the server).
pub const LOCATION_PATTERN: &str = r"^\s*[A-Za-z0-9_.-]{1,40}\s*$";

/// A calendar date as the seeds send it.
pub const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";

fn required_text(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": NOT_BLANK})
}

fn text(max: usize) -> Value {
    json!({"maxLength": max})
}

fn code() -> Value {
    json!({"type": "string", "minLength": product::CODE_CHARS_MIN, "maxLength": product::CODE_CHARS_MAX,
           "pattern": CODE_PATTERN})
}

fn count(min: i64, max: i64) -> Value {
    json!({"minimum": min, "maximum": max})
}

/// A decimal in `step`s, more than 0 and at most `max`.
fn positive(max: f64, step: f64) -> Value {
    json!({"exclusiveMinimum": 0, "maximum": max, "multipleOf": step})
}

/// Allowed values; blank is allowed too where the server reads it as "the
/// default" (an optional choice).
fn choice<'a>(values: impl IntoIterator<Item = &'a str>, blank_is_default: bool) -> Value {
    let mut values: Vec<Value> = values.into_iter().map(|v| json!(v)).collect();
    if blank_is_default {
        values.push(json!(""));
    }
    json!({"enum": values})
}

fn items(min: usize, max: usize) -> Value {
    json!({"minItems": min, "maxItems": max})
}

fn at_most(max: usize) -> Value {
    json!({"maxItems": max})
}

fn date() -> Value {
    json!({"pattern": DATE_PATTERN, "format": "date"})
}

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

/// `(schema, property, constraint)`: merged into the property's schema. A
/// required text or code is also listed in [`REQUIRED`].
pub fn property_rules() -> Vec<(&'static str, &'static str, Value)> {
    let side = (inbound::SIDE_MM_MAX as f64) / 10.0;
    let weight = (inbound::WEIGHT_G_MAX as f64) / 1000.0;
    let conditions = names(ledger::Condition::ALL, |c| c.as_str());
    vec![
        ("TokenRequest", "appId", required_text(100)),
        ("TokenRequest", "appSecret", json!({"type": "string", "minLength": 1})),
        ("RefreshRequest", "refreshToken", required_text(500)),
        ("LoginRequest", "username", required_text(100)),
        ("LoginRequest", "password", json!({"type": "string", "minLength": 1})),
        // Inbound orders.
        ("InboundInput", "warehouseCode", required_text(50)),
        ("InboundInput", "type", choice(names(inbound::InboundType::ALL, |t| t.as_str()), false)),
        ("InboundInput", "mode", choice(names(inbound::InboundMode::ALL, |t| t.as_str()), true)),
        ("InboundInput", "customerReference", required_text(inbound::REFERENCE_CHARS_MAX)),
        ("InboundInput", "expectedArrival", date()),
        ("InboundInput", "carrier", text(inbound::CARRIER_CHARS_MAX)),
        ("InboundInput", "trackingNo", tracking(false)),
        ("InboundInput", "note", text(inbound::NOTE_CHARS_MAX)),
        ("InboundInput", "boxes", at_most(inbound::BOXES_MAX)),
        ("InboundInput", "forecastItems", at_most(inbound::FORECAST_LINES_MAX)),
        ("BoxInput", "boxNo", json!({"maxLength": inbound::BOX_NO_CHARS_MAX, "pattern": r"^[\x20-\x7e]*$"})),
        (
            "BoxInput",
            "barcode",
            json!({"maxLength": inbound::BOX_BARCODE_CHARS_MAX, "pattern": r"^\s*[\x21-\x7e]*\s*$"}),
        ),
        ("BoxInput", "lengthCm", positive(side, 0.1)),
        ("BoxInput", "widthCm", positive(side, 0.1)),
        ("BoxInput", "heightCm", positive(side, 0.1)),
        ("BoxInput", "weightKg", positive(weight, 0.001)),
        ("BoxInput", "items", items(1, inbound::LINES_PER_BOX_MAX)),
        ("ItemInput", "sku", code()),
        ("ItemInput", "quantity", count(1, inbound::LINE_QUANTITY_MAX)),
        ("ItemInput", "batchNo", text(50)),
        ("ItemInput", "productionDate", date()),
        ("ItemInput", "expiryDate", date()),
        ("ItemInput", "serials", serials()),
        ("TrackingInput", "trackingNo", tracking(true)),
        ("TrackingInput", "carrier", text(inbound::CARRIER_CHARS_MAX)),
        // Receiving and putaway.
        ("ReceiveInput", "lines", items(1, inbound::LINES_PER_BOX_MAX)),
        ("ReceiveLineInput", "sku", code()),
        ("ReceiveLineInput", "good", count(0, inbound::LINE_QUANTITY_MAX)),
        ("ReceiveLineInput", "defective", count(0, inbound::LINE_QUANTITY_MAX)),
        ("ReceiveLineInput", "productionDate", date()),
        ("ReceiveLineInput", "serials", serials()),
        ("ReceiveLineInput", "expiryDate", date()),
        ("PutawayInput", "inboundOrderNo", required_text(50)),
        ("PutawayInput", "lines", items(1, inbound::FORECAST_LINES_MAX)),
        ("PutawayLineInput", "sku", code()),
        ("PutawayLineInput", "lotNo", required_text(50)),
        ("PutawayLineInput", "locationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        ("PutawayLineInput", "quantity", count(1, inbound::LINE_QUANTITY_MAX)),
        ("PutawayLineInput", "condition", choice(["GOOD", "DEFECTIVE"], true)),
        // Adjustments.
        ("AdjustmentInput", "warehouseCode", required_text(50)),
        ("AdjustmentInput", "customerCode", required_text(50)),
        ("AdjustmentInput", "reason", required_text(200)),
        ("AdjustmentInput", "lines", items(1, haicang_app::inventory::ADJUSTMENT_LINES_MAX)),
        ("AdjustmentLineInput", "sku", code()),
        ("AdjustmentLineInput", "locationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        (
            "AdjustmentLineInput",
            "quantity",
            json!({"minimum": -ledger::MOVEMENT_QUANTITY_MAX, "maximum": ledger::MOVEMENT_QUANTITY_MAX,
                   "not": {"const": 0}}),
        ),
        ("AdjustmentLineInput", "condition", choice(conditions.iter().copied(), true)),
        ("AdjustmentLineInput", "productionDate", date()),
        ("AdjustmentLineInput", "serials", serials()),
        ("AdjustmentLineInput", "expiryDate", date()),
        // Moves and conversions.
        ("MoveInput", "warehouseCode", required_text(50)),
        ("MoveInput", "reason", text(haicang_app::floor::REASON_CHARS_MAX)),
        ("MoveInput", "lines", items(1, haicang_app::floor::LINES_MAX)),
        ("MoveLineInput", "sku", code()),
        ("MoveLineInput", "fromLocationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        ("MoveLineInput", "toLocationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        ("MoveLineInput", "quantity", count(1, ledger::MOVEMENT_QUANTITY_MAX)),
        ("MoveLineInput", "condition", choice(conditions.iter().copied(), true)),
        ("MoveLineInput", "serials", serials()),
        ("ConversionInput", "warehouseCode", required_text(50)),
        ("ConversionInput", "customerCode", required_text(50)),
        ("ConversionInput", "reason", required_text(haicang_app::floor::REASON_CHARS_MAX)),
        ("ConversionInput", "lines", items(1, haicang_app::floor::LINES_MAX)),
        ("ConversionLineInput", "sku", code()),
        ("ConversionLineInput", "locationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        ("ConversionLineInput", "fromCondition", choice(conditions.iter().copied(), false)),
        ("ConversionLineInput", "toCondition", choice(conditions.iter().copied(), false)),
        ("ConversionLineInput", "quantity", count(1, ledger::MOVEMENT_QUANTITY_MAX)),
        ("ConversionLineInput", "serials", serials()),
        // Replenishment.
        ("ReplenishmentRulesInput", "warehouseCode", required_text(50)),
        ("ReplenishmentRulesInput", "rules", items(1, haicang_app::replenishment::RULES_MAX)),
        ("ReplenishmentRuleInput", "locationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        ("ReplenishmentRuleInput", "sku", code()),
        ("ReplenishmentRuleInput", "customerCode", required_text(50)),
        ("ReplenishmentRuleInput", "min", count(0, 999_999)),
        ("ReplenishmentRuleInput", "max", count(1, 1_000_000)),
        ("ReplenishmentInput", "warehouseCode", required_text(50)),
        // Counts.
        ("CountPlanInput", "warehouseCode", required_text(50)),
        ("CountPlanInput", "recountThreshold", count(0, ledger::MOVEMENT_QUANTITY_MAX)),
        (
            "CountScopeInput",
            "locations",
            json!({"maxItems": haicang_app::counts::PLAN_LOCATIONS_MAX,
            "items": {"type": "string", "pattern": LOCATION_PATTERN}}),
        ),
        ("CountScopeInput", "skus", json!({"maxItems": haicang_app::counts::PLAN_LOCATIONS_MAX, "items": code()})),
        ("CountScopeInput", "aisles", json!({"items": {"minimum": 0, "maximum": 10_000}})),
        ("CountEntryInput", "lines", at_most(haicang_app::counts::ENTRY_LINES_MAX)),
        ("CountEntryLineInput", "sku", required_text(product::CODE_CHARS_MAX)),
        ("CountEntryLineInput", "quantity", count(0, ledger::MOVEMENT_QUANTITY_MAX)),
        ("CountEntryLineInput", "condition", choice(conditions.iter().copied(), true)),
        ("CountEntryLineInput", "lotNo", text(haicang_app::counts::LOT_CHARS_MAX)),
        // Billing.
        ("RateCardInput", "code", required_text(haicang_app::billing::TEXT_CHARS_MAX)),
        ("RateCardInput", "name", required_text(haicang_app::billing::TEXT_CHARS_MAX)),
        ("RateCardInput", "currency", json!({"type": "string", "pattern": "^[A-Za-z]{3}$"})),
        ("RateCardInput", "effectiveFrom", date()),
        ("RateCardVersionInput", "effectiveFrom", date()),
        ("RateCardRates", "inboundPerBox", count(0, billing::RATE_MAX)),
        ("RateCardRates", "inboundPerPallet", count(0, billing::RATE_MAX)),
        ("RateCardRates", "inboundPerUnit", count(0, billing::RATE_MAX)),
        ("RateCardRates", "putawayPerUnit", count(0, billing::RATE_MAX)),
        ("RateCardRates", "outboundPerOrder", count(0, billing::RATE_MAX)),
        ("RateCardRates", "outboundPerExtraUnit", count(0, billing::RATE_MAX)),
        ("RateCardRates", "pickPerExtraLine", count(0, billing::RATE_MAX)),
        ("RateCardRates", "labelPerOrder", count(0, billing::RATE_MAX)),
        ("RateCardRates", "returnPerUnitRestocked", count(0, billing::RATE_MAX)),
        ("RateCardRates", "returnPerUnitOther", count(0, billing::RATE_MAX)),
        ("RateCardRates", "workOrderPerUnit", count(0, billing::RATE_MAX)),
        ("RateCardRates", "transferPerOrder", count(0, billing::RATE_MAX)),
        ("RateCardRates", "transferPerUnit", count(0, billing::RATE_MAX)),
        ("RateCardRates", "outboundWeightBands", at_most(billing::BANDS_MAX)),
        ("RateCardRates", "storageTiers", at_most(billing::BANDS_MAX)),
        ("WeightBandInput", "upToG", count(1, 10_000_000)),
        ("WeightBandInput", "surcharge", count(0, billing::RATE_MAX)),
        ("StorageTierInput", "fromDay", count(0, 36_500)),
        ("StorageTierInput", "perM3Day", count(0, billing::RATE_MAX)),
        ("AssignRateCardInput", "rateCardCode", required_text(haicang_app::billing::TEXT_CHARS_MAX)),
        ("TopUpInput", "currency", json!({"type": "string", "pattern": "^[A-Za-z]{3}$"})),
        (
            "TopUpInput",
            "amount",
            json!({"minimum": -billing::RATE_MAX, "maximum": billing::RATE_MAX, "not": {"const": 0}}),
        ),
        ("TopUpInput", "reference", required_text(haicang_app::billing::TEXT_CHARS_MAX)),
        ("CreditInput", "currency", json!({"type": "string", "pattern": "^[A-Za-z]{3}$"})),
        ("CreditInput", "creditLimit", count(0, billing::RATE_MAX)),
        ("CreditInput", "policy", choice(names(billing::CreditPolicy::ALL, |p| p.as_str()), false)),
        ("ServiceChargeInput", "customerCode", required_text(50)),
        ("ServiceChargeInput", "warehouseCode", required_text(50)),
        ("ServiceChargeInput", "amount", count(1, billing::RATE_MAX)),
        ("ServiceChargeInput", "reason", required_text(haicang_app::billing::TEXT_CHARS_MAX)),
        ("ServiceChargeInput", "documentNo", text(haicang_app::billing::TEXT_CHARS_MAX)),
        ("StorageRunInput", "date", date()),
        // Alerts.
        ("AlertRuleInput", "type", choice(names(haicang_core::alerts::AlertType::ALL, |t| t.as_str()), false)),
        // Optional: null is "every SKU" (code() would forbid null).
        (
            "AlertRuleInput",
            "sku",
            json!({"minLength": product::CODE_CHARS_MIN, "maxLength": product::CODE_CHARS_MAX, "pattern": CODE_PATTERN}),
        ),
        ("AlertRuleInput", "warehouseCode", text(50)),
        ("AlertRuleInput", "threshold", count(0, haicang_core::alerts::THRESHOLD_MAX)),
        // Work orders.
        ("WorkOrderInput", "type", choice(names(haicang_core::work_orders::WorkType::ALL, |t| t.as_str()), false)),
        ("WorkOrderInput", "warehouseCode", required_text(50)),
        ("WorkOrderInput", "sku", code()),
        ("WorkOrderInput", "quantity", count(1, haicang_core::work_orders::QUANTITY_MAX)),
        ("WorkOrderInput", "customerReference", required_text(haicang_core::work_orders::TEXT_CHARS_MAX)),
        ("OpsWorkOrderInput", "customerCode", required_text(50)),
        ("OpsWorkOrderInput", "type", choice(names(haicang_core::work_orders::WorkType::ALL, |t| t.as_str()), false)),
        ("OpsWorkOrderInput", "warehouseCode", required_text(50)),
        ("OpsWorkOrderInput", "sku", code()),
        ("OpsWorkOrderInput", "quantity", count(1, haicang_core::work_orders::QUANTITY_MAX)),
        ("OpsWorkOrderInput", "customerReference", required_text(haicang_core::work_orders::TEXT_CHARS_MAX)),
        ("CompleteWorkOrderInput", "produced", count(0, haicang_core::work_orders::QUANTITY_MAX)),
        ("CompleteWorkOrderInput", "rejected", count(0, haicang_core::work_orders::QUANTITY_MAX)),
        (
            "CompleteWorkOrderInput",
            "workers",
            json!({"minItems": 1, "maxItems": haicang_core::work_orders::WORKERS_MAX,
                   "items": {"type": "string", "minLength": 1, "maxLength": haicang_core::work_orders::TEXT_CHARS_MAX,
                             "pattern": NOT_BLANK}}),
        ),
        // Returns.
        ("ReturnInput", "warehouseCode", required_text(50)),
        ("ReturnInput", "customerReference", required_text(haicang_core::returns::REFERENCE_CHARS_MAX)),
        ("ReturnInput", "originalOrderNo", text(haicang_core::returns::TEXT_CHARS_MAX)),
        ("ReturnInput", "trackingNo", text(haicang_core::returns::TEXT_CHARS_MAX)),
        ("ReturnInput", "carrier", text(haicang_core::returns::TEXT_CHARS_MAX)),
        ("ReturnInput", "reason", text(haicang_core::returns::TEXT_CHARS_MAX)),
        ("ReturnInput", "items", items(1, haicang_core::returns::LINES_MAX)),
        ("ReturnItemInput", "sku", code()),
        ("ReturnItemInput", "quantity", count(1, haicang_core::returns::LINE_QUANTITY_MAX)),
        ("UnannouncedReturnInput", "warehouseCode", required_text(50)),
        ("UnannouncedReturnInput", "customerCode", text(50)),
        ("UnannouncedReturnInput", "originalOrderNo", text(haicang_core::returns::TEXT_CHARS_MAX)),
        ("UnannouncedReturnInput", "trackingNo", text(haicang_core::returns::TEXT_CHARS_MAX)),
        ("UnannouncedReturnInput", "carrier", text(haicang_core::returns::TEXT_CHARS_MAX)),
        ("UnannouncedReturnInput", "reason", text(haicang_core::returns::TEXT_CHARS_MAX)),
        (
            "ReturnArriveInput",
            "units",
            count(1, haicang_core::returns::LINE_QUANTITY_MAX * haicang_core::returns::LINES_MAX as i64),
        ),
        ("GradeInput", "lines", items(1, haicang_core::returns::LINES_MAX)),
        ("GradeLineInput", "sku", code()),
        ("GradeLineInput", "quantity", count(1, haicang_core::returns::LINE_QUANTITY_MAX)),
        ("GradeLineInput", "condition", choice(conditions.iter().copied(), false)),
        (
            "GradeLineInput",
            "disposition",
            choice(names(haicang_core::returns::Disposition::ALL, |d| d.as_str()), false),
        ),
        ("GradeLineInput", "serial", text(inbound::SERIAL_CHARS_MAX)),
        ("GradeLineInput", "note", text(haicang_core::returns::TEXT_CHARS_MAX)),
        ("ShipBackInput", "trackingNo", required_text(haicang_core::returns::REFERENCE_CHARS_MAX)),
        ("ShipBackInput", "carrier", required_text(haicang_core::returns::REFERENCE_CHARS_MAX)),
        // Outbound orders.
        ("OutboundInput", "warehouseCode", required_text(50)),
        ("OutboundInput", "shippingServiceCode", required_text(50)),
        ("OutboundInput", "customerReference", required_text(outbound::REFERENCE_CHARS_MAX)),
        ("OutboundInput", "platform", choice(names(outbound::Platform::ALL, |p| p.as_str()), false)),
        ("OutboundInput", "platformOrderNo", text(outbound::PLATFORM_ORDER_CHARS_MAX)),
        ("OutboundInput", "items", items(1, outbound::LINES_MAX)),
        // A URL of at most LABEL_URL_CHARS_MAX, or a PDF of any length.
        ("OutboundInput", "labelUrl", json!({"pattern": r"^\s*$|^\s*(https?://|JVBERi)"})),
        ("OutboundInput", "trackingNo", text(outbound::TRACKING_CHARS_MAX)),
        ("OutboundInput", "note", text(outbound::NOTE_CHARS_MAX)),
        // Transfers and B2B orders.
        ("TransferInput", "fromWarehouseCode", required_text(50)),
        ("TransferInput", "toWarehouseCode", text(50)),
        ("TransferInput", "customerReference", required_text(outbound::REFERENCE_CHARS_MAX)),
        ("TransferInput", "items", items(0, outbound::LINES_MAX)),
        ("TransferInput", "boxes", items(0, outbound::LINES_MAX)),
        ("TransferInput", "note", text(outbound::NOTE_CHARS_MAX)),
        ("B2bInput", "warehouseCode", required_text(50)),
        ("B2bInput", "customerReference", required_text(outbound::REFERENCE_CHARS_MAX)),
        ("B2bInput", "items", items(0, outbound::LINES_MAX)),
        ("B2bInput", "boxes", items(0, outbound::LINES_MAX)),
        ("B2bInput", "note", text(outbound::NOTE_CHARS_MAX)),
        ("CartonInput", "boxNo", text(60)),
        ("SealInput", "warehouseCode", required_text(50)),
        ("SealInput", "customerCode", required_text(50)),
        ("SealInput", "locationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        ("SealInput", "sku", code()),
        ("SealInput", "lotNo", text(50)),
        ("SealInput", "unitsPerBox", count(1, 100_000)),
        ("SealInput", "cartons", count(1, haicang_app::cartons::SEAL_MAX)),
        ("CartonMoveInput", "toLocationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        ("CartonInput", "sku", code()),
        ("CartonInput", "unitsPerBox", count(1, outbound::LINE_QUANTITY_MAX)),
        ("CartonInput", "boxes", count(1, haicang_core::transfers::BOXES_MAX as i64)),
        ("DestinationBody", "type", choice(["WAREHOUSE", "MARKETPLACE"], true)),
        (
            "DestinationBody",
            "platform",
            choice(names(haicang_core::transfers::MarketplacePlatform::ALL, |p| p.as_str()), true),
        ),
        ("DestinationBody", "shipmentId", text(haicang_core::transfers::SHIPMENT_ID_CHARS_MAX)),
        ("LineInput", "sku", code()),
        ("LineInput", "quantity", count(1, outbound::LINE_QUANTITY_MAX)),
        ("RecipientInput", "name", required_text(100)),
        ("RecipientInput", "phone", text(100)),
        ("RecipientInput", "email", text(100)),
        ("RecipientInput", "company", text(100)),
        ("RecipientInput", "country", json!({"type": "string", "pattern": "^[A-Za-z]{2}$"})),
        ("RecipientInput", "state", text(100)),
        ("RecipientInput", "city", required_text(100)),
        ("RecipientInput", "district", text(150)),
        ("RecipientInput", "addressLine1", required_text(300)),
        ("RecipientInput", "addressLine2", text(300)),
        ("RecipientInput", "houseNo", text(50)),
        ("RecipientInput", "postcode", required_text(20)),
        ("BatchGetInput", "orderNos", items(1, outbound::BATCH_GET_MAX)),
        ("InterceptionInput", "result", choice(["SUCCESS", "FAIL"], false)),
        // The floor.
        ("WaveInput", "warehouseCode", required_text(50)),
        ("WaveInput", "profile", choice(names(outbound::WaveProfile::ALL, |p| p.as_str()), false)),
        ("WaveInput", "totes", count(1, haicang_app::outbound::TOTES_MAX as i64)),
        ("WaveInput", "orderNos", at_most(haicang_app::outbound::WAVE_ORDERS_MAX)),
        ("WaveInput", "maxOrders", count(0, haicang_app::outbound::WAVE_ORDERS_MAX as i64)),
        // Lines of a wave: at most its orders' lines (schemathesis sent 8e23).
        ("WaveInput", "maxLines", count(0, haicang_app::outbound::WAVE_ORDERS_MAX as i64 * outbound::LINES_MAX as i64)),
        ("WaveInput", "createdBefore", json!({"format": "date-time"})),
        ("PickInput", "locationCode", json!({"type": "string", "pattern": LOCATION_PATTERN})),
        ("PickInput", "sku", required_text(product::CODE_CHARS_MAX)),
        ("PickInput", "quantity", count(0, outbound::LINE_QUANTITY_MAX)),
        ("PickInput", "serials", serials()),
        ("PackInput", "orderNo", required_text(50)),
        ("PackInput", "items", items(0, outbound::LINES_MAX)),
        ("PackInput", "boxes", items(0, haicang_core::transfers::BOXES_MAX)),
        ("PackBoxInput", "items", items(1, haicang_core::transfers::BOX_LINES_MAX)),
        ("PackBoxInput", "weightKg", positive(weight, 0.001)),
        ("PackBoxInput", "lengthCm", positive(side, 0.1)),
        ("PackBoxInput", "widthCm", positive(side, 0.1)),
        ("PackBoxInput", "heightCm", positive(side, 0.1)),
        ("PackInput", "weightKg", positive(weight, 0.001)),
        ("PackInput", "lengthCm", positive(side, 0.1)),
        ("PackInput", "widthCm", positive(side, 0.1)),
        ("PackInput", "heightCm", positive(side, 0.1)),
        ("PackLineInput", "sku", required_text(product::CODE_CHARS_MAX)),
        ("PackLineInput", "quantity", count(1, outbound::LINE_QUANTITY_MAX)),
        ("PackLineInput", "serials", serials()),
        ("ShipInput", "orderNo", required_text(50)),
        ("ShipInput", "trackingNo", text(outbound::TRACKING_CHARS_MAX)),
        ("ShipmentEventInput", "code", required_text(50)),
        ("ShipmentEventInput", "description", required_text(300)),
        ("ShipmentEventInput", "occurredAt", json!({"format": "date-time"})),
        // Products.
        ("ProductInput", "sku", code()),
        ("ProductInput", "name", required_text(product::NAME_CHARS_MAX)),
        ("ProductInput", "type", choice(names(product::ProductType::ALL, |t| t.as_str()), true)),
        ("ProductInput", "status", choice(names(product::ProductStatus::ALL, |t| t.as_str()), true)),
        ("ProductInput", "unitsPerBox", count(1, product::UNITS_PER_BOX_MAX)),
        ("ProductInput", "components", at_most(product::COMPONENTS_MAX)),
        // Sizes to the hundredth of a cm, weights to the hundredth of a
        // gram: said in prose, since `multipleOf` on such small floats
        // misjudges values like 0.5 in common validators.
        ("ProductInput", "lengthCm", product_measure(product::SIZE_UM_MAX as f64 / 10_000.0, "0.01 cm")),
        ("ProductInput", "widthCm", product_measure(product::SIZE_UM_MAX as f64 / 10_000.0, "0.01 cm")),
        ("ProductInput", "heightCm", product_measure(product::SIZE_UM_MAX as f64 / 10_000.0, "0.01 cm")),
        ("ProductInput", "weightKg", product_measure(product::WEIGHT_MG_MAX as f64 / 1_000_000.0, "0.00001 kg")),
        ("ComponentInput", "sku", code()),
        ("ComponentInput", "quantity", count(1, product::COMPONENT_QUANTITY_MAX)),
        ("DeclarationInput", "nameEn", text(product::DECLARED_NAME_CHARS_MAX)),
        ("DeclarationInput", "nameZh", text(product::DECLARED_NAME_CHARS_MAX)),
        // Webhooks.
        ("WebhookInput", "url", json!({"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 2048})),
        ("WebhookInput", "events", json!({"minItems": 1, "items": event_type()})),
        ("WebhookUpdate", "url", json!({"format": "uri", "pattern": "^https?://", "maxLength": 2048})),
        ("WebhookUpdate", "events", json!({"minItems": 1, "items": event_type()})),
        ("RotateInput", "graceHours", count(0, haicang_app::webhooks::GRACE_HOURS_MAX)),
    ]
}

fn product_measure(max: f64, step: &str) -> Value {
    json!({"minimum": 0, "maximum": max, "description": format!("At most {max}, in steps of {step}.")})
}

/// Serial numbers: each 1–64 characters, none twice.
fn serials() -> Value {
    json!({"items": required_text(inbound::SERIAL_CHARS_MAX), "uniqueItems": true})
}

/// A carrier's tracking number: letters, digits and dashes.
fn tracking(required: bool) -> Value {
    let pattern = if required { r"^\s*[A-Za-z0-9-]+\s*$" } else { r"^\s*[A-Za-z0-9-]*\s*$" };
    json!({"maxLength": inbound::TRACKING_NO_CHARS_MAX, "pattern": pattern})
}

fn event_type() -> Value {
    let mut types: Vec<&str> = haicang_app::webhooks::EVENT_TYPES.to_vec();
    types.push("*");
    json!({"type": "string", "enum": types})
}

/// Fields a request must carry, beyond those utoipa already marks.
pub const REQUIRED: &[(&str, &[&str])] = &[
    ("TokenRequest", &["appId", "appSecret"]),
    ("RefreshRequest", &["refreshToken"]),
    ("LoginRequest", &["username", "password"]),
    ("OutboundInput", &["customerReference", "shippingServiceCode", "platform", "items"]),
    ("RecipientInput", &["name", "country", "city", "addressLine1", "postcode"]),
    ("TransferInput", &["fromWarehouseCode", "customerReference"]),
    ("B2bInput", &["warehouseCode", "customerReference", "destination"]),
    ("ProductInput", &["sku", "name"]),
];

/// Request schemas that are another's with some of its required fields
/// optional: (new schema, source, fields). A product's PUT names the SKU
/// in its path, so its body may leave `sku` out (a differing one is still
/// refused, 10031) while a create must carry it.
pub const VARIANTS: &[(&str, &str, &[&str])] = &[("ProductUpdate", "ProductInput", &["sku"])];

/// Rules across the fields of one object, as `if`/`then` (which
/// generated clients pass over: a `oneOf` here would split the model in
/// two).
pub fn object_rules() -> Vec<(&'static str, Value)> {
    vec![
        // Boxes or forecast lines: exactly one of them, not empty.
        (
            "InboundInput",
            json!({
                "if": {"required": ["boxes"], "properties": {"boxes": {"minItems": 1}}},
                "then": {"properties": {"forecastItems": {"maxItems": 0}}},
                "else": {"required": ["forecastItems"], "properties": {"forecastItems": {"minItems": 1}}},
            }),
        ),
        // A seller's own label needs its tracking number.
        (
            "OutboundInput",
            json!({"if": {"required": ["labelUrl"], "properties": {"labelUrl": {"type": "string", "pattern": NOT_BLANK}}},
                   "then": {"required": ["trackingNo"],
                            "properties": {"trackingNo": {"type": "string", "pattern": NOT_BLANK}}}}),
        ),
        // Thresholds of the day-counting alert types are days.
        (
            "AlertRuleInput",
            json!({"if": {"required": ["type"], "properties": {"type": {"not": {"const": "LOW_AVAILABLE"}}}},
                   "then": {"properties": {"threshold": {"maximum": haicang_core::alerts::DAYS_MAX}}}}),
        ),
        // A conversion changes the condition: never to the same one.
        (
            "ConversionLineInput",
            json!({"not": {"anyOf": ledger::Condition::ALL.iter().map(|c| json!({
                "required": ["fromCondition", "toCondition"],
                "properties": {"fromCondition": {"const": c.as_str()}, "toCondition": {"const": c.as_str()}},
            })).collect::<Vec<_>>()}}),
        ),
        // A parcel is packed with its items and measures; freight in
        // cartons (or, shipping only sealed cartons, with neither).
        (
            "PackInput",
            json!({
                "if": {"required": ["items"], "properties": {"items": {"minItems": 1}}},
                "then": {"required": ["weightKg", "lengthCm", "widthCm", "heightCm"],
                         "properties": {"weightKg": {"type": "number"}, "lengthCm": {"type": "number"},
                                        "widthCm": {"type": "number"}, "heightCm": {"type": "number"}}},
            }),
        ),
        // A carton line is a sealed carton's number, or SKU × units × cartons.
        (
            "CartonInput",
            json!({
                "if": {"required": ["boxNo"], "properties": {"boxNo": {"type": "string", "pattern": NOT_BLANK}}},
                "then": {"properties": {"sku": {"type": "null"}, "unitsPerBox": {"type": "null"},
                                        "boxes": {"type": "null"}}},
                "else": {"required": ["sku", "unitsPerBox", "boxes"],
                         "properties": {"sku": {"type": "string"}, "unitsPerBox": {"type": "integer"},
                                        "boxes": {"type": "integer"}}},
            }),
        ),
        // A transfer goes to a warehouse (toWarehouseCode) or, with a
        // MARKETPLACE destination, to a marketplace's shipment; it carries
        // units or cartons.
        (
            "TransferInput",
            json!({
                "if": {"required": ["destination"], "properties": {"destination": {
                    "required": ["type"], "properties": {"type": {"const": "MARKETPLACE"}}}}},
                "then": {"properties": {"destination": {"required": ["platform", "shipmentId", "address"],
                    "properties": {"shipmentId": {"type": "string", "pattern": NOT_BLANK},
                                   "platform": {"type": "string", "pattern": NOT_BLANK},
                                   "address": {"type": "object"}}}}},
                "else": {"required": ["toWarehouseCode"],
                         "properties": {"toWarehouseCode": {"type": "string", "pattern": NOT_BLANK}}},
            }),
        ),
        (
            "B2bInput",
            json!({"if": {"required": ["destination"]},
                   "then": {"properties": {"destination": {"required": ["platform", "shipmentId", "address"],
                       "properties": {"shipmentId": {"type": "string", "pattern": NOT_BLANK},
                                      "platform": {"type": "string", "pattern": NOT_BLANK},
                                      "address": {"type": "object"}}}}}}),
        ),
        // Nothing picked is only a report that the location is empty.
        (
            "PickInput",
            json!({
                "if": {"required": ["quantity"], "properties": {"quantity": {"const": 0}}},
                "then": {"required": ["short"], "properties": {"short": {"const": true}}},
            }),
        ),
    ]
}

/// Applies the rules to the document's schemas: every request schema also
/// refuses properties it does not know (the server denies unknown fields).
pub fn constrain(schemas: &mut serde_json::Map<String, Value>) {
    // Required first: a required property is no longer nullable when its
    // rule is merged.
    for (schema, fields) in REQUIRED {
        let Some(target) = schemas.get_mut(*schema) else { continue };
        let mut names = target["required"].as_array().cloned().unwrap_or_default();
        for field in *fields {
            if !names.iter().any(|n| n == field) {
                names.push(json!(field));
            }
            if let Some(property) = target["properties"].get_mut(*field) {
                not_null(property);
            }
        }
        target["required"] = Value::Array(names);
    }
    for (schema, property, rule) in property_rules() {
        let Some(target) =
            schemas.get_mut(schema).and_then(|s| s.get_mut("properties")).and_then(|p| p.get_mut(property))
        else {
            continue;
        };
        merge(target, &rule);
    }
    for (schema, rule) in object_rules() {
        if let Some(target) = schemas.get_mut(schema)
            && let (Some(target), Some(rule)) = (target.as_object_mut(), rule.as_object())
        {
            target.extend(rule.clone());
        }
    }
    for (variant, source, optional) in VARIANTS {
        let Some(mut schema) = schemas.get(*source).cloned() else { continue };
        if let Some(required) = schema["required"].as_array_mut() {
            required.retain(|name| !optional.iter().any(|field| name == field));
        }
        for field in *optional {
            if let Some(property) = schema["properties"].get_mut(*field) {
                nullable(property);
            }
        }
        schemas.insert(variant.to_string(), schema);
    }
    for (name, schema) in schemas.iter_mut() {
        if name.ends_with("Input") || name.ends_with("Update") || name.ends_with("Request") {
            schema["additionalProperties"] = json!(false);
        }
    }
}

/// Adds the rule's keywords to a property. A choice on a nullable property
/// becomes `anyOf: [the choice, null]`, which generated clients read as an
/// optional enum.
fn merge(target: &mut Value, rule: &Value) {
    let Some(rule) = rule.as_object() else { return };
    if let Some(values) = rule.get("enum").filter(|_| is_nullable(target)) {
        let description = target.get("description").cloned();
        *target = json!({"anyOf": [{"type": "string", "enum": values}, {"type": "null"}]});
        if let Some(description) = description {
            target["description"] = description;
        }
        return;
    }
    let array = target.get("type") == Some(&json!("array")) || target.get("items").is_some();
    for (key, value) in rule {
        match key.as_str() {
            // A rule on an array's items is merged into its item schema.
            "items" if array => merge(&mut target["items"], value),
            _ => {
                target[key] = value.clone();
            }
        }
    }
}

/// An optional property may be null (the server reads null as absent).
fn nullable(property: &mut Value) {
    match property["type"].clone() {
        Value::String(single) => property["type"] = json!([single, "null"]),
        Value::Array(mut types) if !types.iter().any(|t| t == "null") => {
            types.push(json!("null"));
            property["type"] = Value::Array(types);
        }
        _ => {}
    }
}

fn is_nullable(schema: &Value) -> bool {
    schema["type"].as_array().is_some_and(|types| types.iter().any(|t| t == "null"))
}

/// A required property may not be null.
fn not_null(property: &mut Value) {
    if let Some(types) = property["type"].as_array() {
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        property["type"] = if rest.len() == 1 { rest[0].clone() } else { Value::Array(rest) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    /// A text the document calls not blank never arrives blank: no
    /// character Rust's `trim` removes matches the pattern on its own.
    #[test]
    fn not_blank_admits_nothing_that_trims_to_empty() {
        let not_blank = Regex::new(NOT_BLANK).unwrap();
        let trimmed: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
        assert!(trimmed.len() >= 25, "{trimmed:?}");
        for c in &trimmed {
            assert!(!not_blank.is_match(&c.to_string()), "U+{:04X} passes NOT_BLANK but trims away", *c as u32);
        }
        let all: String = trimmed.iter().collect();
        assert!(!not_blank.is_match(&all));
        assert!(not_blank.is_match(" a ") && not_blank.is_match("\u{3000}x"));
    }

    /// What the document allows of a code: its pattern and its lengths.
    fn document_allows_code(text: &str) -> bool {
        let length = text.chars().count();
        Regex::new(CODE_PATTERN).unwrap().is_match(text)
            && (product::CODE_CHARS_MIN..=product::CODE_CHARS_MAX).contains(&length)
    }

    proptest! {
        /// A SKU the document allows is one the product rules take, and
        /// the other way round (over JF's characters, a few others and
        /// spaces, so both sides of every rule are tried).
        #[test]
        fn the_document_and_the_sku_rules_agree(text in r"[A-Za-z0-9 ()_.*+#%&/\\@!é-]{0,55}") {
            prop_assert_eq!(document_allows_code(&text), product::SkuCode::parse(&text).is_ok(), "{:?}", text);
        }

        /// The same for location codes as scanned.
        #[test]
        fn the_document_and_the_location_rules_agree(text in "[ A-Za-z0-9_.@/-]{0,45}") {
            let allowed = Regex::new(LOCATION_PATTERN).unwrap().is_match(&text);
            prop_assert_eq!(allowed, haicang_core::location::LocationCode::parse(&text).is_ok(), "{:?}", text);
        }
    }

    #[test]
    fn every_rule_names_a_property_of_the_document() {
        let doc = serde_json::to_value(<crate::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        for (schema, property, _) in property_rules() {
            assert!(schemas[schema]["properties"][property].is_object(), "{schema}.{property}");
        }
        for (schema, fields) in REQUIRED {
            for field in *fields {
                assert!(schemas[*schema]["properties"][*field].is_object(), "{schema}.{field}");
            }
        }
    }
}
