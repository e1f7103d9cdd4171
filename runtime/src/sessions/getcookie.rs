//! `/__getcookie` and `start`: a session for a browser that has none (or a dead one), kept
//! short in the store until something uses it.

use super::*;

/// Makes sure `session` is kept and its cookie set by this response, even before it holds
/// any data (a session without data is never saved, so it would get no cookie): writes
/// [`GETCOOKIE_KEY`] into it when it is empty — or when the browser's cookie names a session
/// the store no longer has (expired, a restarted memory store, a logout over a socket), which
/// then gets a new id and a new cookie. What `/__getcookie` does; a page's own route can do the
/// same so that the browser has the cookie before its socket connects.
///
/// # Errors
///
/// The store's error when the session could not be loaded.
pub async fn start(session: &Session) -> Result<(), tower_sessions::session::Error> {
    begin(session, None).await.map(|_| ())
}

/// [`start`]; `unused_ttl` is `None` for a session wanted for good (a page's route), or how
/// long the store keeps it unless something uses it (`/__getcookie`). Whether it made a new
/// session.
pub(super) async fn begin(
    session: &Session,
    unused_ttl: Option<std::time::Duration>,
) -> Result<bool, tower_sessions::session::Error> {
    // Load first: `is_empty` alone answers "no" for a cookie whose session is gone, because it
    // asks before the store is read (issue 23, point 4). Loading a missing session clears its
    // id, so the write below makes a new one and the response sets its cookie.
    session.get_value(GETCOOKIE_KEY).await?;
    if !session.is_empty().await {
        return Ok(false);
    }
    match unused_ttl {
        None => session.insert(GETCOOKIE_KEY, true).await?,
        Some(ttl) => {
            session.insert(GETCOOKIE_KEY, UNUSED).await?;
            let ttl = tower_sessions::cookie::time::Duration::try_from(ttl)
                .unwrap_or(tower_sessions::cookie::time::Duration::MAX);
            session.set_expiry(Some(Expiry::OnInactivity(ttl)));
        }
    }
    Ok(true)
}

/// Marks a `/__getcookie` response whose session is new and unused: its cookie keeps the
/// browser-session lifetime although the store forgets the session after [`GETCOOKIE_TTL`].
#[derive(Clone, Copy)]
pub(super) struct UnusedSession;

/// Takes `Max-Age` and `Expires` off the session cookie of an [`UnusedSession`] response: the
/// short lifetime is the store's, not the browser's.
pub(super) async fn browser_session_cookie(mut response: Response) -> Response {
    if response.extensions().get::<UnusedSession>().is_none() {
        return response;
    }
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for value in cookies {
        let rewritten = value
            .to_str()
            .ok()
            .and_then(|text| Cookie::parse(text.to_owned()).ok())
            .and_then(|mut cookie| {
                cookie.unset_expires();
                cookie.set_max_age(None);
                HeaderValue::from_str(&cookie.to_string()).ok()
            });
        headers.append(header::SET_COOKIE, rewritten.unwrap_or(value));
    }
    response
}

/// Keeps `id` if it is an unused `/__getcookie` session: from then on it lives as any session
/// the layer saves without an expiry (two weeks in tower-sessions).
pub(super) async fn promote<S: SessionStore>(store: &S, id: Id) {
    let mut record = match store.load(&id).await {
        Ok(Some(record)) => record,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, "could not load a socket's session at its handshake");
            return;
        }
    };
    let unused = record.data.len() == 1
        && record.data.get(GETCOOKIE_KEY).and_then(|v| v.as_str()) == Some(UNUSED);
    if !unused {
        return;
    }
    record.data.insert(GETCOOKIE_KEY.to_owned(), true.into());
    // What tower-sessions gives a session saved without an expiry.
    let kept = tower_sessions::cookie::time::OffsetDateTime::now_utc()
        + tower_sessions::cookie::time::Duration::weeks(2);
    record.expiry_date = record.expiry_date.max(kept);
    if let Err(e) = store.save(&record).await {
        tracing::warn!(error = %e, "could not keep a socket's session at its handshake");
    }
}

pub(super) async fn getcookie(session: Session, ttl: std::time::Duration) -> Response {
    match begin(&session, Some(ttl)).await {
        Ok(fresh) => {
            let mut response = (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/javascript; charset=utf-8"),
                )],
                "_sailsIoJSConnect();",
            )
                .into_response();
            if fresh {
                response.extensions_mut().insert(UnusedSession);
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "/__getcookie: the session store failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the session store failed",
            )
                .into_response()
        }
    }
}
