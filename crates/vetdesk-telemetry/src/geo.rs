//! Geo and time arithmetic for the post-hire rules: great-circle distance, the speed two
//! sign-ins imply and whether it is impossible, and the local hour in a claimed IANA time zone.
//!
//! IP geolocation is coarse. Providers place an address at a city centroid at best, and often
//! at a region or country centroid, or at the ISP's registered office; errors of tens to a few
//! hundred kilometres are ordinary. So each fix is given [`FIX_UNCERTAINTY_KM`] of slack: the
//! distance that counts is the great-circle distance less twice that, and only a speed above
//! [`IMPOSSIBLE_SPEED_KMH`] over what remains is impossible travel. Two sign-ins less than
//! 2 × 150 km apart are never impossible travel, whatever the time between them; sign-ins
//! continents apart an hour apart always are.

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Mean Earth radius (IUGG), in kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Faster than a commercial flight, door to door: above this, two sign-ins cannot be one person.
pub const IMPOSSIBLE_SPEED_KMH: f64 = 1000.0;

/// Slack given to each IP-geolocated position, in kilometres (see the module documentation).
pub const FIX_UNCERTAINTY_KM: f64 = 150.0;

/// A point on the Earth, in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

impl GeoPoint {
    pub fn new(latitude: f64, longitude: f64) -> Option<GeoPoint> {
        let valid = latitude.is_finite()
            && longitude.is_finite()
            && (-90.0..=90.0).contains(&latitude)
            && (-180.0..=180.0).contains(&longitude);
        valid.then_some(GeoPoint { latitude, longitude })
    }
}

/// Great-circle distance by the haversine formula, in kilometres.
pub fn distance_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.longitude - a.longitude).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// A sign-in placed in space and time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fix {
    pub at: DateTime<Utc>,
    pub point: GeoPoint,
}

/// What two sign-ins imply about travel between them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Travel {
    pub distance_km: f64,
    /// The distance less the slack of both fixes, never below zero.
    pub effective_km: f64,
    pub hours: f64,
    /// `effective_km / hours`; infinite when the sign-ins are simultaneous and apart.
    pub speed_kmh: f64,
    pub impossible: bool,
}

/// The travel two sign-ins imply, in either order.
pub fn travel(a: Fix, b: Fix) -> Travel {
    let distance = distance_km(a.point, b.point);
    let effective = (distance - 2.0 * FIX_UNCERTAINTY_KM).max(0.0);
    let seconds = (b.at - a.at).num_milliseconds().unsigned_abs() as f64 / 1000.0;
    let hours = seconds / 3600.0;
    let speed = if effective == 0.0 {
        0.0
    } else if hours == 0.0 {
        f64::INFINITY
    } else {
        effective / hours
    };
    Travel {
        distance_km: distance,
        effective_km: effective,
        hours,
        speed_kmh: speed,
        impossible: speed > IMPOSSIBLE_SPEED_KMH,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeZoneError {
    #[error("{given:?} is not an IANA time zone name (e.g. America/Chicago)")]
    Unknown { given: String },
}

/// The wall-clock time at `at` in the IANA time zone `zone` (daylight saving included).
pub fn local_time(at: DateTime<Utc>, zone: &str) -> Result<NaiveDateTime, TimeZoneError> {
    let tz: Tz =
        zone.trim().parse().map_err(|_| TimeZoneError::Unknown { given: zone.to_string() })?;
    Ok(at.with_timezone(&tz).naive_local())
}

/// The local hour (0–23) at `at` in `zone`.
pub fn local_hour(at: DateTime<Utc>, zone: &str) -> Result<u32, TimeZoneError> {
    local_time(at, zone).map(|t| t.hour())
}

/// Night for the "most activity at night" rule: 22:00 to 05:59 local time, when a worker on a
/// normal day schedule is asleep.
pub fn is_night_hour(hour: u32) -> bool {
    !(6..22).contains(&hour)
}
