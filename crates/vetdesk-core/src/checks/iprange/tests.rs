use super::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn cidr_parsing_table() {
    // (input, Ok(canonical text) or Err(part of the message))
    let rows: [(&str, Result<&str, &str>); 26] = [
        ("192.0.2.0/24", Ok("192.0.2.0/24")),
        ("  192.0.2.0 / 24 ", Ok("192.0.2.0/24")),
        ("192.0.2.7", Ok("192.0.2.7/32")),
        ("192.0.2.7/32", Ok("192.0.2.7/32")),
        ("0.0.0.0/0", Ok("0.0.0.0/0")),
        ("2001:db8::/32", Ok("2001:db8::/32")),
        ("2001:DB8:0:0::/48", Ok("2001:db8::/48")),
        ("2001:db8::1", Ok("2001:db8::1/128")),
        ("::/0", Ok("::/0")),
        ("::1/128", Ok("::1/128")),
        ("::ffff:192.0.2.0/120", Ok("192.0.2.0/24")),
        ("::ffff:192.0.2.9", Ok("192.0.2.9/32")),
        ("::ffff:0:0/96", Ok("0.0.0.0/0")),
        ("::ffff:0:0/95", Err("the range it names is ::fffe:0:0/95")),
        ("192.0.2.7/24", Err("host bits set; the range it names is 192.0.2.0/24")),
        ("2001:db8::1/64", Err("the range it names is 2001:db8::/64")),
        ("192.0.2.0/33", Err("/33 is longer than the 32 bits of an IPv4")),
        ("2001:db8::/129", Err("/129 is longer than the 128 bits of an IPv6")),
        ("192.0.2.0/", Err("prefix length \"\" is not a number")),
        ("192.0.2.0/-1", Err("prefix length \"-1\" is not a number")),
        ("192.0.2.0/24/8", Err("prefix length \"24/8\"")),
        ("192.0.2/24", Err("\"192.0.2\" is not an IPv4 or IPv6 address")),
        ("010.0.2.0/24", Err("is not an IPv4 or IPv6 address")),
        ("fe80::1%eth0", Err("zone index")),
        ("", Err("empty value")),
        ("example.com", Err("not an IPv4 or IPv6 address")),
    ];
    for (text, want) in rows {
        let got = text.parse::<Cidr>().map(|c| c.to_string()).map_err(|e| e.to_string());
        match (got, want) {
            (Ok(g), Ok(w)) => assert_eq!(g, w, "{text:?}"),
            (Err(g), Err(w)) => assert!(g.contains(w), "{text:?}: {g}"),
            (g, w) => panic!("{text:?}: got {g:?}, wanted {w:?}"),
        }
    }
}

#[test]
fn containment_at_the_edges() {
    let rows = [
        ("192.0.2.0/24", "192.0.2.0", true),
        ("192.0.2.0/24", "192.0.2.255", true),
        ("192.0.2.0/24", "192.0.1.255", false),
        ("192.0.2.0/24", "192.0.3.0", false),
        ("192.0.2.0/24", "::ffff:192.0.2.200", true),
        ("192.0.2.0/24", "2001:db8::c000:280", false),
        ("0.0.0.0/0", "255.255.255.255", true),
        ("0.0.0.0/0", "0.0.0.0", true),
        ("0.0.0.0/0", "::1", false),
        ("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("::/0", "192.0.2.1", false),
        ("198.51.100.7/32", "198.51.100.7", true),
        ("198.51.100.7/32", "198.51.100.8", false),
        ("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("2001:db8::/32", "2001:db9::", false),
        ("2001:db8::5/128", "2001:db8::5", true),
        ("2001:db8::5/128", "2001:db8::4", false),
    ];
    for (cidr, addr, inside) in rows {
        let c: Cidr = cidr.parse().unwrap();
        assert_eq!(c.contains(ip(addr)), inside, "{addr} in {cidr}");
        let index: IpIndex = [IpRangeEntry {
            cidr: c,
            category: IpCategory::Vpn,
            label: String::new(),
            list: "t".into(),
        }]
        .into_iter()
        .collect();
        assert_eq!(index.lookup(ip(addr)).len(), usize::from(inside), "index: {addr} in {cidr}");
    }
    let c: Cidr = "192.0.2.0/24".parse().unwrap();
    assert_eq!(c.first_last(), (ip("192.0.2.0"), ip("192.0.2.255")));
    let c: Cidr = "0.0.0.0/0".parse().unwrap();
    assert_eq!(c.first_last(), (ip("0.0.0.0"), ip("255.255.255.255")));
    let c: Cidr = "2001:db8::/127".parse().unwrap();
    assert_eq!(c.first_last(), (ip("2001:db8::"), ip("2001:db8::1")));
}

#[test]
fn overlapping_entries_of_different_lists_are_all_returned() {
    let csv_countries = "cidr,category,label\n203.0.113.0/24,KP,Country range\n";
    let csv_vpn = "label,cidr,category\nExampleVPN exit,203.0.113.64/26,vpn\nExampleVPN host,203.0.113.77,vpn\n";
    let mut index = IpIndex::new();
    index.extend(parse_csv(csv_countries.as_bytes(), "countries").unwrap());
    index.extend(parse_csv(csv_vpn.as_bytes(), "vpn").unwrap());
    let found: Vec<(String, String)> = index
        .lookup(ip("203.0.113.77"))
        .iter()
        .map(|e| (e.cidr.to_string(), e.list.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("203.0.113.77/32".to_string(), "vpn".to_string()),
            ("203.0.113.64/26".to_string(), "vpn".to_string()),
            ("203.0.113.0/24".to_string(), "countries".to_string()),
        ]
    );
    let check = index.check(ip("::ffff:203.0.113.70"));
    assert_eq!(check.looked_up_as, "203.0.113.70");
    let findings = check.findings();
    assert_eq!(findings.len(), 2);
    assert_eq!(
        (findings[0].check.as_str(), findings[0].outcome),
        ("ip.anonymising", Outcome::Warn)
    );
    assert_eq!((findings[1].check.as_str(), findings[1].outcome), ("ip.country", Outcome::Info));
    let json = serde_json::to_value(&check).unwrap();
    assert_eq!(json["matches"][1]["category"], "KP");
    assert_eq!(serde_json::from_value::<IpCheck>(json).unwrap(), check);
}

#[test]
fn csv_errors_name_every_bad_line_and_nothing_is_imported() {
    let text = "# exported 2026-11-20\n\
                cidr,category,label\n\
                192.0.2.0/24,vpn,ok\n\
                192.0.2.7/24,vpn,host bits\n\
                \n\
                198.51.100.0/24,UK,wrong code\n\
                198.51.100.0/24,residential,unknown category\n\
                2001:db8::/32,hosting\n\
                not-an-ip,tor,bad\n";
    let err = parse_csv(text.as_bytes(), "mixed").unwrap_err();
    let lines: Vec<(u64, Option<&str>)> =
        err.problems.iter().map(|p| (p.line, p.column.as_deref())).collect();
    assert_eq!(
        lines,
        vec![
            (4, Some("cidr")),
            (6, Some("category")),
            (7, Some("category")),
            (8, None),
            (9, Some("cidr")),
        ]
    );
    let message = err.to_string();
    assert!(message.contains("5 problem(s)"), "{message}");
    assert!(message.contains("line 6, column category"), "{message}");
    assert!(message.contains("GB"), "{message}");
}

#[test]
fn csv_header_rules() {
    let rows: [(&str, Result<usize, &str>); 9] = [
        ("cidr,category,label\n192.0.2.0/24,vpn,x\n", Ok(1)),
        ("\u{feff}CIDR , Category\n192.0.2.0/24,tor\n", Ok(1)),
        ("category,cidr\nus,192.0.2.0/24\n", Ok(1)),
        ("cidr,category,label\n", Ok(0)),
        ("", Err("the file has no header line")),
        ("# only a comment\n\n", Err("the file has no header line")),
        ("cidr,category,label,asn\n192.0.2.0/24,vpn,x,64500\n", Err("unknown column \"asn\"")),
        ("cidr,label\n192.0.2.0/24,x\n", Err("required column \"category\" is missing")),
        ("cidr,category,cidr\n", Err("column \"cidr\" appears twice")),
    ];
    for (text, want) in rows {
        match (parse_csv(text.as_bytes(), "t"), want) {
            (Ok(entries), Ok(n)) => assert_eq!(entries.len(), n, "{text:?}"),
            (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{text:?}: {e}"),
            (got, want) => panic!("{text:?}: got {got:?}, wanted {want:?}"),
        }
    }
    let entries = parse_csv("category,cidr\nus,192.0.2.0/24\n".as_bytes(), "geo").unwrap();
    assert_eq!(entries[0].category.to_string(), "US");
    assert_eq!(entries[0].label, "");
    assert_eq!(entries[0].list, "geo");
    // Quoted labels may hold commas and line breaks; line numbers stay exact after them.
    let quoted = "cidr,category,label\r\n192.0.2.0/24,vpn,\"Example, Inc.\nexit nodes\"\r\n\r\n198.51.100.0/24,xx,bad\r\n";
    let err = parse_csv(quoted.as_bytes(), "t").unwrap_err();
    assert_eq!((err.problems[0].line, err.problems[0].column.as_deref()), (5, Some("category")));
    let fixed = quoted.replace(",xx,", ",kp,");
    let ok = parse_csv(fixed.as_bytes(), "t").unwrap();
    assert_eq!(ok[0].label, "Example, Inc.\nexit nodes");
    let open = "cidr,category,label\n192.0.2.0/24,vpn,\"never closed\n";
    let err = parse_csv(open.as_bytes(), "t").unwrap_err();
    assert_eq!(err.problems[0].line, 2);
    assert!(err.problems[0].message.contains("never closed"));
    let bad_utf8: &[u8] = b"cidr,category\n192.0.2.0/24,\xff\xfe\n";
    let err = parse_csv(bad_utf8, "t").unwrap_err();
    assert_eq!(err.problems[0].line, 2);
    assert!(err.problems[0].message.contains("UTF-8"));
}

/// 100,000 random ranges (nested and overlapping by construction of random prefixes) and
/// 1,000 random addresses: the index must give exactly the brute-force answer.
#[test]
fn index_agrees_with_brute_force_on_100k_random_ranges() {
    let mut rng = StdRng::seed_from_u64(0x5eed_2026);
    let mut entries = Vec::with_capacity(100_000);
    for i in 0..100_000 {
        let (addr, prefix) = if i % 4 == 3 {
            // IPv6 inside 2001:db8::/32 so that random queries land in some of them.
            let a: u128 = (0x2001_0db8u128 << 96) | (rng.random::<u128>() >> 32);
            (IpAddr::V6(Ipv6Addr::from(a)), rng.random_range(32..=128u8))
        } else {
            // IPv4 in 10.0.0.0/8 with mostly long prefixes, some short ones that nest them.
            let a: u32 = 0x0a00_0000 | (rng.random::<u32>() >> 8);
            let prefix =
                if i % 50 == 0 { rng.random_range(8..=16u8) } else { rng.random_range(16..=32u8) };
            (IpAddr::V4(Ipv4Addr::from(a)), prefix)
        };
        let cidr = Cidr::new(mask_ip(addr, prefix), prefix).unwrap();
        let category = if i % 2 == 0 { IpCategory::Vpn } else { IpCategory::Hosting };
        entries.push(IpRangeEntry {
            cidr,
            category,
            label: format!("r{i}"),
            list: "random".into(),
        });
    }
    let index: IpIndex = entries.iter().cloned().collect();
    assert_eq!(index.len(), 100_000);

    let mut total_matches = 0;
    for q in 0..1_000 {
        let addr = match q % 4 {
            // Half the queries start from a random entry, so that many do hit.
            0 | 1 => {
                let e = &entries[rng.random_range(0..entries.len())];
                let (first, last) = e.cidr.first_last();
                if q % 2 == 0 { first } else { last }
            }
            2 => IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | (rng.random::<u32>() >> 8))),
            _ => IpAddr::V6(Ipv6Addr::from((0x2001_0db8u128 << 96) | (rng.random::<u128>() >> 32))),
        };
        let mut fast: Vec<&str> = index.lookup(addr).iter().map(|e| e.label.as_str()).collect();
        let mut slow: Vec<&str> =
            entries.iter().filter(|e| e.cidr.contains(addr)).map(|e| e.label.as_str()).collect();
        fast.sort_unstable();
        slow.sort_unstable();
        assert_eq!(fast, slow, "{addr}");
        total_matches += slow.len();
    }
    // The test only means something if it exercised real matches, nested ones included.
    assert!(total_matches > 1_000, "only {total_matches} matches");
}
