//! The console's words in English and Chinese. Every text is one variant
//! of [`Msg`] with both languages side by side, so a screen cannot show a
//! word that has no translation. The language is the `hc_lang` cookie
//! (the switch on every page) or else the browser's Accept-Language.

use axum::http::HeaderMap;

use haicang_api::context::Lang;

use crate::session::{LANG_COOKIE, cookie};

pub fn choose_lang(headers: &HeaderMap) -> Lang {
    match cookie(headers, LANG_COOKIE) {
        Some("zh") => Lang::Zh,
        Some("en") => Lang::En,
        _ => Lang::from_header(headers.get("accept-language").and_then(|v| v.to_str().ok())),
    }
}

pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// Whole numbers with thousands separators (both languages group by
/// three with a comma in the warehouse trade).
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

macro_rules! messages {
    ($($name:ident => $en:literal, $zh:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($name,)* }

        impl Msg {
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$name, Lang::En) => $en, (Msg::$name, Lang::Zh) => $zh,)*
                }
            }
        }
    };
}

messages! {
    AppName => "haicang console", "海仓作业台";
    SignIn => "Sign in", "登录";
    SignOut => "Sign out", "退出";
    Username => "Username", "用户名";
    Password => "Password", "密码";
    SignInTitle => "Staff sign-in", "员工登录";
    Dashboard => "Dashboard", "看板";
    Inbound => "Inbound", "入库";
    Putaway => "Putaway", "上架";
    Waves => "Waves", "波次";
    Pack => "Pack", "打包";
    Ship => "Ship", "发货";
    Stock => "Stock", "库存";
    Adjust => "Adjust", "库存调整";
    Warehouse => "Warehouse", "仓库";
    Warehouses => "Warehouses", "仓库";
    Status => "Status", "状态";
    Count => "Count", "数量";
    Orders => "Outbound orders", "出库单";
    InboundOrders => "Inbound orders", "入库单";
    ArrivalsDue => "Arrivals due today", "今日预计到货";
    CartsInProgress => "Carts in progress", "进行中的拣货车";
    Exceptions => "Exceptions", "异常";
    ShortPicks => "Short picks (24 h)", "短拣（24小时）";
    OpenAlerts => "Open stock alerts", "未关闭的库存预警";
    None => "None", "无";
    ScanArrival => "Scan a box label, ASN number or tracking number", "扫描箱唛、入库单号或运单号";
    Arrived => "Arrived", "已到货";
    Order => "Order", "单号";
    Seller => "Seller", "客户";
    Boxes => "Boxes", "箱数";
    Units => "Units", "件数";
    Sku => "SKU", "SKU";
    Expected => "Expected", "预报";
    Good => "Good", "良品";
    Defective => "Defective", "不良品";
    PutAway => "Put away", "已上架";
    ScanBox => "Scan the box label to count it", "扫描箱唛开始清点";
    BoxCounted => "Box counted", "已清点";
    CountBox => "Count of box", "清点箱";
    SaveCount => "Save count", "保存清点";
    CloseReceipt => "Close receipt", "完成收货";
    ReceiptClosed => "Receipt closed", "收货已完成";
    ReprintLabels => "Reprint box labels", "重打箱唛";
    Discrepancies => "Discrepancies", "差异";
    Box => "Box", "箱";
    Received => "Received", "已收";
    GoToPutaway => "Put away", "去上架";
    Lot => "Lot", "批次";
    Condition => "Condition", "品质";
    Quantity => "Quantity", "数量";
    Suggested => "Suggested location", "建议库位";
    ScanLocation => "Scan location", "扫描库位";
    Confirm => "Confirm", "确认";
    NothingToPutAway => "Nothing waits to be put away.", "没有待上架的货物。";
    PutAwayDone => "Put away", "已上架";
    ReleaseWave => "Release a wave", "释放波次";
    Profile => "Order profile", "订单类型";
    ProfileAny => "Any", "全部";
    ProfileSingleUnit => "Single unit", "单品单件";
    ProfileSingleSku => "Single SKU", "单品多件";
    ProfileMultiSku => "Multiple SKUs", "多品";
    MaxOrders => "At most orders", "最多订单数";
    OrdersPerCart => "Orders per cart", "每车订单数";
    OrderNumbers => "Only these orders (one per line, optional)", "仅这些订单（每行一个，可选）";
    WaitingForWave => "Orders waiting for a wave", "待生成波次的订单";
    Release => "Release", "释放";
    WaveReleased => "Wave released", "波次已释放";
    Carts => "carts", "车";
    Cart => "Cart", "拣货车";
    Progress => "Progress", "进度";
    NextStop => "Next stop", "下一拣货点";
    Location => "Location", "库位";
    Tote => "Tote", "周转箱";
    ScanItem => "Scan the item", "扫描商品";
    Picked => "Picked", "已拣";
    Short => "Short: the location has only this many", "短拣：库位只有这么多";
    WrongLocation => "Wrong location: go to", "库位错误，请前往";
    CartDone => "This cart is picked. Take it to packing:", "本车已拣完，请送往打包区：";
    RouteMap => "Route", "路线";
    ScanOrder => "Scan the order number (or the tote at packing)", "扫描订单号（打包时也可扫周转箱）";
    ScanEachItem => "Scan each item", "逐件扫描商品";
    Scanned => "Scanned", "已扫";
    WrongItem => "Not in this order", "不属于本订单";
    ExtraItem => "Already complete", "该商品已扫够";
    ItemOk => "OK", "正确";
    WeightKg => "Weight (kg)", "重量（kg）";
    LengthCm => "Length (cm)", "长（cm）";
    WidthCm => "Width (cm)", "宽（cm）";
    HeightCm => "Height (cm)", "高（cm）";
    FinishPacking => "Pack and print the label", "完成打包并打印面单";
    Packed => "Packed", "已打包";
    PrintLabel => "Print the shipping label", "打印面单";
    Shipped => "Shipped", "已发货";
    Tracking => "Tracking", "运单号";
    SearchStock => "Scan or type a SKU, barcode, location, lot or batch", "扫描或输入SKU、条码、库位、批次";
    Search => "Search", "查询";
    Movements => "Movements", "库存流水";
    When => "When", "时间";
    From => "From", "从";
    To => "To", "到";
    Before => "Before", "变动前";
    After => "After", "变动后";
    Document => "Document", "单据";
    Operator => "Operator", "操作人";
    NoStockFound => "No stock found.", "未找到库存。";
    AdjustTitle => "Stock adjustment", "库存调整";
    Reason => "Reason", "原因";
    SignedQuantity => "Quantity (+ in, − out)", "数量（+ 增加，− 减少）";
    Adjusted => "Adjusted", "已调整";
    Submit => "Submit", "提交";
    CsrfRefused => "This form has expired or did not come from this console. Reload the page and try again.", "表单已过期或不是来自本系统，请刷新页面后重试。";
    RoleRefused => "Your role may not open this page.", "您的角色无权打开此页面。";
    FormTooLarge => "The form is too large.", "表单过大。";
    NoWarehouse => "You are not assigned to any warehouse.", "您未被分配到任何仓库。";
    Back => "Back", "返回";
    Admin => "Admin", "管理";
    Products => "Products", "商品";
    ApiReference => "API reference", "API文档";
    PortalTitle => "Seller sign-in", "客户登录";
    Email => "Email", "邮箱";
    ExportCsv => "Export CSV", "导出CSV";
    ExportXlsx => "Export XLSX", "导出XLSX";
    Available => "Available", "可用";
    Reserved => "Reserved", "预占";
    InTransit => "In transit", "在途";
    ImportProducts => "Import products (CSV or XLSX)", "导入商品（CSV或XLSX）";
    Template => "Download the template", "下载模板";
    ImportFile => "CSV or XLSX file", "CSV或XLSX文件";
    Import => "Import", "导入";
    Imported => "Imported", "已导入";
    ImportRefused => "Nothing was imported: fix these rows and upload the file again.", "未导入任何数据：请修正以下行后重新上传。";
    Row => "Row", "行";
    Cancel => "Cancel", "取消";
    Serials => "Serial numbers in stock", "在库序列号";
    StockValue => "Declared value on hand", "在库申报价值";
    NewProduct => "New product", "新建商品";
    Saved => "Saved", "已保存";
    Battery => "Contains a battery", "含电池";
    BulkOrders => "Upload orders (CSV or XLSX)", "批量上传订单（CSV或XLSX）";
    BulkInbound => "Upload inbound orders (CSV or XLSX)", "批量上传入库单（CSV或XLSX）";
    OrdersRefused => "Orders refused:", "被拒绝的订单：";
    OrdersToday => "Orders today", "今日订单";
    InboundOnTheWay => "Inbound orders on the way", "在途入库单";
    Wallet => "Wallet", "钱包";
    Credit => "credit", "信用额度";
    Bills => "Bills", "账单";
    Bill => "Bill", "账单号";
    Period => "Period", "账期";
    Amount => "Amount", "金额";
    Users => "Users", "用户";
    AddUser => "Add a user", "新增用户";
    Integration => "Integration", "对接";
    RotateSecret => "New secret", "更换密钥";
    Deliveries => "Webhook deliveries", "Webhook推送记录";
    Attempts => "Attempts", "尝试次数";
    Redeliver => "Redeliver", "重新推送";
    NewOutbound => "New outbound order", "新建出库单";
    NewInbound => "New inbound order", "新建入库单";
    Service => "Shipping service", "物流渠道";
    Reference => "Your reference", "客户单号";
    Platform => "Platform", "平台";
    Recipient => "Recipient", "收件人";
    Phone => "Phone", "电话";
    Country => "Country (2 letters)", "国家（两位代码）";
    State => "State", "州/省";
    City => "City", "城市";
    Postcode => "Postcode", "邮编";
    Address => "Address", "地址";
    ItemLines => "Items: one 'SKU quantity' per line", "商品：每行一个“SKU 数量”";
    BoxLines => "Boxes: one 'box SKU quantity' per line", "箱子：每行一个“箱号 SKU 数量”";
    Carrier => "Carrier", "承运商";
    BoxLabels => "Box labels", "箱唛";
    Create => "Create", "创建";
    Created => "Created", "已创建";
    CountPlans => "Count plans awaiting approval", "待审核的盘点计划";
    Counted => "counted", "已盘";
    Approve => "Approve", "审核通过";
    Replenishment => "Replenish", "补货";
    ByService => "Open orders by shipping service", "按物流渠道的未发订单";
    WorkOrders => "Kitting", "加工单";
    Start => "Start", "开始";
    Produced => "Made", "完成数量";
    Rejected => "Rejected", "报废数量";
    Workers => "Workers", "作业人员";
    StaffTitle => "Staff", "员工";
    Role => "Role", "角色";
    AllWarehouses => "all", "全部";
    Disable => "Disable", "停用";
    AddStaff => "Add staff", "新增员工";
    WarehousesBlankAll => "Warehouses (codes; blank: all)", "仓库（代码，留空为全部）";
    Customers => "Customers", "客户";
    AddCustomer => "Add customer", "新增客户";
    Name => "Name", "名称";
    GrantWarehouse => "Grant a warehouse", "开通仓库";
    AddApp => "Add an API app", "新增API应用";
    SecretShownOnce => "The new app's secret is shown this once: copy it now.", "新应用的密钥仅显示这一次，请立即复制。";
    FromLocation => "From location", "源库位";
    ToLocation => "To location", "目标库位";
    Move => "Move", "移库";
    Moved => "Moved", "已移库";
    Counts => "Counts", "盘点";
    Round => "round", "轮次";
    EnterCount => "Enter the count", "提交盘点";
    CountEntered => "Count entered", "盘点已提交";
    RecountOpened => "a recount is opened", "已生成复盘任务";
    Map => "Map", "库位图";
    SpotsOccupied => "bays hold stock", "个货位有库存";
    MapLegend => "Darker red: more units; the darkest holds", "颜色越深库存越多；最深处";
    Returns => "Returns", "退货";
    ScanReturn => "Scan the return's tracking number, RMA or order number", "扫描退货运单号、RMA或单号";
    Announced => "Announced", "预报";
    Graded => "Graded", "已质检";
    Grade => "Grade", "质检";
    Disposition => "Disposition", "处理方式";
    SaveGrade => "Save grading", "保存质检";
    Complete => "Complete", "完成";
    ReturnCompleted => "Return completed", "退货已完成";
    UnitsArrived => "Units in the parcel", "包裹内件数";
    Skipped => "Skipped", "跳过";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_by_thousands() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1,000");
        assert_eq!(number(-1234567), "-1,234,567");
        assert_eq!(number(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn a_cookie_choice_beats_the_browser() {
        let mut h = HeaderMap::new();
        h.insert("accept-language", "zh-CN,zh;q=0.9".parse().unwrap());
        assert_eq!(choose_lang(&h), Lang::Zh);
        h.insert("cookie", "hc_lang=en; other=1".parse().unwrap());
        assert_eq!(choose_lang(&h), Lang::En);
        assert_eq!(Msg::SignIn.text(Lang::Zh), "登录");
    }
}
