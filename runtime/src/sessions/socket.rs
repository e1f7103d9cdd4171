//! What a socket's requests do about sessions: the session cookie a socket request carries
//! comes from the socket, never from the request.

use super::*;

/// Marks a request whose session is off: it gets a fresh session that is never saved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NoSession;

/// What one socket's requests do about sessions.
pub(crate) struct SocketSession {
    pub(super) name: Arc<str>,
    /// The handshake (`nosession` header or query parameter) turned sessions off.
    pub(super) off: bool,
    /// The session cookie's value in the handshake, if it had one.
    pub(super) handshake: Option<String>,
    pub(super) open: Arc<dyn Fn(Option<Id>) -> Session + Send + Sync>,
    pub(super) local: Mutex<Local>,
}

/// What a socket's own responses set.
#[derive(Default)]
pub(super) struct Local {
    /// `None`: the handshake's cookie as it is; `Some(None)`: no session cookie (the session
    /// was removed); `Some(Some(v))`: the cookie a response set, kept for this socket.
    cookie: Option<Option<String>>,
    /// A session made for this socket alone (nobody else has its cookie), deleted with it.
    owned: Option<Id>,
}

impl SocketSession {
    /// Sets the session cookie of a request about to go to the router, or marks it
    /// session-less.
    pub(crate) fn prepare(&self, request: &mut Request) {
        if self.off || request.headers().contains_key("nosession") {
            request.extensions_mut().insert(NoSession);
            return;
        }
        // The socket's session cookie, whatever the request's own `cookie` header says: a
        // request cannot pick another session (as the handshake cookie wins in Sails).
        let cookie = match self.lock().cookie.clone() {
            Some(cookie) => cookie,
            None => self.handshake.clone(),
        };
        let headers = request.headers_mut();
        // Names are compared decoded, as tower-cookies reads them: `sails%2Esid=S` is the
        // session cookie too (issue 23, point 5).
        let mut current = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(key, _)| is_named(key, &self.name))
            .map(|(_, value)| value.trim());
        let (first, second) = (current.next(), current.next());
        if second.is_none() && first == cookie.as_deref() {
            return;
        }
        let others: Vec<String> = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .map(str::trim)
            .filter(|pair| {
                !pair.is_empty() && !cookie_name(pair).is_some_and(|n| is_named(n, &self.name))
            })
            .map(str::to_owned)
            .collect();
        let mut pairs = others;
        if let Some(value) = cookie {
            pairs.push(format!("{}={value}", self.name));
        }
        headers.remove(header::COOKIE);
        if pairs.is_empty() {
            return;
        }
        match HeaderValue::from_str(&pairs.join("; ")) {
            Ok(value) => {
                headers.insert(header::COOKIE, value);
            }
            // Only pairs that were valid header text (and a cookie value the layer wrote) are
            // joined, so this cannot happen; without a cookie the request has no session.
            Err(e) => tracing::error!(error = %e, "could not rebuild a socket request's cookie"),
        }
    }

    /// Keeps the session cookie a response set, for this socket's next requests. Returns a
    /// session of this socket's that nothing names any more, to delete.
    pub(crate) fn observe(&self, headers: &HeaderMap) -> Option<Session> {
        if self.off {
            return None;
        }
        let set = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| Cookie::parse(value).ok())
            .filter(|cookie| cookie.name() == &*self.name)
            .last()?;
        let removed = set.value().is_empty()
            || set
                .max_age()
                .is_some_and(|age| age <= tower_sessions::cookie::time::Duration::ZERO);
        let mut local = self.lock();
        let before = local.owned.take();
        if removed {
            local.cookie = Some(None);
        } else {
            let value = set.value().to_owned();
            if self.handshake.as_deref() != Some(value.as_str()) {
                local.owned = value.parse::<Id>().ok();
            }
            local.cookie = Some(Some(value));
        }
        let stale = before.filter(|id| Some(*id) != local.owned);
        drop(local);
        stale.map(|id| (self.open)(Some(id)))
    }

    /// The socket's session as it stands (none when sessions are off for it).
    pub(crate) fn session(&self) -> Option<Session> {
        if self.off {
            return None;
        }
        let local = self.lock();
        let value = match &local.cookie {
            Some(cookie) => cookie.clone(),
            None => self.handshake.clone(),
        };
        let id = value?.parse::<Id>().ok()?;
        Some((self.open)(Some(id)))
    }

    /// The session made for this socket alone, to delete when it disconnects.
    pub(crate) fn owned(&self) -> Option<Session> {
        let id = self.lock().owned.take()?;
        Some((self.open)(Some(id)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Local> {
        // The state is two plain values, consistent after any panic.
        self.local
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The name of a `name=value` cookie pair.
pub(super) fn cookie_name(pair: &str) -> Option<&str> {
    pair.split_once('=').map(|(name, _)| name.trim())
}

/// The value of cookie `name` in a `Cookie` header (names compared decoded).
pub(super) fn cookie_value(header: &HeaderValue, name: &str) -> Option<String> {
    header
        .to_str()
        .ok()?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| is_named(key, name))
        .map(|(_, value)| value.trim().to_owned())
}

/// Whether a cookie's name, as sent, is `name` once percent-decoded: what tower-cookies, and
/// so the session layer, makes of it.
pub(super) fn is_named(raw: &str, name: &str) -> bool {
    let raw = raw.trim();
    if !raw.contains('%') {
        return raw == name;
    }
    Cookie::parse_encoded(format!("{raw}=")).is_ok_and(|cookie| cookie.name() == name)
}
