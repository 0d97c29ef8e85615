//! Which network addresses haicang may connect to on a seller's behalf.
//!
//! A webhook URL is a seller's text that makes our server open a
//! connection: without a rule it reaches the cloud metadata service
//! (169.254.169.254), the database on loopback or the operator's office
//! network. The rule: only public unicast addresses, unless the operator
//! opened a named range (an on-premise receiver, tests on loopback).
//! IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64,
//! 6to4) are judged by the address they carry.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use ipnet::IpNet;

/// Why an address is not public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    Unspecified,
    Loopback,
    Private,
    LinkLocal,
    SharedAddressSpace,
    UniqueLocal,
    Multicast,
    Broadcast,
    Documentation,
    Benchmarking,
    Reserved,
}

impl Blocked {
    /// The range's name in English, for error messages.
    pub fn name(self) -> &'static str {
        match self {
            Blocked::Unspecified => "unspecified",
            Blocked::Loopback => "loopback",
            Blocked::Private => "private",
            Blocked::LinkLocal => "link-local",
            Blocked::SharedAddressSpace => "carrier-grade NAT",
            Blocked::UniqueLocal => "unique-local",
            Blocked::Multicast => "multicast",
            Blocked::Broadcast => "broadcast",
            Blocked::Documentation => "documentation",
            Blocked::Benchmarking => "benchmarking",
            Blocked::Reserved => "reserved",
        }
    }

    /// The same in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Blocked::Unspecified => "未指定地址",
            Blocked::Loopback => "回环地址",
            Blocked::Private => "私有地址",
            Blocked::LinkLocal => "链路本地地址",
            Blocked::SharedAddressSpace => "运营商级 NAT 地址",
            Blocked::UniqueLocal => "唯一本地地址",
            Blocked::Multicast => "组播地址",
            Blocked::Broadcast => "广播地址",
            Blocked::Documentation => "文档保留地址",
            Blocked::Benchmarking => "基准测试地址",
            Blocked::Reserved => "保留地址",
        }
    }
}

/// `None` when `ip` is a public unicast address.
pub fn classify(ip: IpAddr) -> Option<Blocked> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Blocked> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_unspecified() || a == 0 => Blocked::Unspecified,
        _ if ip.is_loopback() => Blocked::Loopback,
        _ if ip.is_private() => Blocked::Private,
        _ if ip.is_link_local() => Blocked::LinkLocal,
        (100, 64..=127, _) => Blocked::SharedAddressSpace,
        _ if ip.is_broadcast() => Blocked::Broadcast,
        _ if ip.is_multicast() => Blocked::Multicast,
        _ if ip.is_documentation() => Blocked::Documentation,
        (198, 18..=19, _) => Blocked::Benchmarking,
        // IETF protocol assignments (192.0.0/24), 6to4 relay anycast
        // (192.88.99/24), and the old class E (240/4).
        (192, 0, 0) | (192, 88, 99) => Blocked::Reserved,
        _ if a >= 240 => Blocked::Reserved,
        _ => return None,
    })
}

fn classify_v6(ip: Ipv6Addr) -> Option<Blocked> {
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    let s = ip.segments();
    Some(match s[0] {
        _ if ip.is_unspecified() => Blocked::Unspecified,
        _ if ip.is_loopback() => Blocked::Loopback,
        _ if ip.is_multicast() => Blocked::Multicast,
        x if x & 0xfe00 == 0xfc00 => Blocked::UniqueLocal,
        // fe80::/10 link-local and the deprecated fec0::/10 site-local.
        x if x & 0xffc0 == 0xfe80 => Blocked::LinkLocal,
        x if x & 0xffc0 == 0xfec0 => Blocked::Private,
        0x2001 if s[1] == 0x0db8 => Blocked::Documentation,
        0x3fff if s[1] < 0x1000 => Blocked::Documentation,
        // Teredo tunnels (2001::/32) and ORCHID/benchmarking (2001:2::/48, 2001:10::/28).
        0x2001 if s[1] == 0 || s[1] == 2 || (s[1] & 0xfff0) == 0x0010 => Blocked::Reserved,
        // Discard-only (100::/64).
        0x0100 if s[1..4] == [0, 0, 0] => Blocked::Reserved,
        _ => return None,
    })
}

/// The IPv4 address an IPv6 address stands for: mapped (::ffff:a.b.c.d),
/// compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        [0, 0, 0, 0, 0, 0, _, _] if !ip.is_loopback() && !ip.is_unspecified() => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x64, 0xff9b, 1, ..] => Some(tail),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)),
        _ => None,
    }
}

/// The operator's exceptions: ranges a webhook may reach although not
/// public. Empty (the default) means public addresses only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    allowed: Vec<IpNet>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a network range (expected CIDR such as 127.0.0.0/8): {0}")]
pub struct BadRange(pub String);

impl NetworkPolicy {
    /// Parses ranges such as `127.0.0.0/8` or `10.1.2.3` (a single host).
    pub fn parse<'a>(ranges: impl IntoIterator<Item = &'a str>) -> Result<NetworkPolicy, BadRange> {
        let mut allowed = Vec::new();
        for text in ranges.into_iter().flat_map(|r| r.split(',')).map(str::trim).filter(|r| !r.is_empty()) {
            let net = text
                .parse::<IpNet>()
                .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| BadRange(text.to_owned()))?;
            allowed.push(net.trunc());
        }
        Ok(NetworkPolicy { allowed })
    }

    pub fn allowed(&self) -> &[IpNet] {
        &self.allowed
    }

    /// `Err` naming the range when haicang may not connect to `ip`.
    pub fn check(&self, ip: IpAddr) -> Result<(), Blocked> {
        let Some(blocked) = classify(ip) else { return Ok(()) };
        // An IPv4-mapped address is allowed when its IPv4 form is.
        let plain = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        if self.allowed.iter().any(|net| net.contains(&ip) || net.contains(&plain)) { Ok(()) } else { Err(blocked) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(text: &str) -> Option<Blocked> {
        classify(text.parse().unwrap())
    }

    #[test]
    fn internal_ranges_are_blocked_in_every_form() {
        assert_eq!(blocked("169.254.169.254"), Some(Blocked::LinkLocal));
        assert_eq!(blocked("127.0.0.1"), Some(Blocked::Loopback));
        assert_eq!(blocked("127.255.1.9"), Some(Blocked::Loopback));
        assert_eq!(blocked("10.0.0.8"), Some(Blocked::Private));
        assert_eq!(blocked("172.16.3.4"), Some(Blocked::Private));
        assert_eq!(blocked("192.168.1.1"), Some(Blocked::Private));
        assert_eq!(blocked("100.64.0.1"), Some(Blocked::SharedAddressSpace));
        assert_eq!(blocked("0.0.0.0"), Some(Blocked::Unspecified));
        assert_eq!(blocked("0.1.2.3"), Some(Blocked::Unspecified));
        assert_eq!(blocked("224.0.0.1"), Some(Blocked::Multicast));
        assert_eq!(blocked("255.255.255.255"), Some(Blocked::Broadcast));
        assert_eq!(blocked("192.0.2.7"), Some(Blocked::Documentation));
        assert_eq!(blocked("203.0.113.9"), Some(Blocked::Documentation));
        assert_eq!(blocked("198.18.0.1"), Some(Blocked::Benchmarking));
        assert_eq!(blocked("240.0.0.1"), Some(Blocked::Reserved));
        assert_eq!(blocked("::1"), Some(Blocked::Loopback));
        assert_eq!(blocked("::"), Some(Blocked::Unspecified));
        assert_eq!(blocked("fe80::1"), Some(Blocked::LinkLocal));
        assert_eq!(blocked("fd00:ec2::254"), Some(Blocked::UniqueLocal));
        assert_eq!(blocked("ff02::1"), Some(Blocked::Multicast));
        assert_eq!(blocked("2001:db8::1"), Some(Blocked::Documentation));
        // IPv6 forms that carry an internal IPv4 address.
        assert_eq!(blocked("::ffff:169.254.169.254"), Some(Blocked::LinkLocal));
        assert_eq!(blocked("::ffff:127.0.0.1"), Some(Blocked::Loopback));
        assert_eq!(blocked("::127.0.0.1"), Some(Blocked::Loopback));
        assert_eq!(blocked("64:ff9b::10.0.0.1"), Some(Blocked::Private));
        assert_eq!(blocked("2002:a9fe:a9fe::1"), Some(Blocked::LinkLocal));
    }

    #[test]
    fn public_addresses_pass() {
        for ip in ["93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::1"] {
            assert_eq!(blocked(ip), None, "{ip}");
        }
    }

    #[test]
    fn an_operator_range_opens_exactly_that_range() {
        let policy = NetworkPolicy::parse(["127.0.0.0/8", "10.1.2.3"]).unwrap();
        assert_eq!(policy.check("127.0.0.1".parse().unwrap()), Ok(()));
        assert_eq!(policy.check("::ffff:127.0.0.1".parse().unwrap()), Ok(()));
        assert_eq!(policy.check("10.1.2.3".parse().unwrap()), Ok(()));
        assert_eq!(policy.check("10.1.2.4".parse().unwrap()), Err(Blocked::Private));
        assert_eq!(policy.check("169.254.169.254".parse().unwrap()), Err(Blocked::LinkLocal));
        assert_eq!(NetworkPolicy::default().check("127.0.0.1".parse().unwrap()), Err(Blocked::Loopback));
        assert!(NetworkPolicy::parse(["not-a-range"]).is_err());
        assert_eq!(NetworkPolicy::parse(["127.0.0.0/8,::1/128"]).unwrap().allowed().len(), 2);
    }

    proptest::proptest! {
        /// Any address in an IPv6 mapped form is judged exactly as its IPv4 form.
        #[test]
        fn mapped_forms_are_judged_as_their_ipv4(bits in proptest::prelude::any::<u32>()) {
            let v4 = Ipv4Addr::from(bits);
            proptest::prop_assert_eq!(classify(IpAddr::V6(v4.to_ipv6_mapped())), classify(IpAddr::V4(v4)));
        }
    }
}
