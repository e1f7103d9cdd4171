//! What criteria are checked against: a model's attributes and their types.

/// The type of an attribute, as criteria compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttrType {
    /// A whole number: an auto-increment `id`, an association's key, `createdAt`/`updatedAt`
    /// in milliseconds. Stored and bound as a 64-bit integer.
    Integer,
    /// A number (Sails' `number`): stored and bound as a double.
    Number,
    /// A string.
    String,
    /// `true` or `false`.
    Boolean,
    /// Any JSON: compared for equality only.
    Json,
}

impl AttrType {
    /// How the type is named in errors.
    pub(crate) fn name(self) -> &'static str {
        match self {
            AttrType::Integer => "whole number",
            AttrType::Number => "number",
            AttrType::String => "string",
            AttrType::Boolean => "boolean",
            AttrType::Json => "JSON",
        }
    }
}

/// One attribute a query may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Its name on the wire.
    pub name: String,
    /// Its type: for a singular association (`Pet.owner`), the associated record's key type.
    pub ty: AttrType,
}

/// A model as its queries see it: the attributes `where`, `sort` and `select` may name, and
/// the associations `populate` may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSchema {
    /// The model's identity (`user`), for error messages.
    pub identity: String,
    /// The primary key's attribute (`id`): always selected, and the default order.
    pub primary_key: String,
    /// Its attributes, the primary key and timestamps included.
    pub attributes: Vec<Attribute>,
    /// Its associations, singular and plural, by name (`pets`, `owner`).
    pub associations: Vec<String>,
}

impl ModelSchema {
    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}
