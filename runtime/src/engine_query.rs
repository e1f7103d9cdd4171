//! The one rule for "does this Engine.IO request open a new session?", shared by the
//! connection policy (which runs the before-connect hook only for such requests) and the
//! transport (which opens a session only for them).
//!
//! The transport (engineioxide) finds a session id as the first `&`-separated segment of the
//! raw query that starts with the literal `sid=`; it does not percent-decode keys and treats a
//! bare `sid` as absent. A policy that asked a form decoder instead ("is there a `sid` key?")
//! took `…&sid` and `…&%73id=x` for requests of an existing session and skipped the hook, while
//! the transport opened a fresh session for them: the documented auth gate could be walked
//! around (issue 23, point 1). So the policy asks [`session_id`], the transport's own rule, and
//! a request it calls a handshake reaches the transport with every look-alike of a `sid`
//! parameter removed ([`without_session_lookalikes`]), so that no reading of the query, now or
//! after an upgrade of the transport, can find a session id the hook did not see.

use http::Uri;

/// The session id an Engine.IO request names, read as the transport reads it: the rest of the
/// first query segment that starts with the literal `sid=` (possibly empty, which the
/// transport refuses as an unknown session). `None` means the request opens a new session.
pub(crate) fn session_id(query: &str) -> Option<&str> {
    query
        .split('&')
        .find_map(|segment| segment.strip_prefix("sid="))
}

/// Whether `uri` is the first request of a new Engine.IO session (a handshake).
pub(crate) fn opens_session(uri: &Uri) -> bool {
    session_id(uri.query().unwrap_or("")).is_none()
}

/// `uri` without the query segments whose key, percent-decoded, is `sid` (`sid`, `%73id=x`,
/// `s%69d`, …). Only called for a handshake, which has no literal `sid=` segment, so nothing a
/// session needs is removed. `None` when there was nothing to remove.
pub(crate) fn without_session_lookalikes(uri: &Uri) -> Option<Uri> {
    let query = uri.query()?;
    let is_lookalike = |segment: &str| {
        let key = segment.split('=').next().unwrap_or(segment);
        key.contains(['s', 'S', '%', '+']) && decoded_key(key).as_deref() == Some("sid")
    };
    if !query.split('&').any(is_lookalike) {
        return None;
    }
    let kept: Vec<&str> = query
        .split('&')
        .filter(|segment| !is_lookalike(segment))
        .collect();
    let path = uri.path();
    let path_and_query = if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = path_and_query.parse().ok();
    Uri::from_parts(parts).ok()
}

/// A query key as a form decoder reads it (`+` is a space, `%XX` a byte), when it is UTF-8.
fn decoded_key(key: &str) -> Option<String> {
    form_urlencoded::parse(key.as_bytes())
        .next()
        .map(|(key, _)| key.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(query: &str) -> Uri {
        format!("/socket.io/?{query}").parse().expect("uri")
    }

    #[test]
    fn only_a_literal_sid_segment_names_a_session() {
        assert_eq!(session_id("EIO=4&transport=polling&sid=abc"), Some("abc"));
        assert_eq!(session_id("sid=abc&EIO=4"), Some("abc"));
        // Present but empty: the transport refuses it as an unknown session.
        assert_eq!(session_id("EIO=4&sid="), Some(""));
        // The transport's reading: none of these names a session, so each opens one.
        for query in [
            "EIO=4&transport=polling",
            "EIO=4&transport=polling&sid",
            "EIO=4&transport=polling&%73id=x",
            "EIO=4&transport=polling&s%69d=x",
            "EIO=4&transport=polling&SID=x",
            "EIO=4&transport=polling&xsid=x",
            "EIO=4&transport=polling&sid%3Dx",
        ] {
            assert!(opens_session(&uri(query)), "{query}");
        }
        assert!(!opens_session(&uri("EIO=3&transport=websocket&sid=x")));
        assert!(opens_session(&"/socket.io/".parse().expect("uri")));
    }

    #[test]
    fn a_handshake_loses_every_sid_lookalike() {
        let cases = [
            ("EIO=4&transport=polling&sid", "EIO=4&transport=polling"),
            ("EIO=4&%73id=x&transport=polling", "EIO=4&transport=polling"),
            ("s%69d=1&EIO=3&s%49d=2", "EIO=3&s%49d=2"),
            (
                "EIO=4&transport=websocket&sid+",
                "EIO=4&transport=websocket&sid+",
            ),
            (
                "EIO=4&transport=polling&token=sid",
                "EIO=4&transport=polling&token=sid",
            ),
        ];
        for (query, expected) in cases {
            let cleaned = without_session_lookalikes(&uri(query));
            let query_after = cleaned.as_ref().and_then(Uri::query).unwrap_or(query);
            assert_eq!(query_after, expected, "{query}");
        }
        let only = without_session_lookalikes(&uri("sid")).expect("changed");
        assert_eq!(only.to_string(), "/socket.io/");
        assert!(without_session_lookalikes(&uri("EIO=4&transport=polling")).is_none());
    }

    proptest::proptest! {
        /// Whatever the query, a handshake that reaches the transport has no segment that any
        /// reading (literal or decoded) takes for a session id, and keeps every other segment.
        #[test]
        fn a_cleaned_handshake_names_no_session(
            segments in proptest::collection::vec("(sid|SID|%73id|s%69d|sid%3D|s|id|EIO|x|\\+|%|=|[a-z%0-9=+]{0,6}){1,3}", 0..6)
        ) {
            let query = segments.join("&");
            let Ok(uri) = format!("/socket.io/?{query}").parse::<Uri>() else {
                return Ok(());
            };
            if !opens_session(&uri) {
                return Ok(());
            }
            let cleaned = without_session_lookalikes(&uri).unwrap_or_else(|| uri.clone());
            let cleaned_query = cleaned.query().unwrap_or("");
            proptest::prop_assert!(session_id(cleaned_query).is_none());
            proptest::prop_assert!(
                !form_urlencoded::parse(cleaned_query.as_bytes()).any(|(key, _)| key == "sid"),
                "{cleaned_query}"
            );
            let kept: Vec<&str> = query
                .split('&')
                .filter(|segment| decoded_key(segment.split('=').next().unwrap_or(segment)).as_deref() != Some("sid"))
                .collect();
            proptest::prop_assert_eq!(kept.join("&"), cleaned_query);
        }
    }
}
