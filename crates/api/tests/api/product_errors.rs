//! One test per product error code, each in English and Chinese, each
//! checking that nothing was written.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Server, product, start};

/// Posts `body`, expects `code`/`status` with these message fragments in
/// both languages, and checks the product count did not move.
async fn refused(s: &Server, token: &str, body: &Value, code: i64, status: u16, en: &str, zh: &str) {
    let before = s.get("/api/v1/products?pageSize=1", token).await.ok()["total"].clone();
    for (lang, fragment) in [("en_US", en), ("zh_CN", zh)] {
        let a = s.call(Method::POST, "/api/v1/products", Some(token), Some(body.to_string()), Some(lang)).await;
        a.err(code, status);
        assert!(a.message().contains(fragment), "{lang}: {:?} lacks {fragment:?}", a.message());
    }
    let after = s.get("/api/v1/products?pageSize=1", token).await.ok()["total"].clone();
    assert_eq!(before, after, "a refused product was written");
}

macro_rules! product_error {
    ($name:ident, $change:expr, $code:expr, $en:expr, $zh:expr) => {
        #[tokio::test]
        async fn $name() {
            let s = start().await;
            let t = s.customer().await;
            let mut body = product();
            let change: fn(&mut Value) = $change;
            change(&mut body);
            refused(&s, &t, &body, $code, 400, $en, $zh).await;
        }
    };
}

product_error!(a_missing_sku_is_20000, |b| b["sku"] = json!(""), 20000, "SKU is required", "商品SKU必填");
product_error!(a_missing_name_is_20001, |b| b["name"] = Value::Null, 20001, "SKU name is required", "商品名称必填");
product_error!(
    partial_dimensions_are_20005,
    |b| b["heightCm"] = Value::Null,
    20005,
    "Length, width and height",
    "长宽高必须同时填写"
);
product_error!(an_overweight_product_is_20008, |b| b["weightKg"] = json!(1000), 20008, "Weight range", "重量范围");
product_error!(an_oversized_product_is_20009, |b| b["lengthCm"] = json!(1000), 20009, "Size range", "尺寸范围");
product_error!(a_one_character_sku_is_20010, |b| b["sku"] = json!("x"), 20010, "range of 2~50", "2~50范围内");
product_error!(a_sku_with_a_dollar_sign_is_20010, |b| b["sku"] = json!("AB$1"), 20010, "range of 2~50", "仅支持数字");
product_error!(
    a_barcode_with_chinese_is_20011,
    |b| b["barcode"] = json!("条码12"),
    20011,
    "characters in Barcode",
    "条码字符数量"
);
product_error!(
    a_long_name_is_20013,
    |b| b["name"] = json!("n".repeat(256)),
    20013,
    "up to 255 characters",
    "最多255字符"
);
product_error!(
    a_long_barcode_is_20014,
    |b| b["barcode"] = json!("9".repeat(51)),
    20014,
    "up to 50 characters",
    "最多50字符"
);
product_error!(
    a_missing_declared_chinese_name_is_20024,
    |b| b["declaration"]["nameZh"] = Value::Null,
    20024,
    "chinese name is required",
    "申报中文名必填"
);
product_error!(
    a_long_declared_chinese_name_is_20025,
    |b| b["declaration"]["nameZh"] = json!("壳".repeat(101)),
    20025,
    "limit of 100",
    "长度限制100"
);
product_error!(
    a_missing_declared_english_name_is_20026,
    |b| b["declaration"]["nameEn"] = json!(" "),
    20026,
    "english name is required",
    "申报英文名必填"
);
product_error!(
    a_long_declared_english_name_is_20027,
    |b| b["declaration"]["nameEn"] = json!("e".repeat(101)),
    20027,
    "limit of 100",
    "长度限制100"
);
product_error!(
    a_missing_declared_value_is_20028,
    |b| b["declaration"]["value"] = Value::Null,
    20028,
    "price is required",
    "申报价格必填"
);
product_error!(
    a_declared_value_below_a_cent_is_20029,
    |b| b["declaration"]["value"] = json!("0.001"),
    20029,
    "0.01-999999.999999",
    "申报价格范围"
);
product_error!(
    a_missing_currency_is_20030,
    |b| b["declaration"]["currency"] = Value::Null,
    20030,
    "currency is required",
    "申报币种必填"
);
product_error!(
    an_unknown_currency_is_20031,
    |b| b["declaration"]["currency"] = json!("XYZ"),
    20031,
    "currency is error",
    "申报币种不合规"
);
product_error!(
    an_unknown_declared_attribute_is_20033,
    |b| b["declaration"]["attribute"] = json!("RADIOACTIVE"),
    20033,
    "attribute is error",
    "申报属性不合规"
);
product_error!(a_wrong_type_is_10031, |b| b["lengthCm"] = json!(true), 10031, "format error", "格式错误");
product_error!(an_unknown_field_is_10031, |b| b["colour"] = json!("red"), 10031, "unknown field", "格式错误");
product_error!(an_unknown_product_type_is_10031, |b| b["type"] = json!("BUNDLE"), 10031, "type", "type");

#[tokio::test]
async fn an_existing_sku_is_20003_and_an_existing_barcode_20004() {
    let s = start().await;
    let t = s.customer().await;
    s.post("/api/v1/products", &t, &product()).await.ok();
    let mut same_sku = product();
    same_sku["barcode"] = json!("OTHER0001");
    let before = s.get("/api/v1/products?pageSize=1", &t).await.ok()["total"].clone();
    for (lang, fragment) in [("en", "already exists"), ("zh_CN", "已创建")] {
        let a = s.call(Method::POST, "/api/v1/products", Some(&t), Some(same_sku.to_string()), Some(lang)).await;
        a.err(20003, 409);
        assert!(a.message().contains(fragment) && a.message().contains("BAR-TEST-1"), "{}", a.message());
    }
    let mut same_barcode = product();
    same_barcode["sku"] = json!("BAR-TEST-2");
    for (lang, fragment) in [("en", "barcode(BAR0000001) already exists"), ("zh_CN", "商品条码(BAR0000001)已存在")]
    {
        let a = s.call(Method::POST, "/api/v1/products", Some(&t), Some(same_barcode.to_string()), Some(lang)).await;
        a.err(20004, 409);
        assert!(a.message().contains(fragment), "{}", a.message());
    }
    assert_eq!(s.get("/api/v1/products?pageSize=1", &t).await.ok()["total"], before);
}

#[tokio::test]
async fn an_unknown_sku_is_20007_in_both_languages() {
    let s = start().await;
    let t = s.customer().await;
    let a = s.call(Method::GET, "/api/v1/products/NOPE-1", Some(&t), None, Some("en_US")).await;
    a.err(20007, 404);
    assert!(a.message().starts_with("SKU NOPE-1 not found"));
    let a = s.call(Method::GET, "/api/v1/products/NOPE-1", Some(&t), None, Some("zh_CN")).await;
    a.err(20007, 404);
    assert!(a.message().contains("未找到sku NOPE-1"));
}

#[tokio::test]
async fn the_barcode_of_a_stocked_product_is_locked_20021_and_its_flags_20036() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &t, &product()).await.ok();
    let location = s.storage_location(&staff, 0).await;
    s.adjust(&staff, "DEMO", json!([{"sku": "BAR-TEST-1", "locationCode": location, "quantity": 3}])).await;
    let mut changed = product();
    changed["barcode"] = json!("NEWCODE01");
    for (lang, fragment) in [("en", "inventory is not 0"), ("zh_CN", "库存不为0")] {
        let a =
            s.call(Method::PUT, "/api/v1/products/BAR-TEST-1", Some(&t), Some(changed.to_string()), Some(lang)).await;
        a.err(20021, 409);
        assert!(a.message().contains(fragment), "{}", a.message());
    }
    let mut serial = product();
    serial["serialManaged"] = json!(true);
    for (lang, fragment) in [("en", "cannot change"), ("zh_CN", "不能修改")] {
        let a =
            s.call(Method::PUT, "/api/v1/products/BAR-TEST-1", Some(&t), Some(serial.to_string()), Some(lang)).await;
        a.err(20036, 409);
        assert!(a.message().contains(fragment), "{}", a.message());
    }
    assert_eq!(s.get("/api/v1/products/BAR-TEST-1", &t).await.ok()["barcode"], "BAR0000001");
}
