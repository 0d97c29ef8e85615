//! The closed value sets of records that are not stock documents:
//! accounts, places, serial numbers, webhook deliveries, count tasks.
//! Stored as their text; the store decodes them and refuses anything else.

use crate::text::text_enum;

text_enum!(
    /// A customer, an app or a staff member: only ACTIVE ones may sign in.
    AccountStatus { Active => "ACTIVE", Disabled => "DISABLED" }
);

text_enum!(
    /// A warehouse, a location or a shipping service in use or not.
    Availability { Enabled => "ENABLED", Disabled => "DISABLED" }
);

text_enum!(
    /// A serial number in the warehouse or gone with a document.
    SerialStatus { InStock => "IN_STOCK", Out => "OUT" }
);

text_enum!(
    /// A webhook delivery: waiting (to be tried or retried), delivered, or
    /// given up.
    DeliveryStatus { Pending => "PENDING", Delivered => "DELIVERED", Failed => "FAILED" }
);
