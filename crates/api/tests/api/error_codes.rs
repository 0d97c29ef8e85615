//! Every error code of the catalogue that is not a product rule (those are
//! in product_errors.rs), each answered in English and in Chinese with the
//! right HTTP status.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Server, start};

/// Who calls.
#[derive(Clone, Copy)]
enum As {
    Nobody,
    Customer,
    Staff,
}

async fn token(s: &Server, who: As) -> Option<String> {
    match who {
        As::Nobody => None,
        As::Customer => Some(s.customer().await),
        As::Staff => Some(s.staff().await),
    }
}

/// Calls once per language and checks code, status and message fragments.
#[allow(clippy::too_many_arguments)]
async fn both(
    s: &Server,
    who: As,
    method: Method,
    path: &str,
    body: Option<Value>,
    code: i64,
    status: u16,
    en: &str,
    zh: &str,
) {
    let t = token(s, who).await;
    for (lang, fragment) in [("en_US", en), ("zh_CN", zh)] {
        let a = s.call(method.clone(), path, t.as_deref(), body.as_ref().map(Value::to_string), Some(lang)).await;
        a.err(code, status);
        assert!(a.message().contains(fragment), "{code} in {lang}: {:?} lacks {fragment:?}", a.message());
    }
}

fn adjustment(customer: &str, warehouse: &str, line: Value) -> Option<Value> {
    Some(json!({"warehouseCode": warehouse, "customerCode": customer, "reason": "test", "lines": [line]}))
}

macro_rules! code_test {
    ($name:ident, $who:expr, $method:ident, $path:expr, $body:expr, $code:expr, $status:expr, $en:expr, $zh:expr) => {
        #[tokio::test]
        async fn $name() {
            let s = start().await;
            both(&s, $who, Method::$method, $path, $body, $code, $status, $en, $zh).await;
        }
    };
}

code_test!(
    a_missing_field_is_10000,
    As::Staff,
    POST,
    "/api/v1/ops/adjustments",
    Some(json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "x", "lines": []})),
    10000,
    400,
    "lacks necessary parameters: lines",
    "请求缺少必要参数: lines"
);
code_test!(
    malformed_json_is_10001,
    As::Customer,
    POST,
    "/api/v1/products",
    None,
    10001,
    400,
    "not valid JSON",
    "不是有效的 JSON"
);
code_test!(
    a_missing_access_token_is_10004,
    As::Nobody,
    GET,
    "/api/v1/warehouses",
    None,
    10004,
    401,
    "ACCESS TOKEN required",
    "访问令牌必填"
);
code_test!(
    a_bad_refresh_token_is_10003,
    As::Nobody,
    POST,
    "/api/v1/auth/refresh",
    Some(json!({"refreshToken": "nope"})),
    10003,
    401,
    "Invalid REFRESH TOKEN",
    "刷新令牌已失效"
);
code_test!(
    a_missing_refresh_token_is_10005,
    As::Nobody,
    POST,
    "/api/v1/auth/refresh",
    Some(json!({})),
    10005,
    400,
    "REFRESH TOKEN required",
    "刷新令牌必填"
);
code_test!(
    a_missing_client_id_is_10006,
    As::Nobody,
    POST,
    "/api/v1/auth/token",
    Some(json!({"appSecret": "x"})),
    10006,
    400,
    "CLIENT ID required",
    "客户端ID必填"
);
code_test!(
    a_missing_client_secret_is_10007,
    As::Nobody,
    POST,
    "/api/v1/auth/token",
    Some(json!({"appId": "demo-app"})),
    10007,
    400,
    "CLIENT SECRET required",
    "客户端密钥必填"
);
code_test!(
    a_wrong_secret_is_10008,
    As::Nobody,
    POST,
    "/api/v1/auth/token",
    Some(json!({"appId": "demo-app", "appSecret": "x"})),
    10008,
    401,
    "Invalid client app info",
    "客户端应用信息已失效"
);
code_test!(
    a_wrong_password_is_10012,
    As::Nobody,
    POST,
    "/api/v1/staff/login",
    Some(json!({"username": "admin", "password": "x"})),
    10012,
    401,
    "wrong username or password",
    "用户名或密码错误"
);
code_test!(
    a_malformed_parameter_is_10031,
    As::Customer,
    GET,
    "/api/v1/products?pageSize=999",
    None,
    10031,
    400,
    "pageSize format error",
    "pageSize 格式错误"
);
code_test!(
    an_unknown_warehouse_is_10051,
    As::Customer,
    GET,
    "/api/v1/warehouses/NOWHERE/shipping-services",
    None,
    10051,
    404,
    "warehouse(NOWHERE) is not recognized",
    "未识别到仓库(NOWHERE)"
);
code_test!(
    a_staff_token_on_a_customer_route_is_10060,
    As::Staff,
    GET,
    "/api/v1/inventory",
    None,
    10060,
    403,
    "may not call this API",
    "无权调用"
);
code_test!(
    a_customer_token_on_a_staff_route_is_10060,
    As::Customer,
    GET,
    "/api/v1/ops/locations",
    None,
    10060,
    403,
    "may not call this API",
    "无权调用"
);
code_test!(
    an_unknown_route_is_10062,
    As::Customer,
    GET,
    "/api/v1/no-such-thing",
    None,
    10062,
    404,
    "No such API",
    "接口不存在"
);
code_test!(
    a_wrong_method_is_10064,
    As::Customer,
    DELETE,
    "/api/v1/warehouses",
    None,
    10064,
    405,
    "Method not allowed",
    "不支持此请求方法"
);
code_test!(
    an_unknown_sku_in_an_adjustment_is_20007,
    As::Staff,
    POST,
    "/api/v1/ops/adjustments",
    adjustment("DEMO", "US-LA01", json!({"sku": "NOPE-1", "locationCode": "A-01-01-1", "quantity": 1})),
    20007,
    404,
    "SKU NOPE-1 not found",
    "未找到sku NOPE-1"
);
code_test!(
    an_unknown_location_is_30001,
    As::Staff,
    POST,
    "/api/v1/ops/adjustments",
    adjustment("DEMO", "US-LA01", json!({"sku": "DEMO-0001", "locationCode": "Q-99-99-9", "quantity": 1})),
    30001,
    404,
    "Location Q-99-99-9 not found",
    "库位 Q-99-99-9 不存在"
);
code_test!(
    too_little_stock_is_30002,
    As::Staff,
    POST,
    "/api/v1/ops/adjustments",
    adjustment("DEMO", "US-LA01", json!({"sku": "DEMO-0050", "locationCode": "A-01-01-1", "quantity": -1})),
    30002,
    409,
    "Insufficient stock of DEMO-0050",
    "DEMO-0050 库存不足"
);
code_test!(
    serials_on_a_plain_sku_are_30003,
    As::Staff,
    POST,
    "/api/v1/ops/adjustments",
    adjustment(
        "DEMO",
        "US-LA01",
        json!({"sku": "DEMO-0001", "locationCode": "A-01-01-1", "quantity": 1, "serials": ["S1"]})
    ),
    30003,
    400,
    "Serial numbers of DEMO-0001",
    "DEMO-0001 序列号错误"
);
code_test!(
    an_unknown_customer_is_30005,
    As::Staff,
    POST,
    "/api/v1/ops/adjustments",
    adjustment("NOBODY", "US-LA01", json!({"sku": "DEMO-0001", "locationCode": "A-01-01-1", "quantity": 1})),
    30005,
    404,
    "Customer NOBODY not found",
    "客户 NOBODY 不存在"
);

#[tokio::test]
async fn an_unknown_access_token_is_10002_and_an_expired_one_10015() {
    let s = start().await;
    for (lang, text) in [("en_US", "Invalid ACCESS TOKEN"), ("zh_CN", "访问令牌已失效")] {
        let a = s.call(Method::GET, "/api/v1/warehouses", Some("f00d"), None, Some(lang)).await;
        a.err(10002, 401);
        assert_eq!(a.message(), text);
    }
}

#[tokio::test]
async fn a_batch_managed_sku_without_batch_is_30004() {
    let s = start().await;
    let t = s.customer().await;
    s.post("/api/v1/products", &t, &json!({"sku": "MILK-2", "name": "Milk", "batchManaged": true})).await.ok();
    let body = adjustment("DEMO", "US-LA01", json!({"sku": "MILK-2", "locationCode": "A-01-01-1", "quantity": 1}));
    both(
        &s,
        As::Staff,
        Method::POST,
        "/api/v1/ops/adjustments",
        body,
        30004,
        400,
        "MILK-2 is batch managed",
        "MILK-2 为批次管理商品",
    )
    .await;
}
