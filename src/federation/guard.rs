//! The outbound address guard: outside development mode no request reaches a loopback, private,
//! link-local or otherwise internal address. It runs on every resolved address (so a public name
//! pointing inside is caught) and on IP literals and redirect targets before connecting.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

/// True for addresses a public server must never be made to call.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal_v4(v4),
            None => is_internal_v6(v6),
        },
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 192 && b == 88 && ip.octets()[2] == 99) // 6to4 relay anycast
        || a >= 240
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let first = segments[0];
    // Addresses that carry an IPv4 address are as internal as the address they carry.
    if let Some(v4) = embedded_v4(ip) {
        return is_internal_v4(v4);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link local
        || (first & 0xffc0) == 0xfec0 // site local (deprecated, still routed inside some networks)
        || (first == 0x2001 && segments[1] == 0x0db8) // documentation
        || (first == 0x2001 && segments[1] == 0x0000) // Teredo: its IPv4 is obfuscated
        || (first == 0x0064 && segments[1] == 0xff9b && segments[2] == 0x0001) // local NAT64
        || (first == 0x0100 && segments[1..4] == [0, 0, 0]) // discard-only
        || segments[..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible (::a.b.c.d), deprecated
}

/// The IPv4 address inside a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if s[..6] == [0x0064, 0xff9b, 0, 0, 0, 0] {
        return Some(v4(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return Some(v4(s[1], s[2]));
    }
    None
}

/// Refuses a URL before any connection: wrong scheme, or an internal IP literal.
pub fn check_url(url: &Url, dev: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => {}
        "http" if dev => {}
        other => return Err(format!("refusing {other}:// URL outside development mode")),
    }
    if dev {
        return Ok(());
    }
    let literal = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) if name == "localhost" || name.ends_with(".localhost") => {
            return Err(format!("refusing internal host {name}"));
        }
        Some(url::Host::Domain(_)) => None,
        None => return Err("URL has no host".into()),
    };
    match literal {
        Some(ip) if is_internal(ip) => Err(format!("refusing internal address {ip}")),
        _ => Ok(()),
    }
}

/// A DNS resolver that drops internal addresses (unless in development mode).
pub struct GuardedResolver {
    pub dev: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let dev = self.dev;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| dev || !is_internal(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

pub fn resolver(dev: bool) -> Arc<GuardedResolver> {
    Arc::new(GuardedResolver { dev })
}

#[cfg(test)]
mod tests {
    use super::{check_url, is_internal};

    #[test]
    fn internal_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "::127.0.0.1",
            "::8.8.8.8",
            "fec0::1",
            "192.0.0.8",
            "2001:0:4136:e378::1",
            "100::1",
        ] {
            assert!(is_internal(ip.parse().expect("ip")), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "2606:4700::1111",
            "8.8.8.8",
            "64:ff9b::5db8:d822",
            "2002:5db8:d822::1",
        ] {
            assert!(!is_internal(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[test]
    fn urls_are_checked_before_connecting() {
        let url = |s: &str| s.parse().expect("url");
        assert!(check_url(&url("https://example.com/a"), false).is_ok());
        assert!(check_url(&url("http://example.com/a"), false).is_err());
        assert!(check_url(&url("https://127.0.0.1/a"), false).is_err());
        assert!(check_url(&url("https://[::1]/a"), false).is_err());
        assert!(check_url(&url("https://10.0.0.5/a"), false).is_err());
        assert!(check_url(&url("https://localhost/a"), false).is_err());
        assert!(check_url(&url("http://127.0.0.1:8080/a"), true).is_ok());
        assert!(check_url(&url("ftp://example.com/a"), true).is_err());
    }
}
