use super::*;
use AddressKind::*;

/// (input, kind, delivery line, city, state, ZIP5, ZIP+4 part)
type Row = (
    &'static str,
    AddressKind,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const ROWS: &[Row] = &[
    (
        "123 North Main Street, Apartment 4, Springfield, Illinois 62704-1234",
        Street,
        "123 N MAIN ST APT 4",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62704"),
        Some("1234"),
    ),
    (
        "123 N. Main St., Apt. 4\nSpringfield, IL 62704",
        Street,
        "123 N MAIN ST APT 4",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62704"),
        None,
    ),
    (
        "123 n main st #4 springfield il 627041234",
        Street,
        "123 N MAIN ST # 4",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62704"),
        Some("1234"),
    ),
    (
        "1600 Pennsylvania Avenue Northwest, Washington, DC 20500",
        Street,
        "1600 PENNSYLVANIA AVE NW",
        Some("WASHINGTON"),
        Some("DC"),
        Some("20500"),
        None,
    ),
    (
        "1600 Pennsylvania Ave. N.W.\nWashington, D.C. 20500",
        Street,
        "1600 PENNSYLVANIA AVE NW",
        Some("WASHINGTON"),
        Some("DC"),
        Some("20500"),
        None,
    ),
    (
        "350 Fifth Avenue, Suite 3300, New York, New York 10118",
        Street,
        "350 FIFTH AVE STE 3300",
        Some("NEW YORK"),
        Some("NY"),
        Some("10118"),
        None,
    ),
    (
        "350 5th Ave Ste 3300, New York, NY 10118, USA",
        Street,
        "350 5TH AVE STE 3300",
        Some("NEW YORK"),
        Some("NY"),
        Some("10118"),
        None,
    ),
    (
        "42 South West Temple Street, Salt Lake City, UT 84101",
        Street,
        "42 SW TEMPLE ST",
        Some("SALT LAKE CITY"),
        Some("UT"),
        Some("84101"),
        None,
    ),
    (
        "500 Lake Shore Drive East, Chicago IL 60611",
        Street,
        "500 LAKE SHORE DR E",
        Some("CHICAGO"),
        Some("IL"),
        Some("60611"),
        None,
    ),
    (
        "500 Lake Shore Dr E Chicago IL 60611",
        Street,
        "500 LAKE SHORE DR E",
        Some("CHICAGO"),
        Some("IL"),
        Some("60611"),
        None,
    ),
    (
        "12 North St, Boston, MA 02109",
        Street,
        "12 NORTH ST",
        Some("BOSTON"),
        Some("MA"),
        Some("02109"),
        None,
    ),
    (
        "77 Front Street, Floor 2, Brooklyn, NY 11201",
        Street,
        "77 FRONT ST FL 2",
        Some("BROOKLYN"),
        Some("NY"),
        Some("11201"),
        None,
    ),
    (
        "9 Oak Court, Hartford, Connecticut",
        Street,
        "9 OAK CT",
        Some("HARTFORD"),
        Some("CT"),
        None,
        None,
    ),
    ("9 Oak Ct", Street, "9 OAK CT", None, None, None, None),
    (
        "123 1/2 Elm Boulevard Rear, Austin, TX 78701",
        Street,
        "123 1/2 ELM BLVD REAR",
        Some("AUSTIN"),
        Some("TX"),
        Some("78701"),
        None,
    ),
    (
        "Acme Staffing LLC, Attn: HR, 200 Commerce Pkwy Bldg 2 Room 110, Irvine, CA 92618",
        Street,
        "200 COMMERCE PKWY BLDG 2 RM 110",
        Some("IRVINE"),
        Some("CA"),
        Some("92618"),
        None,
    ),
    (
        "Apt 5B, 88 Queens Boulevard, Queens, NY 11375",
        Street,
        "88 QUEENS BLVD APT 5B",
        Some("QUEENS"),
        Some("NY"),
        Some("11375"),
        None,
    ),
    (
        "100 Box Elder St, Brigham City, UT 84302",
        Street,
        "100 BOX ELDER ST",
        Some("BRIGHAM CITY"),
        Some("UT"),
        Some("84302"),
        None,
    ),
    (
        "45 Boxwood Ln, Cary, NC 27511",
        Street,
        "45 BOXWOOD LN",
        Some("CARY"),
        Some("NC"),
        Some("27511"),
        None,
    ),
    (
        "8 Pobox Rd, Springfield, IL 62704",
        Street,
        "8 POBOX RD",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62704"),
        None,
    ),
    (
        "15 Post Office Rd, Waldorf, MD 20602",
        Street,
        "15 POST OFFICE RD",
        Some("WALDORF"),
        Some("MD"),
        Some("20602"),
        None,
    ),
    (
        "31 Box Canyon Road, Sedona, AZ 86336",
        Street,
        "31 BOX CANYON RD",
        Some("SEDONA"),
        Some("AZ"),
        Some("86336"),
        None,
    ),
    (
        "7 Caller Lane, Dover, DE 19901",
        Street,
        "7 CALLER LN",
        Some("DOVER"),
        Some("DE"),
        Some("19901"),
        None,
    ),
    (
        "RR 2 Box 152, Hazard, KY 41701",
        Street,
        "RR 2 BOX 152",
        Some("HAZARD"),
        Some("KY"),
        Some("41701"),
        None,
    ),
    (
        "Rural Route 2, Box 152, Hazard, KY 41701",
        Street,
        "RR 2 BOX 152",
        Some("HAZARD"),
        Some("KY"),
        Some("41701"),
        None,
    ),
    (
        "HC 68 Box 23A, Pinedale, WY 82941",
        Street,
        "HC 68 BOX 23A",
        Some("PINEDALE"),
        Some("WY"),
        Some("82941"),
        None,
    ),
    (
        "P.O. Box 1207, Springfield, IL 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "PO BOX 1207 Springfield IL 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "po box #1207, springfield, il 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "Post Office Box 1207\nSpringfield IL 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "P O Box 1207, Springfield, IL 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "POB 1207, Springfield, IL 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "P.O.B. 1207, Springfield, IL 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "POBox 1207, Springfield, IL 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    ("Box 12, Marfa, TX 79843", PoBox, "PO BOX 12", Some("MARFA"), Some("TX"), Some("79843"), None),
    (
        "Post Box 77, Nome, AK 99762",
        PoBox,
        "PO BOX 77",
        Some("NOME"),
        Some("AK"),
        Some("99762"),
        None,
    ),
    (
        "Caller 3000, Reno, NV 89505",
        PoBox,
        "PO BOX 3000",
        Some("RENO"),
        Some("NV"),
        Some("89505"),
        None,
    ),
    (
        "Firm Caller 3000, Reno, NV 89505",
        PoBox,
        "PO BOX 3000",
        Some("RENO"),
        Some("NV"),
        Some("89505"),
        None,
    ),
    (
        "Drawer 9, Tucson, AZ 85702",
        PoBox,
        "PO BOX 9",
        Some("TUCSON"),
        Some("AZ"),
        Some("85702"),
        None,
    ),
    (
        "Bin 45, Fresno, CA 93729",
        PoBox,
        "PO BOX 45",
        Some("FRESNO"),
        Some("CA"),
        Some("93729"),
        None,
    ),
    (
        "Lockbox 8800, Dallas, TX 75284",
        PoBox,
        "PO BOX 8800",
        Some("DALLAS"),
        Some("TX"),
        Some("75284"),
        None,
    ),
    (
        "P O B 1207, Springfield, IL 62705",
        PoBox,
        "PO BOX 1207",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "PO Box, Springfield, IL 62705",
        PoBox,
        "PO BOX",
        Some("SPRINGFIELD"),
        Some("IL"),
        Some("62705"),
        None,
    ),
    (
        "PSC 1234, Box 5678, APO AE 09204",
        PoBox,
        "PSC 1234 BOX 5678",
        Some("APO"),
        Some("AE"),
        Some("09204"),
        None,
    ),
    (
        "General Delivery, Juneau, AK 99801",
        PoBox,
        "GENERAL DELIVERY",
        Some("JUNEAU"),
        Some("AK"),
        Some("99801"),
        None,
    ),
    (
        "Apartado 1234, San Juan, PR 00919",
        PoBox,
        "PO BOX 1234",
        Some("SAN JUAN"),
        Some("PR"),
        Some("00919"),
        None,
    ),
    (
        "2261 Market St PMB 4321, San Francisco, CA 94114",
        Pmb,
        "2261 MARKET ST PMB 4321",
        Some("SAN FRANCISCO"),
        Some("CA"),
        Some("94114"),
        None,
    ),
    (
        "2261 Market Street #4321, San Francisco, CA 94114",
        Street,
        "2261 MARKET ST # 4321",
        Some("SAN FRANCISCO"),
        Some("CA"),
        Some("94114"),
        None,
    ),
    (
        "2261 Market St, Private Mailbox 4321, San Francisco, CA 94114",
        Pmb,
        "2261 MARKET ST PMB 4321",
        Some("SAN FRANCISCO"),
        Some("CA"),
        Some("94114"),
        None,
    ),
    (
        "PMB 4321, 2261 Market St, San Francisco, CA 94114",
        Pmb,
        "2261 MARKET ST PMB 4321",
        Some("SAN FRANCISCO"),
        Some("CA"),
        Some("94114"),
        None,
    ),
    (
        "10 Main St Ste 100 #330, Newark, DE 19711",
        Pmb,
        "10 MAIN ST STE 100 PMB 330",
        Some("NEWARK"),
        Some("DE"),
        Some("19711"),
        None,
    ),
    (
        "10 Main St Ste 100 P.M.B. 330, Newark, DE 19711",
        Pmb,
        "10 MAIN ST STE 100 PMB 330",
        Some("NEWARK"),
        Some("DE"),
        Some("19711"),
        None,
    ),
    ("Café Street 5", Unknown, "CAFE STREET 5", None, None, None, None),
];

#[test]
fn real_world_spellings() {
    for &(input, kind, line, city, state, zip5, zip4) in ROWS {
        let a = normalize(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        let got = (
            a.kind,
            a.delivery_line.as_str(),
            a.city.as_deref(),
            a.state.as_deref(),
            a.zip5.as_deref(),
            a.zip4.as_deref(),
        );
        assert_eq!(got, (kind, line, city, state, zip5, zip4), "{input:?} (notes: {:?})", a.notes);
    }
    assert!(ROWS.len() >= 30);
}

#[test]
fn the_same_place_written_two_ways_compares_equal() {
    let same = [
        (
            "123 North Main Street, Apartment 4, Springfield, Illinois 62704-1234",
            "123 n. main st. #4, springfield il 62704",
        ),
        (
            "123 N Main St Unit 4, Springfield, IL 62704",
            "123 North Main Street Apt. 4\nSpringfield IL 62704-9999",
        ),
        (
            "350 Fifth Avenue, Suite 3300, New York, NY 10118",
            "350 5th Ave Ste 3300, New York NY 10118",
        ),
        (
            "1600 Pennsylvania Avenue Northwest, Washington, DC 20500",
            "1600 PENNSYLVANIA AVE NW WASHINGTON DC 20500",
        ),
        (
            "P.O. Box 1207, Springfield, IL 62705",
            "Post Office Box 1207, Springfield, Illinois 62705",
        ),
        ("PO Box 1207, Springfield, IL 62705", "Caller 1207, Springfield IL 62705"),
        ("77 Saint Marks Pl, New York, NY 10003", "77 St. Marks Place, New York, NY 10003"),
        ("9 Oak Ct, Saint Louis, MO", "9 Oak Court, St. Louis, Missouri"),
        (
            "2261 Market St PMB 4321, San Francisco, CA 94114",
            "2261 Market Street, Private Mailbox 4321, San Francisco, CA 94114",
        ),
    ];
    for (x, y) in same {
        let (a, b) = (normalize(x).unwrap(), normalize(y).unwrap());
        assert!(same_place(&a, &b), "{x:?} / {y:?}\n{} / {}", a.key, b.key);
        if a.zip5.is_some() && b.zip5.is_some() {
            assert_eq!(a.key, b.key, "{x:?} / {y:?}");
        }
    }
    let different = [
        (
            "123 N Main St Apt 4, Springfield, IL 62704",
            "123 N Main St Apt 5, Springfield, IL 62704",
        ),
        ("123 N Main St, Springfield, IL 62704", "123 S Main St, Springfield, IL 62704"),
        ("123 N Main St, Springfield, IL 62704", "123 N Main Ave, Springfield, IL 62704"),
        ("123 N Main St, Springfield, IL 62704", "123 N Main St, Springfield, MO 65806"),
        ("PO Box 1207, Springfield, IL 62705", "PO Box 1208, Springfield, IL 62705"),
        ("123 Main St", "123 Main St"),
        ("9 Oak Ct, Springfield, IL", "9 Oak Ct, Springfield, MO"),
    ];
    for (x, y) in different {
        let (a, b) = (normalize(x).unwrap(), normalize(y).unwrap());
        assert!(!same_place(&a, &b), "{x:?} / {y:?}");
    }
}

#[test]
fn output_carries_what_matched_and_the_source() {
    let a = normalize("P.O. Box 1207, Springfield, IL 62705").unwrap();
    assert_eq!(a.matched.as_deref(), Some("PO BOX 1207"));
    assert_eq!(a.rule.as_deref(), Some("po_box"));
    assert_eq!(a.normalized, "PO BOX 1207, SPRINGFIELD IL 62705");
    let f = a.findings();
    assert_eq!((f[0].check.as_str(), f[0].outcome), ("address.kind.po_box", Outcome::Warn));
    assert!(f[0].source.document.contains("Publication 28"));

    let a = normalize("10 Main St Ste 100 #330, Newark, DE 19711").unwrap();
    assert_eq!(a.rule.as_deref(), Some("cmra_second_unit"));
    assert_eq!(a.matched.as_deref(), Some("# 330"));
    assert!(a.findings()[0].source.document.contains("DMM"));

    let a = normalize("Acme Staffing LLC, 200 Commerce Pkwy, Irvine, CA 92618").unwrap();
    assert!(a.notes.iter().any(|n| n.contains("ACME STAFFING LLC")), "{:?}", a.notes);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["kind"], "street");
    assert_eq!(serde_json::from_value::<NormalizedAddress>(json).unwrap(), a);
}

#[test]
fn empty_and_unusable_input() {
    assert_eq!(normalize("  "), Err(AddressError::Empty));
    assert!(matches!(normalize("Springfield, IL 62704"), Ok(a) if a.kind == Unknown));
    assert!(matches!(normalize(", , 62704"), Err(AddressError::NoDeliveryLine { .. })));
}
