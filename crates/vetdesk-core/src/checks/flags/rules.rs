//! The rules themselves: facts in, raised flags out.

use super::*;

// ---- evaluation ----

pub(super) struct Out(Vec<FlagFields>);

impl Out {
    fn raise(
        &mut self,
        rule_id: &str,
        subject: impl Into<String>,
        facts: Vec<String>,
        evidence: impl IntoIterator<Item = EvidenceId>,
        candidates: impl IntoIterator<Item = CandidateId>,
    ) {
        let Some(r) = rule(rule_id) else { return };
        let evidence: BTreeSet<EvidenceId> = evidence.into_iter().collect();
        let candidates: BTreeSet<CandidateId> = candidates.into_iter().collect();
        self.0.push(FlagFields {
            rule: r.id.to_string(),
            subject: subject.into(),
            severity: r.severity,
            title: r.title.to_string(),
            why: r.why.to_string(),
            source: r.source.clone(),
            facts,
            evidence: evidence.into_iter().collect(),
            candidates: candidates.into_iter().collect(),
        });
    }
}

/// Every flag the facts raise, ordered by rule and subject (so equal facts give equal output).
pub fn evaluate(f: &CaseFacts) -> Vec<FlagFields> {
    let mut out = Out(Vec::new());
    documents(f, &mut out);
    interviews(f, &mut out);
    location(f, &mut out);
    addresses(f, &mut out);
    phones(f, &mut out);
    shared(f, &mut out);
    decided_against(f, &mut out);
    references(f, &mut out);
    payments(f, &mut out);
    vendor(f, &mut out);
    everify(f, &mut out);
    let mut flags = out.0;
    flags.sort_by(|a, b| (&a.rule, &a.subject).cmp(&(&b.rule, &b.subject)));
    flags.dedup_by(|a, b| a.rule == b.rule && a.subject == b.subject);
    flags
}

pub(super) fn doc_label(d: &IdentityDocument) -> String {
    format!(
        "{} {} ({}, document {})",
        d.fields.kind.as_str().replace('_', " "),
        d.fields.number,
        d.fields.issuing_country,
        d.id
    )
}

pub(super) fn doc_evidence(d: &IdentityDocument) -> Vec<EvidenceId> {
    d.fields.front_evidence.into_iter().chain(d.fields.back_evidence).collect()
}

/// Letters and digits only, upper case: how document numbers are compared.
pub(super) fn plain(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// The expiry a document shows: the typed one, else the MRZ's.
pub(super) fn expiry_of(
    d: &IdentityDocument,
    report: Option<&mrz::MrzReport>,
) -> Option<NaiveDate> {
    d.fields.expiry_date.or_else(|| report.and_then(|r| r.expiry_date.date))
}

pub(super) fn documents(f: &CaseFacts, out: &mut Out) {
    let reports: Vec<Option<mrz::MrzReport>> = f
        .documents
        .iter()
        .map(|d| d.fields.mrz.as_deref().and_then(|z| mrz::parse(z, f.today).ok()))
        .collect();
    for (d, report) in f.documents.iter().zip(&reports) {
        let subject = format!("document:{}", d.id);
        if let Some(r) = report {
            let mut facts: Vec<String> = r
                .failed_checks()
                .map(|c| {
                    format!(
                        "{}: {} check digit at line {} position {} is {:?}, expected {}",
                        doc_label(d),
                        c.field.as_str().replace('_', " "),
                        c.line,
                        c.position,
                        c.found,
                        c.expected
                    )
                })
                .collect();
            facts.extend(
                r.problems
                    .iter()
                    .filter(|p| {
                        p.outcome == crate::checks::Outcome::Fail && p.check != "mrz.expired"
                    })
                    .map(|p| format!("{}: {}", doc_label(d), p.message)),
            );
            if !facts.is_empty() {
                out.raise(MRZ_CHECK_FAILED, &subject, facts, doc_evidence(d), []);
            }
            let mut facts = Vec::new();
            if plain(&r.document_number) != plain(&d.fields.number) {
                facts.push(format!(
                    "document number typed {:?}, MRZ says {:?}",
                    d.fields.number, r.document_number
                ));
            }
            if let (Some(typed), Some(zone)) = (d.fields.birth_date, r.birth_date.date)
                && typed != zone
            {
                facts.push(format!("date of birth typed {typed}, MRZ says {zone}"));
            }
            if let (Some(typed), Some(zone)) = (d.fields.expiry_date, r.expiry_date.date)
                && typed != zone
            {
                facts.push(format!("date of expiry typed {typed}, MRZ says {zone}"));
            }
            let typed_state = plain(&d.fields.issuing_country);
            if typed_state.len() == 3 && typed_state != r.issuing_state.replace('<', "") {
                facts.push(format!(
                    "issuing state typed {typed_state}, MRZ says {}",
                    r.issuing_state
                ));
            }
            let zone_name = format!(
                "{}<<{}",
                r.primary_identifier.replace(' ', "<"),
                r.secondary_identifier.replace(' ', "<")
            );
            let cmp = names::compare(&zone_name, &d.fields.holder_name);
            if cmp.result == names::NameMatch::Different {
                facts.push(format!(
                    "holder name typed {:?}, MRZ says {} {}",
                    d.fields.holder_name, r.secondary_identifier, r.primary_identifier
                ));
            }
            if !facts.is_empty() {
                let facts = facts.into_iter().map(|x| format!("{}: {x}", doc_label(d))).collect();
                out.raise(MRZ_MISMATCH, &subject, facts, doc_evidence(d), []);
            }
        }
        // Against the candidate: the legal name or any other name they gave.
        let names_given: Vec<&String> =
            std::iter::once(&f.legal_name).chain(&f.other_names).collect();
        let matches_someone = names_given.iter().any(|n| {
            names::compare(&d.fields.holder_name, n).result != names::NameMatch::Different
        });
        if !matches_someone {
            out.raise(
                NAME_MISMATCH,
                &subject,
                vec![format!(
                    "{} is in the name {:?}; the candidate is {:?}",
                    doc_label(d),
                    d.fields.holder_name,
                    f.legal_name
                )],
                doc_evidence(d),
                [],
            );
        }
        match expiry_of(d, report.as_ref()) {
            Some(expiry) if expiry < f.today => out.raise(
                DOCUMENT_EXPIRED,
                &subject,
                vec![format!("{} expired on {expiry}", doc_label(d))],
                doc_evidence(d),
                [],
            ),
            Some(expiry) if (expiry - f.today).num_days() <= 90 => out.raise(
                DOCUMENT_EXPIRING,
                &subject,
                vec![format!("{} expires on {expiry}", doc_label(d))],
                doc_evidence(d),
                [],
            ),
            _ => {}
        }
    }
    // Documents against each other: names tolerantly, dates of birth exactly.
    let births: Vec<Option<NaiveDate>> = f
        .documents
        .iter()
        .zip(&reports)
        .map(|(d, r)| d.fields.birth_date.or_else(|| r.as_ref().and_then(|r| r.birth_date.date)))
        .collect();
    for (i, a) in f.documents.iter().enumerate() {
        for (k, b) in f.documents.iter().skip(i + 1).enumerate() {
            let subject = format!("documents:{}:{}", a.id, b.id);
            let evidence: Vec<EvidenceId> =
                doc_evidence(a).into_iter().chain(doc_evidence(b)).collect();
            if names::compare(&a.fields.holder_name, &b.fields.holder_name).result
                == names::NameMatch::Different
            {
                out.raise(
                    NAME_MISMATCH,
                    &subject,
                    vec![format!(
                        "{} is in the name {:?}, {} in the name {:?}",
                        doc_label(a),
                        a.fields.holder_name,
                        doc_label(b),
                        b.fields.holder_name
                    )],
                    evidence.clone(),
                    [],
                );
            }
            if let (Some(x), Some(y)) =
                (births.get(i).copied().flatten(), births.get(i + 1 + k).copied().flatten())
                && x != y
            {
                out.raise(
                    BIRTH_DATE_MISMATCH,
                    &subject,
                    vec![format!(
                        "{} gives {x} as date of birth, {} gives {y}",
                        doc_label(a),
                        doc_label(b)
                    )],
                    evidence,
                    [],
                );
            }
        }
    }
    // Two independent documents: valid (not expired) and of different kinds, since two
    // documents of one kind (an old and a new passport) come from the same issuer.
    if !f.documents.is_empty() {
        let kinds: BTreeSet<DocumentKind> = f
            .documents
            .iter()
            .zip(&reports)
            .filter(|(d, r)| expiry_of(d, r.as_ref()).is_none_or(|e| e >= f.today))
            .map(|(d, _)| d.fields.kind)
            .collect();
        if kinds.len() < 2 {
            let listed: Vec<String> = f.documents.iter().map(doc_label).collect();
            out.raise(
                FEWER_THAN_TWO,
                "",
                vec![format!(
                    "{} valid document kind(s) on file: {}",
                    kinds.len(),
                    listed.join("; ")
                )],
                f.documents.iter().flat_map(doc_evidence),
                [],
            );
        }
    }
}

pub(super) fn interviews(f: &CaseFacts, out: &mut Out) {
    for i in &f.interviews {
        let x = &i.fields;
        let subject = format!("interview:{}", i.id);
        let when = format!("interview {} on {} by {}", i.id, x.held_on, x.interviewer);
        let evidence = x.screenshots.clone();
        let video = !x.refused_video && !x.audio_only;
        if !video {
            let what = if x.refused_video { "refused video" } else { "asked for audio only" };
            out.raise(
                VIDEO_REFUSED,
                &subject,
                vec![format!("{when}: the candidate {what}")],
                evidence.clone(),
                [],
            );
        } else {
            if !x.camera_on_throughout {
                out.raise(
                    CAMERA_OFF,
                    &subject,
                    vec![format!("{when}: the camera was not on for the whole call")],
                    evidence.clone(),
                    [],
                );
            }
            match x.id_match {
                IdMatch::Yes => {}
                IdMatch::No => out.raise(
                    ID_MISMATCH,
                    &subject,
                    vec![format!(
                        "{when}: the ID held to the camera did not match the face or name"
                    )],
                    evidence.clone(),
                    [],
                ),
                IdMatch::Unclear => out.raise(
                    ID_UNCLEAR,
                    &subject,
                    vec![format!("{when}: the ID held to the camera could not be matched")],
                    evidence.clone(),
                    [],
                ),
                IdMatch::NotShown => out.raise(
                    ID_UNCLEAR,
                    &subject,
                    vec![format!("{when}: no ID was held to the camera")],
                    evidence.clone(),
                    [],
                ),
            }
            if !x.liveness_done {
                out.raise(
                    LIVENESS,
                    &subject,
                    vec![format!("{when}: no liveness prompts were done")],
                    evidence.clone(),
                    [],
                );
            }
        }
        if x.location_consistent == Some(false) {
            out.raise(
                LOCATION_INCONSISTENT,
                &subject,
                vec![format!(
                    "{when}: the answers about the candidate's location were inconsistent"
                )],
                evidence,
                [],
            );
        }
    }
}

pub(super) fn ip_where(ip: &IpFacts) -> String {
    let seen: Vec<String> = ip
        .sightings
        .iter()
        .map(|s| format!("{} {}", s.context.as_str().replace('_', " "), s.seen_at.date()))
        .collect();
    format!("{} (seen: {})", ip.ip, seen.join(", "))
}

pub(super) fn location(f: &CaseFacts, out: &mut Out) {
    // Anonymising ranges, and the countries the address ranges place the candidate in.
    let mut countries: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ip in &f.ips {
        let mut facts = Vec::new();
        for m in &ip.matches {
            let named = f
                .vpn_providers
                .iter()
                .find(|p| !m.label.is_empty() && m.label.to_lowercase().contains(p.as_str()));
            match (m.category, named) {
                (IpCategory::Country(c), None) => {
                    countries.entry(c.as_str().to_string()).or_default().push(ip_where(ip));
                }
                (category, named) => {
                    let label =
                        if m.label.is_empty() { String::new() } else { format!(" ({})", m.label) };
                    let named =
                        named.map(|p| format!(", a named VPN provider ({p})")).unwrap_or_default();
                    facts.push(format!(
                        "{} is in {} [{category}]{label} of list {}{named}",
                        ip_where(ip),
                        m.cidr,
                        m.list
                    ));
                }
            }
        }
        if !facts.is_empty() {
            out.raise(IP_ANONYMISING, format!("ip:{}", ip.ip), facts, [], []);
        }
    }
    let claimed = f.claimed_location.as_deref().and_then(claimed_country);
    let tz_country = f.time_zone.as_deref().and_then(zone_country);
    if let Some(claimed) = claimed.or(tz_country) {
        let facts: Vec<String> = countries
            .iter()
            .filter(|(c, _)| c.as_str() != claimed)
            .flat_map(|(c, ips)| {
                ips.iter().map(move |ip| format!("{ip} is in a range of country {c}"))
            })
            .collect();
        if !facts.is_empty() {
            let basis = match (claimed_country_of(f), f.time_zone.as_deref()) {
                (Some(loc), _) => format!("the candidate claims to be in {loc:?} ({claimed})"),
                (None, Some(tz)) => format!("the candidate's time zone {tz} is in {claimed}"),
                _ => String::new(),
            };
            let mut all = vec![basis];
            all.extend(facts);
            out.raise(IP_COUNTRY_MISMATCH, "", all, [], []);
        }
    }
    if let Some(claimed) = claimed {
        let mut facts = Vec::new();
        if let (Some(tz), Some(c)) = (f.time_zone.as_deref(), tz_country)
            && c != claimed
        {
            facts.push(format!(
                "time zone {tz} is in {c}, but the claimed location {:?} is in {claimed}",
                f.claimed_location.as_deref().unwrap_or("")
            ));
        }
        if let Some(h) = &f.reachable_hours
            && let Some(c) = zone_country(&h.time_zone)
            && c != claimed
        {
            facts.push(format!(
                        "reachable hours are given in {} ({c}), but the claimed location {:?} is in {claimed}",
                        h.time_zone,
                        f.claimed_location.as_deref().unwrap_or("")
                    ));
        }
        if !facts.is_empty() {
            out.raise(TIME_ZONE_MISMATCH, "", facts, [], []);
        }
    }
    off_hours(f, out);
}

pub(super) fn claimed_country_of(f: &CaseFacts) -> Option<&str> {
    f.claimed_location.as_deref().filter(|l| claimed_country(l).is_some())
}

/// Daytime in the claimed zone: 07:00 to 22:00.
pub(super) fn is_daytime(t: NaiveTime) -> bool {
    (7..22).contains(&t.hour())
}

pub(super) fn off_hours(f: &CaseFacts, out: &mut Out) {
    let Some(zone_name) =
        f.time_zone.as_deref().or(f.reachable_hours.as_ref().map(|h| h.time_zone.as_str()))
    else {
        return;
    };
    let Ok(zone) = zone_name.parse::<Tz>() else { return };
    let mut facts = Vec::new();
    if let Some(h) = &f.reachable_hours
        && let Some(share) = daytime_share(h, zone, f.today)
        && share < 0.5
    {
        facts.push(format!(
            "reachable {}–{} {} is daytime in {zone_name} for only {:.0}% of the window",
            h.from.format("%H:%M"),
            h.to.format("%H:%M"),
            h.time_zone,
            share * 100.0
        ));
    }
    let timed: Vec<(&Interview, NaiveTime)> = f
        .interviews
        .iter()
        .filter_map(|i| {
            i.fields.started_at.map(|at| (i, at.as_datetime().with_timezone(&zone).time()))
        })
        .collect();
    let night: Vec<String> = timed
        .iter()
        .filter(|(_, t)| !is_daytime(*t))
        .map(|(i, t)| format!("interview {} started at {} in {zone_name}", i.id, t.format("%H:%M")))
        .collect();
    if !night.is_empty() && night.len() * 2 > timed.len() {
        facts.extend(night);
    }
    if !facts.is_empty() {
        let evidence: Vec<EvidenceId> =
            f.interviews.iter().flat_map(|i| i.fields.screenshots.clone()).collect();
        out.raise(OFF_HOURS, "", facts, evidence, []);
    }
}

/// Share of a reachable window that is daytime in `zone`, sampled every 15 minutes on `day`.
pub(super) fn daytime_share(h: &ReachableHours, zone: Tz, day: NaiveDate) -> Option<f64> {
    let given: Tz = h.time_zone.parse().ok()?;
    let start = given.from_local_datetime(&day.and_time(h.from)).earliest()?;
    let mut minutes = (h.to - h.from).num_minutes();
    if minutes <= 0 {
        minutes += 24 * 60;
    }
    let samples = (minutes / 15).max(1);
    let day_samples = (0..samples)
        .filter(|k| {
            let at = start + chrono::Duration::minutes(k * 15);
            is_daytime(at.with_timezone(&zone).time())
        })
        .count();
    Some(day_samples as f64 / samples as f64)
}

pub(super) fn addresses(f: &CaseFacts, out: &mut Out) {
    if let (Some(home), Some(ship)) = (f.home_address.as_deref(), f.shipping_address.as_deref())
        && !same_address(home, ship)
    {
        out.raise(
            SHIPPING_DIFFERS,
            "",
            vec![format!("equipment is to go to {ship:?}; the home address is {home:?}")],
            [],
            [],
        );
    }
    for (role, text) in
        [(LinkRole::HomeAddress, &f.home_address), (LinkRole::ShippingAddress, &f.shipping_address)]
    {
        let Some(text) = text else { continue };
        if let Some(kind) = view_address(text).mail_drop {
            out.raise(
                MAIL_DROP,
                role.as_str(),
                vec![format!("the {} {text:?} is a {kind}", role.label())],
                [],
                [],
            );
        }
    }
    if let Some(offer) = f.offer_accepted_at {
        for role in [LinkRole::HomeAddress, LinkRole::ShippingAddress] {
            let history: Vec<&AddressSet> =
                f.address_history.iter().filter(|a| a.role == role).collect();
            let differ = |a: &Option<String>, b: &Option<String>| match (a, b) {
                (Some(a), Some(b)) => !same_address(a, b),
                (None, None) => false,
                _ => true,
            };
            let facts: Vec<String> = history
                .windows(2)
                .filter(|w| w[1].set_at > offer && differ(&w[0].address, &w[1].address))
                .map(|w| {
                    format!(
                        "the {} changed on {} from {:?} to {:?}, after the offer was accepted on {}",
                        role.label(),
                        w[1].set_at.date(),
                        w[0].address.as_deref().unwrap_or("(none)"),
                        w[1].address.as_deref().unwrap_or("(none)"),
                        offer.date()
                    )
                })
                .collect();
            if !facts.is_empty() {
                out.raise(ADDRESS_CHANGED, role.as_str(), facts, [], []);
            }
        }
    }
}

pub(super) fn phones(f: &CaseFacts, out: &mut Out) {
    for phone in &f.phones {
        let Ok(n) = crate::checks::phone::normalize(phone) else { continue };
        let hits = f.voip_list.matches(&n);
        if !hits.is_empty() {
            let facts = hits
                .iter()
                .map(|r| {
                    let what =
                        if r.prefix { format!("prefix {}*", r.e164) } else { r.e164.clone() };
                    let label =
                        if r.label.is_empty() { String::new() } else { format!(" ({})", r.label) };
                    format!("{} matches the VoIP list entry {what}{label}", n.e164)
                })
                .collect();
            out.raise(PHONE_VOIP, format!("phone:{}", n.e164), facts, [], []);
        }
    }
}

/// Facts and other candidates per (rule, subject), for rules that gather several links.
type Groups = BTreeMap<(&'static str, String), (Vec<String>, BTreeSet<CandidateId>)>;

/// Identifiers this candidate shares with other candidates, grouped by value.
pub(super) fn shared(f: &CaseFacts, out: &mut Out) {
    let mut groups: Groups = BTreeMap::new();
    for l in &f.links {
        if l.other_candidate == f.candidate_id {
            continue;
        }
        let rule = match (l.kind, l.ours, l.theirs) {
            (LinkKind::Phone, LinkRole::Phone, LinkRole::Phone) => PHONE_SHARED,
            (LinkKind::Email, LinkRole::Email, LinkRole::Email) => EMAIL_SHARED,
            (LinkKind::Address, o, t) if !o.is_reference() && !t.is_reference() => ADDRESS_SHARED,
            (LinkKind::BankAccount, _, _) => ACCOUNT_SHARED,
            (LinkKind::Ip, _, _) => IP_SHARED,
            _ => continue,
        };
        let entry = groups.entry((rule, format!("{}:{}", l.kind, l.value))).or_default();
        // Others are named by id only: a flag is kept in this case's record, and a name there
        // would outlive the other person's erasure.
        entry.0.push(format!(
            "{} {} is also the {} of candidate {}",
            l.ours.label(),
            l.value,
            l.theirs.label(),
            l.other_candidate,
        ));
        entry.1.insert(l.other_candidate);
    }
    for ((rule, subject), (mut facts, candidates)) in groups {
        facts.sort();
        facts.dedup();
        out.raise(rule, subject, facts, [], candidates);
    }
}

/// Identifiers of this candidate that a candidate with a case decided rejected or referred
/// also gives as their own: one flag per such case. Bank accounts are named by kind only.
pub(super) fn decided_against(f: &CaseFacts, out: &mut Out) {
    for d in &f.decided_against {
        if d.candidate == f.candidate_id {
            continue;
        }
        let mut facts: Vec<String> = f
            .links
            .iter()
            .filter(|l| l.other_candidate == d.candidate)
            .filter(|l| !l.ours.is_reference() && !l.theirs.is_reference())
            .map(|l| {
                let what = match l.kind {
                    LinkKind::BankAccount => format!("a {}", l.ours.label()),
                    _ => format!("the {} {}", l.ours.label(), l.value),
                };
                format!(
                    "{what} is also the {} of candidate {}, whose case {} was {} ({})",
                    l.theirs.label(),
                    l.other_candidate,
                    d.case_id,
                    d.decision.as_str(),
                    d.status.as_str()
                )
            })
            .collect();
        facts.sort();
        facts.dedup();
        if !facts.is_empty() {
            out.raise(
                LINK_DECIDED_AGAINST,
                format!("case:{}", d.case_id),
                facts,
                [],
                [d.candidate],
            );
        }
    }
}

pub(super) fn references(f: &CaseFacts, out: &mut Out) {
    let mut groups: Groups = BTreeMap::new();
    for l in &f.links {
        if !l.ours.is_reference() {
            continue;
        }
        let Some(reference) = f.references.iter().find(|r| Some(r.id) == l.our_record) else {
            continue;
        };
        let own = l.other_candidate == f.candidate_id;
        let rule = if l.theirs.is_reference() {
            if own && l.their_record == l.our_record {
                continue;
            }
            REFERENCE_SHARED
        } else if matches!(l.theirs, LinkRole::Phone | LinkRole::Email) {
            if own { REFERENCE_IS_CANDIDATE } else { REFERENCE_IS_OTHER_CANDIDATE }
        } else {
            continue;
        };
        let whose = if own {
            match l.theirs {
                LinkRole::Phone | LinkRole::Email => {
                    format!("the candidate's own {}", l.theirs.label())
                }
                _ => format!(
                    "also the {} (reference {})",
                    l.theirs.label(),
                    l.their_record.unwrap_or_default()
                ),
            }
        } else {
            let record = l.their_record.map(|r| format!(" (reference {r})")).unwrap_or_default();
            format!("the {} of candidate {}{record}", l.theirs.label(), l.other_candidate)
        };
        let entry = groups.entry((rule, format!("reference:{}", reference.id))).or_default();
        entry.0.push(format!(
            "reference {} ({}): {} {} is {whose}",
            reference.id, reference.fields.name, l.kind, l.value
        ));
        if !own {
            entry.1.insert(l.other_candidate);
        }
    }
    for ((rule, subject), (mut facts, candidates)) in groups {
        facts.sort();
        facts.dedup();
        out.raise(rule, subject, facts, [], candidates);
    }
    for r in &f.references {
        let company = r.fields.company.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if let (Some(company), Some(email)) = (company, r.fields.email.as_deref())
            && crate::checks::email::is_free_mail(email)
        {
            out.raise(
                REFERENCE_FREE_MAIL,
                format!("reference:{}", r.id),
                vec![format!(
                    "reference {} ({}) speaks for {company} but writes from {email}",
                    r.id, r.fields.name
                )],
                [],
                [],
            );
        }
    }
}

pub(super) fn payments(f: &CaseFacts, out: &mut Out) {
    let Some(first) = f.payments.first() else { return };
    let facts: Vec<String> = f
        .payments
        .windows(2)
        .filter(|w| w[0].fields.account_hash != w[1].fields.account_hash)
        .map(|w| {
            format!(
                "on {} the account {} (routing {}) replaced {} (routing {}) first given on {}",
                w[1].recorded_at.date(),
                w[1].fields.account_masked,
                w[1].fields.routing_masked,
                w[0].fields.account_masked,
                w[0].fields.routing_masked,
                first.recorded_at.date()
            )
        })
        .collect();
    if !facts.is_empty() {
        out.raise(PAYMENT_CHANGED, "", facts, [], []);
    }
}

pub(super) fn vendor(f: &CaseFacts, out: &mut Out) {
    let Some(v) = &f.vendor else { return };
    let s = &v.status;
    if !s.screening_attested {
        out.raise(
            VENDOR_NO_ATTESTATION,
            format!("vendor:{}", s.vendor_id),
            vec![format!(
                "vendor {} ({}) has not attested that it verifies identity to our standard",
                s.vendor_id, v.name
            )],
            [],
            [],
        );
    }
    if s.overdue {
        let fact = match (s.last_audit_on, s.next_due) {
            (Some(last), Some(due)) => format!(
                "vendor {} ({}) was last audited on {last}; the next audit was due on {due}",
                s.vendor_id, v.name
            ),
            _ => format!("vendor {} ({}) has never been audited", s.vendor_id, v.name),
        };
        out.raise(VENDOR_AUDIT_OVERDUE, format!("vendor:{}", s.vendor_id), vec![fact], [], []);
    }
    if s.last_outcome == Some(AuditOutcome::Unsatisfactory) {
        out.raise(
            VENDOR_AUDIT_FAILED,
            format!("vendor:{}", s.vendor_id),
            vec![format!(
                "the audit of vendor {} ({}) on {} was unsatisfactory",
                s.vendor_id,
                v.name,
                s.last_audit_on.map(|d| d.to_string()).unwrap_or_default()
            )],
            [],
            [],
        );
    }
}

pub(super) fn everify(f: &CaseFacts, out: &mut Out) {
    for e in &f.everify {
        for d in everify_deadlines(e, f.today) {
            if d.state == DeadlineState::Overdue {
                out.raise(
                    EVERIFY_OVERDUE,
                    format!("everify:{}:{}", e.id, d.kind.as_str()),
                    vec![format!(
                        "E-Verify case {}: {} was due on {} ({} federal working days after {}) and is not done",
                        e.fields.case_number, d.description, d.due, d.working_days, d.counted_from
                    )],
                    e.fields.evidence.clone(),
                    [],
                );
            }
        }
    }
}
