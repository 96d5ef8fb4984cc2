//! Indicator lists (CSV `cidr,category,label`): read whole and handed to `commands::lists`,
//! which parses them row by row and imports them through the store.

use super::{Buffer, ImportUpload, Kind, Uploads};
use crate::error::AppError;

/// An indicator list is read whole too: the store takes at most 500,000 ranges in one list
/// (about 20 MB of CSV), so this leaves room for labels and comments.
pub const MAX_IP_LIST_BYTES: u64 = 64 * 1024 * 1024;

impl Uploads {
    /// Starts the upload of an indicator list.
    pub fn begin_ip_list(&self, request: ImportUpload) -> Result<String, AppError> {
        if request.size > MAX_IP_LIST_BYTES {
            return Err(AppError::invalid(format!(
                "{} is {} bytes; an indicator list may have at most {MAX_IP_LIST_BYTES} bytes \
                 (split it into several named lists)",
                request.name, request.size
            )));
        }
        Ok(self.insert(Kind::IpList(Buffer::new(request))))
    }

    /// Ends an indicator-list upload: its file name and every byte, once all have arrived.
    pub fn take_ip_list(&self, token: &str) -> Result<(String, Vec<u8>), AppError> {
        let buffer = self.take(token, "an indicator list", |kind| match kind {
            Kind::IpList(buffer) => Ok(buffer),
            other => Err(other),
        })?;
        buffer.whole("nothing was imported")
    }
}
