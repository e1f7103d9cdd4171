//! [`JsonText`]: a value that travels as its JSON text, as a blueprint `find` sends `where`
//! and `sort` in a query string (`?where={"name":"scott"}`), which Sails reads.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value written as one string holding its JSON: `JsonText(UserWhere { … })` is sent as
/// `where={"name":{"contains":"sc"}}`. Build one with `JsonText(value)` or `value.into()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonText<T>(pub T);

impl<T> From<T> for JsonText<T> {
    fn from(value: T) -> Self {
        JsonText(value)
    }
}

impl<T: Serialize> Serialize for JsonText<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for JsonText<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text)
            .map(JsonText)
            .map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_travels_as_its_json_text_in_a_query() {
        #[derive(Serialize)]
        struct Query {
            r#where: JsonText<serde_json::Value>,
            limit: u8,
        }
        let query = Query {
            r#where: serde_json::json!({"name": {"contains": "sc"}}).into(),
            limit: 2,
        };
        assert_eq!(
            serde_html_form::to_string(&query).unwrap(),
            "where=%7B%22name%22%3A%7B%22contains%22%3A%22sc%22%7D%7D&limit=2"
        );
        let back: JsonText<serde_json::Value> = serde_json::from_str(r#""{\"a\":1}""#).unwrap();
        assert_eq!(back.0, serde_json::json!({"a": 1}));
    }
}
