//! The error catalogue: every refusal the native API can answer, with its
//! stable numeric code, HTTP status and message in English and Chinese.
//! Where a JF WMS code (shared/seeds/jfwms-api.txt) means the same, its
//! number is used; haicang's own codes are 10060+ and 30000+.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use haicang_app::AppError;
use haicang_core::inbound::{InboundAction, InboundError};
use haicang_core::outbound::OrderError;
use haicang_core::product::ProductError;

use crate::context::{Lang, RequestContext};
use crate::envelope::error_body;

/// An error on its way to the client.
#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    /// The body is not JSON at all.
    MalformedJson(String),
    /// JSON of the wrong shape: wrong type, unknown field, missing field.
    BadField(String),
    BodyTooLarge,
    NoSuchRoute,
    MethodNotAllowed,
    /// Seconds until the app may call again.
    RateLimited(u64),
    /// `GET /ready`: this node cannot serve now (why).
    NotReady(String),
    IpNotAllowed(String),
    BadSignature,
    ReplayedNonce,
    StaleTimestamp,
    /// A staff route missing from the role table (a bug; refused).
    Unclassified,
    /// A dialect's authentication header, missing (`missing`) or malformed
    /// (JF 10020–10025, 10029).
    Header {
        name: &'static str,
        missing: bool,
    },
    /// A vendor endpoint whose capability haicang does not offer (yet):
    /// JF -1, named in the gateway's module doc.
    NotOffered(&'static str),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

/// A resolved catalogue entry.
pub struct Described {
    pub code: i64,
    pub status: StatusCode,
    pub en: String,
    pub zh: String,
}

fn d(code: i64, status: StatusCode, en: impl Into<String>, zh: impl Into<String>) -> Described {
    Described { code, status, en: en.into(), zh: zh.into() }
}

const BAD: StatusCode = StatusCode::BAD_REQUEST;
const UNAUTHORIZED: StatusCode = StatusCode::UNAUTHORIZED;
const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;
const CONFLICT: StatusCode = StatusCode::CONFLICT;
const PAYMENT_REQUIRED: StatusCode = StatusCode::PAYMENT_REQUIRED;

const SKU_RULE_EN: &str = "The number of characters in sku must be in the range of 2~50; only numbers, letters, space and special symbols such as: ( ) _. - * + # \\ /% & are supported";
const SKU_RULE_ZH: &str = "商品SKU字符数量需在2~50范围内;仅支持数字、字母、空格及特殊符号 ( ) _. - * + # \\ /% &";

fn describe_product(e: &ProductError) -> Described {
    use ProductError::*;
    match e {
        SkuRequired => d(20000, BAD, "SKU is required!", "商品SKU必填!"),
        NameRequired => d(20001, BAD, "SKU name is required!", "商品名称必填!"),
        SkuFormat => d(20010, BAD, SKU_RULE_EN, SKU_RULE_ZH),
        BarcodeFormat => d(
            20011,
            BAD,
            "The number of characters in Barcode must be in the range of 2~50; only numbers, letters, space and special symbols such as: ( ) _. - * + # \\ /% & are supported",
            "商品SKU条码字符数量需在2~50范围内;仅支持数字、字母、空格及特殊符号( ) _. - * + # \\ /% &",
        ),
        NameTooLong => d(20013, BAD, "sku name can be up to 255 characters", "商品名称最多255字符"),
        BarcodeTooLong => d(20014, BAD, "sku barcode can contain up to 50 characters", "商品条码最多50字符"),
        DimensionsIncomplete => {
            d(20005, BAD, "Length, width and height must be filled in in full", "长宽高必须同时填写")
        }
        WeightRange => d(20008, BAD, "Weight range: 0g-999999.99g", "重量范围:0g-999999.99g"),
        SizeRange => d(20009, BAD, "Size range: 0cm-999.99cm", "尺寸范围:0cm-999.99cm"),
        DeclaredNameZhRequired => d(20024, BAD, "Sku declared chinese name is required", "商品申报中文名必填"),
        DeclaredNameZhTooLong => {
            d(20025, BAD, "Sku declared chinese name length is limit of 100", "商品申报中文名长度限制100")
        }
        DeclaredNameEnRequired => d(20026, BAD, "Sku declared english name is required", "商品申报英文名必填"),
        DeclaredNameEnTooLong => {
            d(20027, BAD, "Sku declared english name length is limit of 100", "商品申报英文名长度限制100")
        }
        DeclaredValueRequired => d(20028, BAD, "Sku declared price is required", "申报价格必填"),
        DeclaredValueRange => {
            d(20029, BAD, "Sku declared price range: 0.01-999999.999999", "申报价格范围:0.01-999999.999999")
        }
        CurrencyRequired => d(20030, BAD, "Sku declared currency is required", "申报币种必填"),
        CurrencyInvalid => d(20031, BAD, "Sku declared currency is error", "申报币种不合规"),
        AttributeInvalid => d(20033, BAD, "Sku declared attribute is error", "申报属性不合规"),
        FieldFormat(field) => bad_field(field),
    }
}

fn bad_field(field: &str) -> Described {
    d(10031, BAD, format!("request params {field} format error"), format!("请求参数 {field} 格式错误"))
}

fn describe_order(e: &OrderError) -> Described {
    use OrderError::*;
    match e {
        Required(field) => {
            let (code, en, zh) = match *field {
                "customerReference" => (50003, "erpNo is required!", "ERP单号必填!"),
                "platform" => (50029, "Platform is required!", "平台必填!"),
                "shippingServiceCode" => (50004, "logisticsId is required!", "物流名称必填!"),
                "recipient.country" => (50002, "recipientCountry is required!", "收件人(国家/地区)必填!"),
                "recipient.name" => (50048, "buyerName is required!", "收件人姓名必填!"),
                "recipient.state" => (50039, "recipientProvince is required!", "收件人(省/州)必填!"),
                "recipient.city" => (50040, "The recipientCity is required!", "收件人(市/县)必填!"),
                "recipient.addressLine1" => (50041, "recipientAddress is required!", "收货人地址(详细地址)必填!"),
                "recipient.postcode" => (50042, "zipCode is required!", "邮编必填!"),
                _ => (10000, "The request lacks necessary parameters", "请求缺少必要参数"),
            };
            d(code, BAD, format!("{en} ({field})"), format!("{zh} ({field})"))
        }
        TooLong { field, max } => {
            let code = match *field {
                "customerReference" => 50008,
                "platformOrderNo" => 50009,
                "recipient.name" => 50010,
                "recipient.phone" => 50011,
                "recipient.state" => 50012,
                "recipient.city" => 50013,
                "recipient.postcode" => 50014,
                "trackingNo" => 50016,
                "recipient.addressLine1" | "recipient.addressLine2" => 50006,
                "recipient.company" => 50061,
                "recipient.houseNo" => 50076,
                "recipient.district" => 50078,
                "note" | "reason" => 50075,
                "labelUrl" => 50001,
                _ => 10031,
            };
            d(code, BAD, format!("{field} can be up to {max} characters"), format!("{field} 最多 {max} 字符"))
        }
        NoItems => d(50022, BAD, "There are no items in the order, please check!", "订单中没有商品,请检查!"),
        Quantity(sku) => d(
            50023,
            BAD,
            format!("SKU num information error: {sku} needs 1 to 100000 units"),
            format!("商品信息异常: {sku} 数量须为 1 到 100000"),
        ),
        DuplicateSku(sku) => {
            d(50023, BAD, format!("SKU num information error: {sku} twice"), format!("商品信息异常: {sku} 重复"))
        }
        Platform => d(
            50029,
            BAD,
            "Platform must be AMAZON, EBAY, TEMU, TIKTOK, SHOPIFY, SHOPEE, WALMART or OTHER",
            "平台须为 AMAZON, EBAY, TEMU, TIKTOK, SHOPIFY, SHOPEE, WALMART 或 OTHER",
        ),
        Country => d(50007, BAD, "Country code must be 2 letters (ISO 3166)", "国家/地区二字码格式错误"),
        UsState => {
            d(50063, BAD, "The destination state code must be 2 letters for the US", "美国收件人州代码须为2个字母")
        }
        Postcode { country, postcode } => d(
            50087,
            BAD,
            format!("{postcode} is not a valid {country} postcode"),
            format!("{postcode} 不是有效的 {country} 邮编"),
        ),
        CountryMismatch { recipient, warehouse } => d(
            50025,
            BAD,
            format!(
                "recipientCountry {recipient} is inconsistent with the country where the warehouse is located ({warehouse}), please check!"
            ),
            format!("订单收件国家/地区 {recipient} 与仓库所在国家/地区 {warehouse} 不一致,请检查!"),
        ),
        LabelNeedsTracking => d(50005, BAD, "trackingNo is required with a label!", "提供面单时运单号必填!"),
        Label => d(
            50031,
            BAD,
            "labelUrl error: an http(s) URL or a base64 PDF",
            "面单信息异常: 须为 http(s) 地址或 base64 PDF",
        ),
    }
}

fn describe_inbound(e: &InboundError) -> Described {
    use InboundError::*;
    match e {
        ReferenceRequired => d(40000, BAD, "customerReference (erpNo) is required!", "客户参考号(ERP单号)必填!"),
        TooLong { field, max } => d(
            10031,
            BAD,
            format!("request params {field} format error: at most {max} characters"),
            format!("请求参数 {field} 格式错误: 最多 {max} 字符"),
        ),
        NoItems => d(40002, BAD, "There are no items in the document, please check!", "单据中没有商品,请检查!"),
        BoxesAndForecast => d(40100, BAD, "Give boxes or forecast lines, not both", "箱单与预报商品明细只能填写其一"),
        QuantityInvalid { sku } => d(
            40003,
            BAD,
            format!("Product quantity is required: {sku} needs 1 to 1000000 units"),
            format!("商品数量必填: {sku} 数量须为 1 到 1000000"),
        ),
        TooManyBoxes => d(40022, BAD, "Up to 5000 boxes can be pushed at one time", "一次最多推送5000个箱子"),
        TooManyLines => d(40008, BAD, "Up to 5000 products can be pushed at one time", "一次最多推送5000个商品"),
        EmptyBox { box_no } => d(
            40021,
            BAD,
            format!("There are no items in box {box_no}, please check!"),
            format!("箱子 {box_no} 中没有商品,请检查!"),
        ),
        BoxTooFull { box_no } => d(
            40023,
            BAD,
            format!("Box {box_no}: a box can hold up to 100 item lines"),
            format!("箱子 {box_no}: 一个箱子最多装100种商品"),
        ),
        DuplicateSku { box_no, sku } => d(
            40020,
            BAD,
            format!("Repeated product push: {sku} twice in box {box_no}, please check!"),
            format!("推送商品重复: {sku} 在箱子 {box_no} 中出现两次,请检查!"),
        ),
        DuplicateBoxNo(no) => d(40101, BAD, format!("Box number {no} is used twice"), format!("箱号 {no} 重复")),
        BoxNumbering(detail) => d(
            40102,
            BAD,
            format!("Numbered boxes must start at 1 and be consecutive: {detail}"),
            format!("箱号须从1开始连续编号: {detail}"),
        ),
        DimensionRange { box_no, field, max } => d(
            40103,
            BAD,
            format!("Box {box_no}: {field} must be more than 0 and at most {max} cm"),
            format!("箱子 {box_no}: {field} 须大于0且不超过 {max} 厘米"),
        ),
        WeightRange { box_no } => d(
            40104,
            BAD,
            format!("Box {box_no}: weightKg must be more than 0 and at most 1500 kg"),
            format!("箱子 {box_no}: 重量须大于0且不超过1500千克"),
        ),
        DuplicateBoxBarcode(code) => d(
            40106,
            CONFLICT,
            format!("Box barcode {code} is already used in this warehouse"),
            format!("箱子条码 {code} 在该仓库已被使用"),
        ),
        NotPrintable { field } => d(
            40034,
            BAD,
            format!("{field} format error: letters, digits and symbols only"),
            format!("{field} 格式错误: 仅支持字母、数字及符号"),
        ),
        DateFormat { field } => {
            d(40009, BAD, format!("Time format of {field}: yyyy-MM-dd"), format!("{field} 时间格式: yyyy-MM-dd"))
        }
        Serials { sku, reason } => {
            d(30003, BAD, format!("Serial numbers of {sku}: {reason}"), format!("{sku} 序列号错误: {reason}"))
        }
    }
}

pub fn describe_app(e: &AppError) -> Described {
    use AppError::*;
    match e {
        MissingParam { field } => d(
            10000,
            BAD,
            format!("The request lacks necessary parameters: {field}"),
            format!("请求缺少必要参数: {field}"),
        ),
        InvalidParam { field, reason } => d(
            10031,
            BAD,
            format!("request params {field} format error: {reason}"),
            format!("请求参数 {field} 格式错误: {reason}"),
        ),
        ClientIdRequired => d(10006, BAD, "CLIENT ID required!", "客户端ID必填"),
        ClientSecretRequired => d(10007, BAD, "CLIENT SECRET required!", "客户端密钥必填"),
        InvalidClient => d(10008, UNAUTHORIZED, "Invalid client app info", "客户端应用信息已失效"),
        AccessTokenRequired => d(10004, UNAUTHORIZED, "ACCESS TOKEN required", "访问令牌必填"),
        InvalidAccessToken => d(10002, UNAUTHORIZED, "Invalid ACCESS TOKEN", "访问令牌已失效"),
        AccessTokenExpired => d(10015, UNAUTHORIZED, "Token has expired", "令牌已过期"),
        RefreshTokenRequired => d(10005, BAD, "REFRESH TOKEN required!", "刷新令牌必填"),
        InvalidRefreshToken => d(10003, UNAUTHORIZED, "Invalid REFRESH TOKEN", "刷新令牌已失效"),
        SellerUserNotFound => d(10011, UNAUTHORIZED, "could not find user info", "找不到用户信息"),
        InvalidAuthorization => d(10030, UNAUTHORIZED, "Invalid authorization identification code", "授权识别码失效"),
        WrongCredentials => d(10012, UNAUTHORIZED, "wrong username or password", "用户名或密码错误"),
        AccountDisabled => d(
            10040,
            FORBIDDEN,
            "The account has been deactivated, please contact the warehouse service provider!",
            "账号已被停用,请联系仓库服务商!",
        ),
        WrongPrincipal => d(10060, FORBIDDEN, "This token may not call this API", "此令牌无权调用该接口"),
        Throttled { retry_after_s } => d(
            10070,
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many failed attempts: retry in {retry_after_s} s"),
            format!("失败次数过多,请 {retry_after_s} 秒后重试"),
        ),
        WeakPassword(why) => d(
            10071,
            BAD,
            format!("The password is too weak: {why}"),
            format!("密码强度不足: {}", weak_password_zh(*why)),
        ),
        CountPlanNotFound(no) => {
            d(30010, NOT_FOUND, format!("Count plan {no} not found"), format!("盘点计划 {no} 不存在"))
        }
        CountTaskNotFound(id) => {
            d(30011, NOT_FOUND, format!("Count task {id} not found"), format!("盘点任务 {id} 不存在"))
        }
        CountInProgress(l) => d(
            30012,
            CONFLICT,
            format!("Location {l} is already on an open count plan"),
            format!("库位 {l} 已在进行中的盘点计划里"),
        ),
        CountTaskClosed { task, location } => d(
            30013,
            CONFLICT,
            format!("Count task {task} at {location} is already counted or its plan approved"),
            format!("库位 {location} 的盘点任务 {task} 已盘点或计划已审核"),
        ),
        RecountBySameCounter(l) => d(
            30014,
            CONFLICT,
            format!("The recount of {l} must be done by another counter"),
            format!("库位 {l} 的复盘须由另一名盘点员完成"),
        ),
        CountPlanApproved(no) => {
            d(30015, CONFLICT, format!("Count plan {no} is already approved"), format!("盘点计划 {no} 已审核"))
        }
        CountPlanIncomplete { plan_no, open } => d(
            30016,
            CONFLICT,
            format!("Count plan {plan_no} still has {open} locations to count"),
            format!("盘点计划 {plan_no} 还有 {open} 个库位未盘点"),
        ),
        ReturnNotFound(no) => d(
            40025,
            NOT_FOUND,
            format!("Return order {no} not found in the warehouse system"),
            format!("在仓库系统中未找到退货单 {no}"),
        ),
        ReturnReferenceConflict(r) => d(
            40040,
            CONFLICT,
            format!("The return order {r} already exists with other contents, please do not push it again!"),
            format!("退货单 {r} 已存在且内容不同,请勿重复推送!"),
        ),
        ReturnStatus { order_no, status, action } => match action {
            haicang_core::returns::ReturnAction::Cancel => d(
                40026,
                CONFLICT,
                format!("The return order {order_no} has arrived ({status}): failed to cancel"),
                format!("退货单 {order_no} 已到仓({status}),取消失败!"),
            ),
            _ => d(
                40041,
                CONFLICT,
                format!("The return order {order_no} in status {status} does not allow {action}"),
                format!("退货单 {order_no} 当前状态({status})不支持该操作({action})"),
            ),
        },
        ReturnOriginalNotFound(no) => {
            d(40016, NOT_FOUND, format!("Original order {no} not found!"), format!("找不到原订单 {no}!"))
        }
        ReturnScanAmbiguous(code) => d(
            40044,
            CONFLICT,
            format!("{code} names more than one return waiting to arrive: scan the RMA number"),
            format!("{code} 对应多个待到仓退货单,请扫描退货单号"),
        ),
        ReturnOverGraded { order_no, arrived, graded } => d(
            40042,
            CONFLICT,
            format!("Return order {order_no}: {graded} units graded but {arrived} arrived"),
            format!("退货单 {order_no}: 已质检 {graded} 件,但到仓仅 {arrived} 件"),
        ),
        ReturnNothingGraded(no) => {
            d(40043, CONFLICT, format!("Return order {no} has nothing graded yet"), format!("退货单 {no} 尚未质检"))
        }
        ReturnNothingToShipBack(no) => d(
            40045,
            CONFLICT,
            format!("Return order {no} has no units waiting to go back to the seller"),
            format!("退货单 {no} 没有待退回卖家的货品"),
        ),
        InsufficientBalance { currency, available, needed } => d(
            10049,
            PAYMENT_REQUIRED,
            format!(
                "Your balance is not enough, please log in to OMS to recharge or contact the warehouse! \
                 ({currency}: {available} available, {needed} needed, in minor units)"
            ),
            format!(
                "您的余额不足,请登录OMS系统充值或联系仓库! ({currency}: 可用 {available}, 需要 {needed}, 最小货币单位)"
            ),
        ),
        NoRateCard(c) => d(
            10045,
            CONFLICT,
            format!("The warehouse has not assigned a billing plan to you, please contact the warehouse! ({c})"),
            format!("仓库尚未为您分配计费方案,请联系仓库! ({c})"),
        ),
        RateCardExists(c) => d(60001, CONFLICT, format!("Rate card {c} exists"), format!("计费方案 {c} 已存在")),
        RateCardNotFound(c) => d(60002, NOT_FOUND, format!("Rate card {c} not found"), format!("计费方案 {c} 不存在")),
        WorkOrderNotFound(no) => {
            d(70001, NOT_FOUND, format!("Work order {no} not found"), format!("加工单 {no} 不存在"))
        }
        WorkOrderReferenceConflict(r) => d(
            70002,
            CONFLICT,
            format!("A work order with reference {r} exists with other contents"),
            format!("参考号 {r} 的加工单已存在且内容不同"),
        ),
        WorkOrderStatus { order_no, status, action } => d(
            70003,
            CONFLICT,
            format!("Work order {order_no} is {status}: {action} is not possible"),
            format!("加工单 {order_no} 状态为 {status}, 不能执行 {action}"),
        ),
        WorkOrderNotAKit(sku) => d(
            70004,
            BAD,
            format!("{sku} is not a kit: work orders assemble or take apart SUITE products with components"),
            format!("{sku} 不是组合商品: 加工单只能组装或拆分有组件的组合商品"),
        ),
        WorkOrderCompletion { order_no, reason } => d(
            70005,
            CONFLICT,
            format!("Work order {order_no}: {reason}"),
            format!("加工单 {order_no}: 完工数量不符 ({reason})"),
        ),
        Transfer(e) => transfer_error(e),
        NotPacked(no) => {
            d(80006, CONFLICT, format!("Order {no} is not packed into cartons yet"), format!("订单 {no} 尚未装箱"))
        }
        CartonNotFound(lpn) => d(80008, NOT_FOUND, format!("Carton {lpn} not found"), format!("箱子 {lpn} 不存在")),
        CartonStatus { lpn, status } => d(
            80009,
            CONFLICT,
            format!("Carton {lpn} is {status}: only a sealed carton can be opened, moved or ordered whole"),
            format!("箱子 {lpn} 状态为 {status}: 只有封存的箱子可以开箱、整箱移动或整箱出库"),
        ),
        BillNotFound(b) => d(60003, NOT_FOUND, format!("Bill {b} not found"), format!("账单 {b} 不存在")),
        BillStatus { bill_no, status, wanted } => d(
            60004,
            CONFLICT,
            format!("Bill {bill_no} is {status}: it cannot become {wanted}"),
            format!("账单 {bill_no} 状态为 {status}, 不能变为 {wanted}"),
        ),
        StaffNotFound(u) => d(10072, NOT_FOUND, format!("Staff {u} not found"), format!("员工 {u} 不存在")),
        AppNotFound(a) => d(10073, NOT_FOUND, format!("App {a} not found"), format!("应用 {a} 不存在")),
        Product(p) => describe_product(p),
        ProductBatchTooLarge => d(20012, BAD, "Up to 300 products can be pushed at one time", "一次最多推送300个商品"),
        SkuExists(sku) => {
            d(20003, CONFLICT, format!("sku {sku} already exists!"), format!("商品SKU {sku} 已创建,无需重复推送!"))
        }
        BarcodeExists(b) => {
            d(20004, CONFLICT, format!("sku barcode({b}) already exists!"), format!("商品条码({b})已存在!"))
        }
        SkuNotFound(sku) => d(
            20007,
            NOT_FOUND,
            format!("SKU {sku} not found. Please check if the SKU has been invalidated in the OMS!"),
            format!("未找到sku {sku},请检查是否在OMS作废了该SKU!"),
        ),
        BarcodeLockedByStock(b) => d(
            20021,
            CONFLICT,
            format!("Barcode {b} exists in the return document or the inventory is not 0, changes are not allowed"),
            format!("条码{b}存在退货单据或库存不为0,不允许更改"),
        ),
        ProductLockedByStock(sku) => d(
            20036,
            CONFLICT,
            format!("SKU {sku} has stock: its type and serial/batch management cannot change"),
            format!("SKU {sku} 有库存,不能修改类型或序列号/批次管理"),
        ),
        WarehouseNotFound(w) => d(
            10051,
            NOT_FOUND,
            format!("The warehouse({w}) is not recognized, Please contact the warehouse service provider!"),
            format!("未识别到仓库({w}),请联系仓库服务商!"),
        ),
        WarehouseNotGranted(w) => d(
            10050,
            FORBIDDEN,
            format!(
                "The warehouse service provider has not allocated warehouse permissions to you, please contact the warehouse service provider! ({w})"
            ),
            format!("仓库服务商没有为您分配仓库权限,请联系仓库服务商!({w})"),
        ),
        RoleRequired { required, role } => d(
            10068,
            FORBIDDEN,
            format!("Permission denied: this operation needs the {required} role (yours: {role})"),
            format!("权限不足:此操作需要 {required} 角色(当前:{role})"),
        ),
        WarehouseOutOfScope(w) => d(
            10069,
            FORBIDDEN,
            format!("Permission denied: you may not work in warehouse {w}"),
            format!("权限不足:您无权操作仓库 {w}"),
        ),
        CustomerNotFound(c) => d(30005, NOT_FOUND, format!("Customer {c} not found"), format!("客户 {c} 不存在")),
        LocationNotFound(l) => d(30001, NOT_FOUND, format!("Location {l} not found"), format!("库位 {l} 不存在")),
        InsufficientStock { sku, requested, available } => d(
            30002,
            CONFLICT,
            format!("Insufficient stock of {sku}: requested {requested}, available {available}"),
            format!("{sku} 库存不足: 需要 {requested}, 可用 {available}"),
        ),
        SerialMismatch { sku, reason } => {
            d(30003, BAD, format!("Serial numbers of {sku}: {reason}"), format!("{sku} 序列号错误: {reason}"))
        }
        BatchRequired { sku } => d(
            30004,
            BAD,
            format!("{sku} is batch managed: give a batch number or an expiry date"),
            format!("{sku} 为批次管理商品: 请填写批次号或过期日期"),
        ),
        AlreadyExists(what) => d(30006, CONFLICT, format!("{what} already exists"), format!("{what} 已存在")),
        Inbound(i) => describe_inbound(i),
        InboundNotFound(no) => d(
            40004,
            NOT_FOUND,
            format!("The inbound order {no} was not found in the warehouse!"),
            format!("在仓库中未找到该入库单 {no}!"),
        ),
        InboundReferenceConflict(r) => d(
            40001,
            CONFLICT,
            format!(
                "The inbound order {r} already exists in the warehouse with other contents, please do not push it again!"
            ),
            format!("入库单 {r} 在仓库中已存在且内容不同,请勿重复推送!"),
        ),
        InboundStatus { order_no, status, action } => match action {
            InboundAction::Cancel => d(
                40005,
                CONFLICT,
                format!("The inbound order {order_no} cannot be cancelled when its status is ({status})"),
                format!("入库单 {order_no} 当前状态({status})不允许取消入库单"),
            ),
            InboundAction::UpdateTracking => d(
                40006,
                CONFLICT,
                format!("The trackingNo of {order_no} is not allowed to be modified when its status is ({status})"),
                format!("入库单 {order_no} 状态({status})时不能更改运单号"),
            ),
            other => d(
                40028,
                CONFLICT,
                format!(
                    "The status ({status}) of stock-in list {order_no} does not support the operation {}",
                    other.as_str()
                ),
                format!("入库单 {order_no} 状态({status})不支持当前操作 {}", other.as_str()),
            ),
        },
        SkuInactive(sku) => d(40107, BAD, format!("SKU {sku} is not active"), format!("商品 {sku} 未启用")),
        WarehouseNotAccepting(w) => {
            d(40108, CONFLICT, format!("The warehouse {w} does not accept orders now"), format!("仓库 {w} 暂停接单"))
        }
        BoxNotFound { order_no, code } => d(
            40109,
            NOT_FOUND,
            format!("Inbound order {order_no} has no box {code}"),
            format!("入库单 {order_no} 中没有箱子 {code}"),
        ),
        PutawayExceeds { sku, lot_no, waiting, requested } => d(
            40110,
            CONFLICT,
            format!("{sku} lot {lot_no}: {requested} to put away but {waiting} waiting"),
            format!("{sku} 批次 {lot_no}: 上架 {requested}, 待上架仅 {waiting}"),
        ),
        LocationNotAllowed { location, reason } => d(
            40111,
            BAD,
            format!("Location {location} may not take these goods: {reason}"),
            format!("库位 {location} 不能存放这些货物: {reason}"),
        ),
        Order(o) => describe_order(o),
        OutboundNotFound(no) => d(
            50017,
            NOT_FOUND,
            // JF's text first (its own example answers it), then the number.
            format!("The order was not found in the warehouse! ({no})"),
            format!("在仓库中未找到该订单!({no})"),
        ),
        OutboundReferenceConflict(r) => {
            d(50019, CONFLICT, format!("ERP order number {r} already exists"), format!("ERP单号 {r} 已存在"))
        }
        OutboundStatus { order_no, status, action } => d(
            50088,
            CONFLICT,
            format!("The status ({status}) of order {order_no} does not support the operation {}", action.as_str()),
            format!("订单 {order_no} 状态({status})不支持当前操作 {}", action.as_str()),
        ),
        OutboundShipped(no) => d(
            50018,
            CONFLICT,
            format!("The order {no} has been shipped, please contact logistics to intercept it!"),
            format!("订单 {no} 已发货,请联系物流拦截!"),
        ),
        OutboundCancelled(no) => d(50027, CONFLICT, format!("Order {no} canceled"), format!("订单 {no} 已取消")),
        ShippingServiceUnknown(c) => d(
            50020,
            BAD,
            format!("The logistics method {c} is not recognized, please contact the warehouse service provider!"),
            format!("物流方式 {c} 未识别,请联系仓库服务商!"),
        ),
        ShippingServiceDisabled(c) => d(
            50021,
            BAD,
            format!(
                "The warehouse has not opened the logistics method: {c}, Please contact the warehouse service provider!"
            ),
            format!("仓库未开启物流方式:{c},请联系仓库服务商!"),
        ),
        OutboundInsufficient { sku, requested, available } => d(
            50026,
            CONFLICT,
            format!("The inventory of SKU ({sku}) is insufficient: requested {requested}, available {available}"),
            format!("商品sku({sku})库存不足: 需要 {requested}, 可用 {available}"),
        ),
        OutboundSkuMissing(sku) => d(
            50024,
            BAD,
            format!("SKU:{sku} does not exist in the warehouse, please push the SKU first"),
            format!("商品SKU:{sku}在仓库中不存在,请先推送商品SKU"),
        ),
        OutboundSkuBanned(sku) => d(
            50030,
            BAD,
            format!(
                "SKU: {sku} has been banned from sale by the warehouse, Please contact the warehouse service provider!"
            ),
            format!("SKU:{sku}已被仓库设置禁售,请联系仓库服务商!"),
        ),
        TooManyQueried => d(50028, BAD, "Query up to 100 pieces of data at one time!", "一次性最多查询100条数据!"),
        InterceptPending(no) => d(
            50089,
            CONFLICT,
            format!("Order {no} has an interception request under review by the warehouse"),
            format!("订单 {no} 截单已申请,仓库审核中"),
        ),
        NoInterception(no) => d(
            50090,
            CONFLICT,
            format!("Order {no} has no pending interception request"),
            format!("订单 {no} 没有待处理的截单申请"),
        ),
        PickMismatch(why) => d(50091, BAD, format!("Pick refused: {why}"), format!("拣货被拒绝: {why}")),
        Pack(p) => d(50092, BAD, format!("Pack refused: {p}"), format!("打包被拒绝: {p}")),
        BatchNotFound(id) => d(50093, NOT_FOUND, format!("Pick batch {id} not found"), format!("拣货批次 {id} 不存在")),
        WaveEmpty(why) => d(
            50094,
            CONFLICT,
            format!("No order could be released to the wave: {why}"),
            format!("没有可以释放到波次的订单: {why}"),
        ),
        TrackingExists(t) => {
            d(50086, CONFLICT, format!("Tracking number {t} already exists"), format!("运单号 {t} 已存在,请勿重复提交"))
        }
        WebhookAddressRefused { host, ip, range } => d(
            10066,
            BAD,
            format!(
                "Webhook URL refused: {host} resolves to {ip}, a {} address; webhooks may reach public addresses only",
                range.name()
            ),
            format!("Webhook 地址被拒绝:{host} 解析为 {ip},属于{};Webhook 只能访问公网地址", range.name_zh()),
        ),
        WebhookUnresolvable(host) => d(
            10067,
            BAD,
            format!("Webhook URL refused: the host {host} does not resolve"),
            format!("Webhook 地址被拒绝:无法解析主机 {host}"),
        ),
        WebhookNotFound(id) => {
            d(10065, NOT_FOUND, format!("Webhook or delivery {id} not found"), format!("Webhook 或投递 {id} 不存在"))
        }
        Print(_) | Interrupted(_) => {
            d(1, StatusCode::INTERNAL_SERVER_ERROR, "server error, please try again later", "服务异常,请重试!")
        }
        Store(_) if e.sealed().is_some() => {
            let (location, loose, requested) = e.sealed().unwrap_or_default();
            d(
                80007,
                CONFLICT,
                format!(
                    "Units at {location} are sealed in cartons: {loose} loose, {requested} requested; open or move the carton"
                ),
                format!("库位 {location} 的商品封存在箱中: 散货 {loose}, 需要 {requested}; 请先开箱或整箱移动"),
            )
        }
        Store(haicang_app::StoreError::Unavailable(_)) => d(
            10080,
            StatusCode::SERVICE_UNAVAILABLE,
            "The database is unavailable for a moment (restart or failover): send the request again; an order sent again with the same customerReference is never made twice",
            "数据库暂时不可用(重启或主备切换中): 请重新发送请求; 以相同的 customerReference 重发的订单不会重复创建",
        ),
        Store(_) => d(1, StatusCode::INTERNAL_SERVER_ERROR, "server error, please try again later", "服务异常,请重试!"),
    }
}

fn weak_password_zh(why: haicang_core::password::WeakPassword) -> String {
    use haicang_core::password::{MAX_CHARS, MIN_CHARS, WeakPassword::*};
    match why {
        TooShort => format!("至少需要 {MIN_CHARS} 个字符"),
        TooLong => format!("最多 {MAX_CHARS} 个字符"),
        IsUsername => "不能与用户名相同".into(),
        Common => "属于最常见的密码".into(),
        Repeated => "不能由同一字符重复组成".into(),
    }
}

pub fn describe(e: &ApiError) -> Described {
    match e {
        ApiError::App(a) => describe_app(a),
        ApiError::MalformedJson(detail) => d(
            10001,
            BAD,
            format!("Request parameter error: the body is not valid JSON ({detail})"),
            format!("请求参数错误: 请求体不是有效的 JSON ({detail})"),
        ),
        ApiError::BadField(detail) => {
            d(10031, BAD, format!("request params format error: {detail}"), format!("请求参数格式错误: {detail}"))
        }
        ApiError::BodyTooLarge => {
            d(10063, StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large", "请求体过大")
        }
        ApiError::NoSuchRoute => d(10062, NOT_FOUND, "No such API", "接口不存在"),
        ApiError::BadSignature => d(10026, UNAUTHORIZED, "SIGN error", "签名错误"),
        ApiError::ReplayedNonce => {
            d(10027, CONFLICT, "Repeated commit: the nonce was already used", "重复提交: nonce 已使用")
        }
        ApiError::StaleTimestamp => {
            d(10028, UNAUTHORIZED, "Invalid TIMESTAMP: more than 5 minutes off", "时间戳已失效: 偏差超过5分钟")
        }
        ApiError::NotReady(why) => d(
            10081,
            StatusCode::SERVICE_UNAVAILABLE,
            format!("This node is not ready: {why}"),
            format!("本节点未就绪: {why}"),
        ),
        ApiError::RateLimited(wait) => d(
            10017,
            StatusCode::TOO_MANY_REQUESTS,
            format!("Request exceeds frequency limit, retry in {wait} s"),
            format!("请求过于频繁,请 {wait} 秒后重试"),
        ),
        ApiError::IpNotAllowed(ip) => {
            d(10010, FORBIDDEN, format!("Request ip {ip} not in whitelist"), format!("请求IP {ip} 不在白名单中"))
        }
        ApiError::MethodNotAllowed => {
            d(10064, StatusCode::METHOD_NOT_ALLOWED, "Method not allowed for this API", "该接口不支持此请求方法")
        }
        ApiError::Unclassified => {
            d(1, StatusCode::INTERNAL_SERVER_ERROR, "server error, please try again later", "服务异常,请重试!")
        }
        ApiError::Header { name, missing } => describe_header(name, *missing),
        ApiError::NotOffered(what) => d(
            -1,
            StatusCode::NOT_IMPLEMENTED,
            format!("System maintenance and upgrade in progress! ({what} is not offered by this warehouse yet)"),
            format!("系统维护升级中!(本仓库暂未提供{what})"),
        ),
    }
}

/// An error's code and message in the caller's language (for answers that
/// carry several results, each with its own code).
pub fn localized(e: &ApiError) -> (i64, String) {
    let described = describe(e);
    let message = match RequestContext::current().lang {
        Lang::Zh => described.zh,
        Lang::En => described.en,
    };
    (described.code, message)
}

/// JF's header codes: `sign`, `nonce`, `timestamp`, `userId` required or
/// malformed; the access token and client id have their own codes.
fn describe_header(name: &str, missing: bool) -> Described {
    match (name, missing) {
        ("accessToken", _) => describe_app(&AppError::AccessTokenRequired),
        ("clientId", _) => describe_app(&AppError::ClientIdRequired),
        ("userId", true) => d(10020, UNAUTHORIZED, "USER ID required!", "用户ID必填"),
        ("userId", false) => d(10029, UNAUTHORIZED, "USER ID format error", "用户ID格式错误"),
        ("sign", _) => d(10021, UNAUTHORIZED, "SIGN required!", "签名必填"),
        ("nonce", true) => d(10022, UNAUTHORIZED, "NONCE required!", "随机数必填"),
        ("nonce", false) => d(10024, UNAUTHORIZED, "NONCE format error", "随机数格式错误"),
        ("timestamp", true) => d(10023, UNAUTHORIZED, "TIMESTAMP required!", "时间戳必填"),
        (_, true) => d(
            10000,
            BAD,
            format!("The request lacks necessary parameters: {name}"),
            format!("请求缺少必要参数: {name}"),
        ),
        (_, false) => d(10025, UNAUTHORIZED, "TIMESTAMP format error", "时间戳格式错误"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ctx = RequestContext::current();
        if let ApiError::App(a @ AppError::Store(e)) = &self
            && a.sealed().is_none()
            && !matches!(e, haicang_app::StoreError::Unavailable(_))
        {
            // The cause is logged with the request id, never sent.
            tracing::error!(request_id = %ctx.request_id, error = %e, "request failed");
        }
        let described = describe(&self);
        let message = match ctx.lang {
            Lang::Zh => described.zh,
            Lang::En => described.en,
        };
        let mut response = error_body(described.status, described.code, message, &ctx.request_id);
        let wait = match self {
            ApiError::RateLimited(wait) => Some(wait),
            ApiError::App(AppError::Throttled { retry_after_s }) => Some(retry_after_s.max(1) as u64),
            ApiError::App(AppError::Store(haicang_app::StoreError::Unavailable(_))) | ApiError::NotReady(_) => Some(1),
            _ => None,
        };
        if let Some(wait) = wait
            && let Ok(value) = axum::http::HeaderValue::from_str(&wait.to_string())
        {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

/// Transfers and B2B cartons: 80001–80006.
fn transfer_error(e: &haicang_core::transfers::TransferError) -> Described {
    use haicang_core::transfers::TransferError as T;
    match e {
        T::SameWarehouse => d(80001, BAD, "A transfer must go to another warehouse", "调拨的目的仓不能与发货仓相同"),
        T::Required(_) | T::TooLong { .. } | T::DestinationType | T::Platform => {
            d(80002, BAD, format!("Destination invalid: {e}"), format!("目的地无效: {e}"))
        }
        T::CartonPlan { sku, reason } => d(
            80003,
            BAD,
            format!("Carton plan of {sku} is invalid: {reason}"),
            format!("{sku} 的装箱计划无效: {reason}"),
        ),
        T::Cartons { sku, reason } => d(
            80004,
            CONFLICT,
            format!("Cartons of {sku} do not match the order's carton plan: {reason}"),
            format!("{sku} 的装箱与订单的装箱计划不符 (箱子不完整或多装): {reason}"),
        ),
        T::EmptyCarton | T::BoxCount => d(
            80005,
            BAD,
            format!("Cartons invalid: {e}"),
            format!("箱子无效: 每箱至少一个商品, 同一商品不可重复, 每单 1 至 999 箱 ({e})"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use haicang_core::product::ProductError;

    /// Every message exists in both languages, and the Chinese one is
    /// Chinese (a catalogue entry copied without translation is a bug).
    #[test]
    fn every_entry_speaks_both_languages() {
        use haicang_core::transfers::TransferError as T;
        let samples = vec![
            AppError::MissingParam { field: "f" },
            AppError::InvalidParam { field: "f", reason: "r".into() },
            AppError::ClientIdRequired,
            AppError::ClientSecretRequired,
            AppError::InvalidClient,
            AppError::AccessTokenRequired,
            AppError::InvalidAccessToken,
            AppError::AccessTokenExpired,
            AppError::RefreshTokenRequired,
            AppError::InvalidRefreshToken,
            AppError::SellerUserNotFound,
            AppError::InvalidAuthorization,
            AppError::WrongCredentials,
            AppError::AccountDisabled,
            AppError::WrongPrincipal,
            AppError::Throttled { retry_after_s: 3 },
            AppError::WeakPassword(haicang_core::password::WeakPassword::Common),
            AppError::StaffNotFound("u".into()),
            AppError::ReturnNotFound("RT".into()),
            AppError::CountPlanNotFound("CT".into()),
            AppError::CountTaskNotFound(1),
            AppError::CountInProgress("L".into()),
            AppError::CountTaskClosed { task: 1, location: "L".into() },
            AppError::RecountBySameCounter("L".into()),
            AppError::CountPlanApproved("CT".into()),
            AppError::CountPlanIncomplete { plan_no: "CT".into(), open: 1 },
            AppError::ReturnReferenceConflict("R".into()),
            AppError::ReturnOriginalNotFound("OB".into()),
            AppError::ReturnScanAmbiguous("T".into()),
            AppError::ReturnOverGraded { order_no: "RT".into(), arrived: 1, graded: 2 },
            AppError::ReturnNothingGraded("RT".into()),
            AppError::ReturnNothingToShipBack("RT".into()),
            AppError::InsufficientBalance { currency: "USD".into(), available: 0, needed: 1 },
            AppError::NoRateCard("C".into()),
            AppError::RateCardExists("R".into()),
            AppError::RateCardNotFound("R".into()),
            AppError::BillNotFound("B".into()),
            AppError::Transfer(T::SameWarehouse),
            AppError::Transfer(T::Required("toWarehouseCode")),
            AppError::Transfer(T::CartonPlan { sku: "S".into(), reason: "r".into() }),
            AppError::Transfer(T::Cartons { sku: "S".into(), reason: "r".into() }),
            AppError::Transfer(T::EmptyCarton),
            AppError::NotPacked("TF".into()),
            AppError::CartonNotFound("LP".into()),
            AppError::CartonStatus { lpn: "LP".into(), status: "OPENED".into() },
            AppError::WorkOrderNotFound("WO".into()),
            AppError::WorkOrderReferenceConflict("R".into()),
            AppError::WorkOrderNotAKit("S".into()),
            AppError::WorkOrderCompletion {
                order_no: "WO".into(),
                reason: haicang_core::work_orders::CompletionError::Nothing,
            },
            AppError::BillStatus { bill_no: "B".into(), status: "OPEN".into(), wanted: "PAID".into() },
            AppError::AppNotFound("a".into()),
            AppError::Product(ProductError::SkuFormat),
            AppError::ProductBatchTooLarge,
            AppError::SkuExists("S".into()),
            AppError::BarcodeExists("B".into()),
            AppError::SkuNotFound("S".into()),
            AppError::BarcodeLockedByStock("B".into()),
            AppError::ProductLockedByStock("S".into()),
            AppError::WarehouseNotFound("W".into()),
            AppError::WarehouseNotGranted("W".into()),
            AppError::RoleRequired {
                required: haicang_app::StaffRole::Supervisor,
                role: haicang_app::StaffRole::Operator,
            },
            AppError::WarehouseOutOfScope("W".into()),
            AppError::WebhookAddressRefused {
                host: "h".into(),
                ip: std::net::Ipv4Addr::LOCALHOST.into(),
                range: haicang_core::network::Blocked::Loopback,
            },
            AppError::WebhookUnresolvable("h".into()),
            AppError::CustomerNotFound("C".into()),
            AppError::LocationNotFound("L".into()),
            AppError::InsufficientStock { sku: "S".into(), requested: 2, available: 1 },
            AppError::SerialMismatch { sku: "S".into(), reason: "r".into() },
            AppError::BatchRequired { sku: "S".into() },
            AppError::AlreadyExists("X".into()),
        ];
        let mut codes = std::collections::BTreeSet::new();
        for e in &samples {
            let d = describe_app(e);
            assert!(!d.en.is_empty() && d.en.is_ascii(), "{e:?}: {}", d.en);
            assert!(d.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e:?}: {}", d.zh);
            assert!(d.status.is_client_error(), "{e:?} is not a 4xx");
            codes.insert((d.code, d.status.as_u16()));
        }
        // A code means one thing: it never comes with two statuses.
        let distinct: std::collections::BTreeSet<i64> = codes.iter().map(|(c, _)| *c).collect();
        assert_eq!(distinct.len(), codes.len());
    }
}
