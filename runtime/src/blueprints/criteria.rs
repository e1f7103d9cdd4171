//! Sails' criteria from a query string: parsed, then checked against the model, so that what
//! reaches a database is well-typed and what does not fit is a 400 that names the problem.
//!
//! Written by hand: the language is Sails' (waterline's) own, and no crate reads it.

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::schema::{AttrType, ModelSchema};

/// How deep `or` / `and` may nest: deeper is refused, so no input can exhaust the stack.
const MAX_DEPTH: usize = 32;

/// The parameters that are not attribute shorthand.
const RESERVED: [&str; 7] = [
    "where", "limit", "skip", "sort", "select", "omit", "populate",
];

/// The bounds of a `find`: its default and greatest `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The `limit` when none is given (Sails: 30).
    pub default_limit: u64,
    /// The greatest `limit` a query may ask for.
    pub max_limit: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            default_limit: 30,
            max_limit: 1000,
        }
    }
}

/// A checked `find` query.
#[derive(Debug, Clone, PartialEq)]
pub struct Criteria {
    /// Which records: a conjunction of conditions (empty: all).
    pub filter: Vec<Where>,
    /// In which order.
    pub sort: Vec<Sort>,
    /// How many to pass over.
    pub skip: u64,
    /// How many at most.
    pub limit: u64,
    /// Only these attributes (the primary key is always kept), when given.
    pub select: Option<Vec<String>>,
    /// Every attribute but these.
    pub omit: Vec<String>,
    /// Which associations to populate.
    pub populate: Populate,
}

/// A condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Where {
    /// Every one holds.
    And(Vec<Where>),
    /// At least one holds (`or: []` matches nothing).
    Or(Vec<Where>),
    /// An attribute compared with a value (for `in` / `nin`, an array).
    Cmp {
        /// The attribute.
        attr: String,
        /// How.
        op: Op,
        /// With what, of the attribute's type (or `null`).
        value: Value,
    },
}

/// A comparison, as Sails spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// Equal (`{attr: v}`; `null` too).
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`: one of an array (`{attr: [..]}` too; `[]` matches nothing).
    In,
    /// `nin`: none of an array.
    Nin,
    /// `contains` (strings).
    Contains,
    /// `startsWith` (strings).
    StartsWith,
    /// `endsWith` (strings).
    EndsWith,
    /// `like`: a SQL `LIKE` pattern with `%` (strings).
    Like,
}

impl Op {
    fn parse(name: &str) -> Option<Op> {
        Some(match name {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "!=" => Op::Ne,
            "in" => Op::In,
            "nin" => Op::Nin,
            "contains" => Op::Contains,
            "startsWith" => Op::StartsWith,
            "endsWith" => Op::EndsWith,
            "like" => Op::Like,
            _ => return None,
        })
    }

    /// The operator as written in a query.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "in",
            Op::Nin => "nin",
            Op::Contains => "contains",
            Op::StartsWith => "startsWith",
            Op::EndsWith => "endsWith",
            Op::Like => "like",
        }
    }

    fn allowed_on(self, ty: AttrType) -> bool {
        match self {
            Op::Eq | Op::Ne | Op::In | Op::Nin => true,
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                matches!(ty, AttrType::Integer | AttrType::Number | AttrType::String)
            }
            Op::Contains | Op::StartsWith | Op::EndsWith | Op::Like => ty == AttrType::String,
        }
    }
}

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    /// The attribute.
    pub attr: String,
    /// Which way.
    pub direction: Direction,
}

/// A sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// Which associations a `find` populates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Populate {
    /// Every one (Sails' default).
    All,
    /// None (`?populate=false`).
    None,
    /// These.
    Only(Vec<String>),
}

/// Why a query was refused: each is a 400 whose message is this sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CriteriaError {
    /// A parameter that must be JSON is not.
    #[error("`{param}` is not valid JSON: {message}")]
    NotJson {
        /// The parameter.
        param: String,
        /// What the JSON parser said.
        message: String,
    },
    /// `where` (or an `or` / `and` branch) is not an object.
    #[error("`{place}` must be a JSON object of attributes and conditions")]
    NotAnObject {
        /// Where in the query.
        place: String,
    },
    /// A name that is not an attribute of the model.
    #[error("`{name}` in {} is not an attribute of `{model}`", quoted(.place))]
    UnknownAttribute {
        /// The model's identity.
        model: String,
        /// The name given.
        name: String,
        /// Where in the query.
        place: String,
    },
    /// A name that is not an association of the model.
    #[error("`{name}` in `populate` is not an association of `{model}`")]
    UnknownAssociation {
        /// The model's identity.
        model: String,
        /// The name given.
        name: String,
    },
    /// An operator Sails does not have.
    #[error(
        "`{op}` on `{attr}` is not an operator: use one of <, <=, >, >=, !=, in, nin, contains, startsWith, endsWith, like"
    )]
    UnknownOperator {
        /// The attribute.
        attr: String,
        /// The operator given.
        op: String,
    },
    /// An operator the attribute's type does not allow.
    #[error("`{op}` cannot be used on `{attr}`, which is a {ty}")]
    OperatorNotAllowed {
        /// The attribute.
        attr: String,
        /// The operator.
        op: &'static str,
        /// The attribute's type.
        ty: &'static str,
    },
    /// A value of the wrong type for its attribute or operator.
    #[error("`{attr}` takes {expected}, not {got}")]
    WrongType {
        /// The attribute.
        attr: String,
        /// What it takes.
        expected: String,
        /// What was given.
        got: String,
    },
    /// A condition object without an operator (`{"age": {}}`).
    #[error("the condition on `{attr}` has no operator")]
    EmptyCondition {
        /// The attribute.
        attr: String,
    },
    /// `or` / `and` with no branch, or not an array.
    #[error("`{key}` takes a non-empty array of conditions")]
    BadLogical {
        /// `or` or `and`.
        key: &'static str,
    },
    /// `or` / `and` nested too deep.
    #[error("conditions nest deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// `limit` or `skip` is not a whole number (from 0 to 2^63 − 1).
    #[error("`{param}` must be a whole number from 0 to 9223372036854775807, not {value:?}")]
    NotACount {
        /// The parameter.
        param: &'static str,
        /// What was given.
        value: String,
    },
    /// `limit` above the configured greatest.
    #[error("`limit` is at most {max}, not {limit}")]
    LimitTooHigh {
        /// What was asked.
        limit: u64,
        /// The greatest allowed.
        max: u64,
    },
    /// A `sort` that cannot be read.
    #[error(
        "`sort` cannot be read ({reason}): write `name asc`, `{{\"name\":-1}}` or `[{{\"name\":\"DESC\"}}]`"
    )]
    BadSort {
        /// What is wrong.
        reason: String,
    },
    /// `omit` names the primary key, which every record keeps.
    #[error("`omit` cannot leave out `{key}`, the primary key")]
    OmitPrimaryKey {
        /// The primary key.
        key: String,
    },
    /// A `like` pattern that ends with its escape character.
    #[error(
        "the `like` pattern on `{attr}` ends with `\\`, which escapes nothing (write `\\\\` for a backslash)"
    )]
    DanglingEscape {
        /// The attribute.
        attr: String,
    },
    /// `select` and `omit` in one query.
    #[error("`select` and `omit` cannot be used together")]
    SelectAndOmit,
    /// A parameter given twice where one value is meant.
    #[error("`{param}` is given more than once")]
    Repeated {
        /// The parameter.
        param: String,
    },
}

impl Criteria {
    /// Reads a `find`'s query-string pairs (decoded) into checked criteria for `model`.
    pub fn from_query<I, K, V>(
        pairs: I,
        model: &ModelSchema,
        limits: Limits,
    ) -> Result<Criteria, CriteriaError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut reserved: [Option<String>; RESERVED.len()] = Default::default();
        let mut shorthand: Vec<(String, Vec<String>)> = Vec::new();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref().to_owned());
            if let Some(i) = RESERVED.iter().position(|r| *r == key) {
                if reserved[i].replace(value).is_some() {
                    return Err(CriteriaError::Repeated {
                        param: key.to_owned(),
                    });
                }
            } else if let Some((_, values)) = shorthand.iter_mut().find(|(k, _)| k == key) {
                values.push(value);
            } else {
                shorthand.push((key.to_owned(), vec![value]));
            }
        }
        let [where_, limit, skip, sort, select, omit, populate] = reserved;
        let checker = Checker { model };
        let mut filter = Vec::new();
        if let Some(text) = where_ {
            let value = json("where", &text)?;
            filter.extend(checker.object(&value, "where", 0)?);
        }
        for (attr, values) in shorthand {
            filter.push(checker.shorthand(&attr, &values)?);
        }
        let limit = match limit {
            Some(text) => count("limit", &text)?,
            None => limits.default_limit,
        };
        if limit > limits.max_limit {
            return Err(CriteriaError::LimitTooHigh {
                limit,
                max: limits.max_limit,
            });
        }
        let select = select
            .map(|text| checker.names(&text, "select"))
            .transpose()?;
        let omit = omit
            .map(|text| checker.names(&text, "omit"))
            .transpose()?
            .unwrap_or_default();
        if select.is_some() && !omit.is_empty() {
            return Err(CriteriaError::SelectAndOmit);
        }
        if omit.contains(&model.primary_key) {
            return Err(CriteriaError::OmitPrimaryKey {
                key: model.primary_key.clone(),
            });
        }
        Ok(Criteria {
            filter,
            sort: sort
                .map(|text| checker.sort(&text))
                .transpose()?
                .unwrap_or_default(),
            skip: skip
                .map(|text| count("skip", &text))
                .transpose()?
                .unwrap_or(0),
            limit,
            select,
            omit,
            populate: populate.map_or(Ok(Populate::All), |text| checker.populate(&text))?,
        })
    }
}

fn json(param: &str, text: &str) -> Result<Value, CriteriaError> {
    serde_json::from_str(text).map_err(|e| CriteriaError::NotJson {
        param: param.to_owned(),
        message: e.to_string(),
    })
}

/// A count: what a database's `LIMIT`/`OFFSET` takes (a signed 64-bit integer).
fn count(param: &'static str, text: &str) -> Result<u64, CriteriaError> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| i64::try_from(*n).is_ok())
        .ok_or_else(|| CriteriaError::NotACount {
            param,
            value: text.to_owned(),
        })
}

/// A JSON value's kind, for errors.
/// The names of a comma list (`name, age`) or of a JSON array of strings (`["name","age"]`).
fn list(text: &str, place: &str) -> Result<Vec<String>, CriteriaError> {
    let trimmed = text.trim();
    if trimmed.starts_with('[') {
        return serde_json::from_str::<Vec<String>>(trimmed).map_err(|e| CriteriaError::NotJson {
            param: place.to_owned(),
            message: format!("{e} (a JSON array of names is expected)"),
        });
    }
    Ok(trimmed
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect())
}

/// A parameter's name in backticks; a description ("the query") as it is.
fn quoted(place: &str) -> String {
    if place.starts_with("the ") {
        place.to_owned()
    } else {
        format!("`{place}`")
    }
}

/// How a JSON value is named in errors: `the number 5`, `an array`.
pub(crate) fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

struct Checker<'m> {
    model: &'m ModelSchema,
}

impl Checker<'_> {
    fn attr(&self, name: &str, place: &str) -> Result<AttrType, CriteriaError> {
        self.model
            .attribute(name)
            .map(|a| a.ty)
            .ok_or_else(|| CriteriaError::UnknownAttribute {
                model: self.model.identity.clone(),
                name: name.to_owned(),
                place: place.to_owned(),
            })
    }

    /// The conditions of a `where` object (a conjunction).
    fn object(
        &self,
        value: &Value,
        place: &str,
        depth: usize,
    ) -> Result<Vec<Where>, CriteriaError> {
        if depth > MAX_DEPTH {
            return Err(CriteriaError::TooDeep);
        }
        let Value::Object(map) = value else {
            return Err(CriteriaError::NotAnObject {
                place: place.to_owned(),
            });
        };
        let mut out = Vec::new();
        for (key, value) in map {
            match key.as_str() {
                "or" | "and" => {
                    let key: &'static str = if key == "or" { "or" } else { "and" };
                    let Value::Array(branches) = value else {
                        return Err(CriteriaError::BadLogical { key });
                    };
                    // `or: []` matches nothing, as in Sails; `and: []` is refused.
                    if branches.is_empty() && key == "and" {
                        return Err(CriteriaError::BadLogical { key });
                    }
                    let branches = branches
                        .iter()
                        .map(|b| self.object(b, key, depth + 1).map(Where::And))
                        .collect::<Result<Vec<_>, _>>()?;
                    out.push(if key == "or" {
                        Where::Or(branches)
                    } else {
                        Where::And(branches)
                    });
                }
                attr => out.push(self.condition(attr, value, place)?),
            }
        }
        Ok(out)
    }

    /// `attr: value` in a `where` object.
    fn condition(&self, attr: &str, value: &Value, place: &str) -> Result<Where, CriteriaError> {
        let ty = self.attr(attr, place)?;
        match value {
            Value::Array(items) => self.cmp(attr, ty, Op::In, &Value::Array(items.clone())),
            Value::Object(ops) => {
                let mut all = Vec::with_capacity(ops.len());
                for (name, operand) in ops {
                    let op = Op::parse(name).ok_or_else(|| CriteriaError::UnknownOperator {
                        attr: attr.to_owned(),
                        op: name.clone(),
                    })?;
                    all.push(self.cmp(attr, ty, op, operand)?);
                }
                match all.len() {
                    0 => Err(CriteriaError::EmptyCondition {
                        attr: attr.to_owned(),
                    }),
                    1 => Ok(all.remove(0)),
                    _ => Ok(Where::And(all)),
                }
            }
            scalar => self.cmp(attr, ty, Op::Eq, scalar),
        }
    }

    fn cmp(&self, attr: &str, ty: AttrType, op: Op, value: &Value) -> Result<Where, CriteriaError> {
        if !op.allowed_on(ty) {
            return Err(CriteriaError::OperatorNotAllowed {
                attr: attr.to_owned(),
                op: op.as_str(),
                ty: ty.name(),
            });
        }
        let value = match op {
            Op::In | Op::Nin => {
                let Value::Array(items) = value else {
                    return Err(CriteriaError::WrongType {
                        attr: attr.to_owned(),
                        expected: format!("an array with `{}`", op.as_str()),
                        got: kind(value),
                    });
                };
                Value::Array(
                    items
                        .iter()
                        .map(|v| typed(attr, ty, v, false))
                        .collect::<Result<_, _>>()?,
                )
            }
            Op::Eq | Op::Ne => typed(attr, ty, value, true)?,
            Op::Like => {
                let pattern = typed(attr, ty, value, false)?;
                // `\` escapes the next character; a last one escapes nothing (PostgreSQL
                // refuses such a pattern).
                let text = pattern.as_str().unwrap_or_default();
                let trailing = text.chars().rev().take_while(|c| *c == '\\').count();
                if trailing % 2 == 1 {
                    return Err(CriteriaError::DanglingEscape {
                        attr: attr.to_owned(),
                    });
                }
                pattern
            }
            _ => typed(attr, ty, value, false)?,
        };
        Ok(Where::Cmp {
            attr: attr.to_owned(),
            op,
            value,
        })
    }

    /// `?attr=value` (repeated: any of the values). A value that is a JSON object or array
    /// is read as in `where`.
    fn shorthand(&self, attr: &str, values: &[String]) -> Result<Where, CriteriaError> {
        let ty = self.attr(attr, "the query")?;
        if let [one] = values {
            let trimmed = one.trim_start();
            if trimmed.starts_with('{') || trimmed.starts_with('[') {
                return self.condition(attr, &json(attr, one)?, "the query");
            }
            return self.cmp(attr, ty, Op::Eq, &text_value(ty, one));
        }
        let items = values.iter().map(|v| text_value(ty, v)).collect();
        self.cmp(attr, ty, Op::In, &Value::Array(items))
    }

    /// A comma list of attribute names, or a JSON array of them (as the generated clients
    /// send it).
    fn names(&self, text: &str, place: &str) -> Result<Vec<String>, CriteriaError> {
        list(text, place)?
            .into_iter()
            .map(|n| self.attr(&n, place).map(|_| n))
            .collect()
    }

    fn populate(&self, text: &str) -> Result<Populate, CriteriaError> {
        match text.trim() {
            "false" | "[]" => return Ok(Populate::None),
            "true" | "" => return Ok(Populate::All),
            _ => {}
        }
        let names = list(text, "populate")?
            .into_iter()
            .map(|n| {
                if self.model.associations.contains(&n) {
                    Ok(n)
                } else {
                    Err(CriteriaError::UnknownAssociation {
                        model: self.model.identity.clone(),
                        name: n,
                    })
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Populate::Only(names))
    }

    /// `name`, `name asc`, `name ASC, age desc`, `{"name":-1}`, `[{"name":"DESC"}]`.
    fn sort(&self, text: &str) -> Result<Vec<Sort>, CriteriaError> {
        let trimmed = text.trim_start();
        let pairs: Vec<(String, Value)> = if trimmed.starts_with('{') || trimmed.starts_with('[') {
            let mut de = serde_json::Deserializer::from_str(text);
            let parsed = <SortJson as serde::Deserialize>::deserialize(&mut de)
                .and_then(|s| de.end().map(|()| s))
                .map_err(|e| CriteriaError::BadSort {
                    reason: e.to_string(),
                })?;
            parsed.0
        } else {
            text.split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|entry| {
                    let mut words = entry.split_whitespace();
                    let name = words.next().unwrap_or_default().to_owned();
                    let dir = words.next().unwrap_or("asc").to_owned();
                    match words.next() {
                        None => Ok((name, Value::String(dir))),
                        Some(extra) => Err(CriteriaError::BadSort {
                            reason: format!("unexpected `{extra}` after `{name} {dir}`"),
                        }),
                    }
                })
                .collect::<Result<_, _>>()?
        };
        if pairs.is_empty() {
            return Err(CriteriaError::BadSort {
                reason: "no attribute".to_owned(),
            });
        }
        pairs
            .into_iter()
            .map(|(attr, dir)| {
                self.attr(&attr, "sort")?;
                let direction = match &dir {
                    Value::String(s) if s.eq_ignore_ascii_case("asc") => Direction::Asc,
                    Value::String(s) if s.eq_ignore_ascii_case("desc") => Direction::Desc,
                    Value::Number(n) if n.as_i64() == Some(1) => Direction::Asc,
                    Value::Number(n) if n.as_i64() == Some(-1) => Direction::Desc,
                    other => {
                        return Err(CriteriaError::BadSort {
                            reason: format!("`{attr}` has the direction {}", kind(other)),
                        });
                    }
                };
                Ok(Sort { attr, direction })
            })
            .collect()
    }
}

/// A shorthand value (always text) as a value of the attribute's type, when it reads as one;
/// otherwise the text, which the type check then refuses.
fn text_value(ty: AttrType, text: &str) -> Value {
    match ty {
        AttrType::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        AttrType::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(number)
            .unwrap_or_else(|| Value::String(text.to_owned())),
        AttrType::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        AttrType::Json => {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
        AttrType::String => Value::String(text.to_owned()),
    }
}

/// A finite float as a JSON number (an integer one when it is whole).
fn number(f: f64) -> Option<Value> {
    if !f.is_finite() {
        return None;
    }
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        // Exact: whole and within 2^53.
        #[allow(clippy::cast_possible_truncation)]
        return Some(Value::from(f as i64));
    }
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// A record's value for an attribute of type `ty`, checked as a condition's is (`null` is
/// allowed: every attribute but the primary key may be empty).
#[cfg(feature = "blueprints")]
pub(crate) fn checked_value(
    attr: &str,
    ty: AttrType,
    value: &Value,
) -> Result<Value, CriteriaError> {
    typed(attr, ty, value, true)
}

/// `value` checked (and numeric strings read) for an attribute of type `ty`; `null` is
/// allowed where `nullable`.
fn typed(attr: &str, ty: AttrType, value: &Value, nullable: bool) -> Result<Value, CriteriaError> {
    let ok = match (ty, value) {
        (_, Value::Null) if nullable => return Ok(Value::Null),
        (AttrType::Json, v) => return Ok(v.clone()),
        (AttrType::Number, Value::Number(_))
        | (AttrType::String, Value::String(_))
        | (AttrType::Boolean, Value::Bool(_)) => return Ok(value.clone()),
        (AttrType::Integer, Value::Number(n)) => n.as_i64().map(Value::from),
        (AttrType::Integer, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        (AttrType::Number, Value::String(s)) => s.trim().parse::<f64>().ok().and_then(number),
        _ => None,
    };
    ok.ok_or_else(|| CriteriaError::WrongType {
        attr: attr.to_owned(),
        expected: format!("a {}", ty.name()),
        got: kind(value),
    })
}

/// A JSON `sort`: an object (its keys in order) or an array of one-key objects.
struct SortJson(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for SortJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;

        impl<'de> Visitor<'de> for Entries {
            type Value = Vec<(String, Value)>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of directions or an array of them")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    out.push(entry);
                }
                Ok(out)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(SortJson(entries)) = seq.next_element::<SortJson>()? {
                    out.extend(entries);
                }
                Ok(out)
            }
        }

        deserializer.deserialize_any(Entries).map(SortJson)
    }
}

#[cfg(test)]
mod tests;
