//! A model as an app declares it: attributes, associations, and which blueprint routes it
//! gets where. [`Models::connect`](super::Models::connect) checks the declarations against
//! each other and turns each into the [`ModelSchema`] its queries are checked against.

use super::criteria::Limits;
use super::schema::{AttrType, Attribute, ModelSchema};

/// The attribute Sails sets when a record is created, in milliseconds since the epoch.
pub const CREATED_AT: &str = "createdAt";
/// The attribute Sails sets whenever a record changes, in milliseconds since the epoch.
pub const UPDATED_AT: &str = "updatedAt";

/// A struct declared with `#[sailroute::model("identity")]`: its identity and its runtime
/// declaration, for `Models::connect` (the `blueprints` feature).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a blueprint model",
    label = "an association's type must be a model",
    note = "declare it with `#[sailroute::model(\"identity\")]` on the struct"
)]
pub trait ModelType {
    /// The identity.
    const IDENTITY: &'static str;
    /// The model, as declared.
    fn model() -> Model;
}

/// One blueprint action (Sails 1.x's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `GET /user`
    Find,
    /// `GET /user/:id`
    FindOne,
    /// `POST /user`
    Create,
    /// `PATCH /user/:id` (and `PUT`, as Sails also accepts)
    Update,
    /// `DELETE /user/:id`
    Destroy,
    /// `GET /user/:id/pets`
    Populate,
    /// `PUT /user/:id/pets/:childid`
    Add,
    /// `DELETE /user/:id/pets/:childid`
    Remove,
    /// `PUT /user/:id/pets` with an array of ids
    Replace,
}

impl Action {
    /// Every action, as a new Sails app has them.
    pub const ALL: [Action; 9] = [
        Action::Find,
        Action::FindOne,
        Action::Create,
        Action::Update,
        Action::Destroy,
        Action::Populate,
        Action::Add,
        Action::Remove,
        Action::Replace,
    ];

    /// The actions that change nothing.
    pub const READ: [Action; 3] = [Action::Find, Action::FindOne, Action::Populate];
}

/// How a model refers to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssociationKind {
    /// Sails' `model`: one record of `model`, kept as its id in this record (`Pet.owner`).
    One {
        /// The identity of the associated model.
        model: String,
    },
    /// Sails' `collection … via`: the records of `model` whose singular association `via`
    /// names this record (`User.pets` via `Pet.owner`).
    Many {
        /// The identity of the associated model.
        model: String,
        /// The singular association on `model` that points back here.
        via: String,
    },
}

/// A named association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    /// Its name (`owner`, `pets`).
    pub name: String,
    /// What it refers to.
    pub kind: AssociationKind,
}

/// A model's declaration: build one with [`Model::new`] and pass it to
/// `Models::connect` (the `blueprints` feature).
///
/// ```
/// use sailroute::blueprints::{AttrType, Model};
///
/// let user = Model::new("user")
///     .attribute("name", AttrType::String)
///     .collection("pets", "pet", "owner");
/// let pet = Model::new("pet")
///     .attribute("name", AttrType::String)
///     .model("owner", "user");
/// # let _ = (user, pet);
/// ```
///
/// Every model has Sails' defaults: a numeric auto-increment `id`, `createdAt` and `updatedAt`
/// in milliseconds, every blueprint action, no route prefix, its identity as its route name
/// and its table name, and `find` limited to 30 records unless the query asks for more (at
/// most 1,000).
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) identity: String,
    pub(crate) table: String,
    pub(crate) path: String,
    pub(crate) prefix: String,
    pub(crate) attributes: Vec<Attribute>,
    pub(crate) unique: Vec<String>,
    pub(crate) associations: Vec<Association>,
    pub(crate) actions: Vec<Action>,
    pub(crate) limits: Limits,
}

impl Model {
    /// A model named `identity` (lower case, as Sails' identities are: `user`).
    pub fn new(identity: impl Into<String>) -> Self {
        let identity = identity.into();
        Model {
            table: identity.clone(),
            path: identity.clone(),
            identity,
            prefix: String::new(),
            attributes: Vec::new(),
            unique: Vec::new(),
            associations: Vec::new(),
            actions: Action::ALL.to_vec(),
            limits: Limits::default(),
        }
    }

    /// An attribute; every attribute may be null, as in Sails unless `required`.
    pub fn attribute(mut self, name: impl Into<String>, ty: AttrType) -> Self {
        self.attributes.push(Attribute {
            name: name.into(),
            ty,
        });
        self
    }

    /// Two records may not share a value of the attribute `name` (a unique index): a write
    /// that would is refused with 409.
    pub fn unique(mut self, name: impl Into<String>) -> Self {
        self.unique.push(name.into());
        self
    }

    /// A singular association (Sails' `model`): `name` holds the id of one `model` record.
    pub fn model(mut self, name: impl Into<String>, model: impl Into<String>) -> Self {
        self.associations.push(Association {
            name: name.into(),
            kind: AssociationKind::One {
                model: model.into(),
            },
        });
        self
    }

    /// A plural association (Sails' `collection … via`): the `model` records whose singular
    /// association `via` names this record.
    pub fn collection(
        mut self,
        name: impl Into<String>,
        model: impl Into<String>,
        via: impl Into<String>,
    ) -> Self {
        self.associations.push(Association {
            name: name.into(),
            kind: AssociationKind::Many {
                model: model.into(),
                via: via.into(),
            },
        });
        self
    }

    /// The table (default: the identity).
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self
    }

    /// The route name (default: the identity): `users` serves `GET /users/:id`.
    pub fn route_name(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// A prefix for every blueprint route of this model, such as `/api` (default: none).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Only these blueprint actions are mounted (default: all of [`Action::ALL`]); the model
    /// API serves custom handlers either way.
    pub fn actions(mut self, actions: impl IntoIterator<Item = Action>) -> Self {
        self.actions = actions.into_iter().collect();
        self
    }

    /// `find`'s default and greatest `limit`.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The model's identity.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The association named `name`.
    pub fn association(&self, name: &str) -> Option<&Association> {
        self.associations.iter().find(|a| a.name == name)
    }

    /// The path every route of this model starts with: `/api/user`.
    #[cfg(feature = "blueprints")]
    pub(crate) fn base_path(&self) -> String {
        format!(
            "{}/{}",
            self.prefix.trim_end_matches('/'),
            self.path.trim_matches('/')
        )
    }

    /// What its queries are checked against: `id`, the declared attributes, a key per
    /// singular association, and the timestamps, in that order (the table's column order).
    pub fn schema(&self) -> ModelSchema {
        let attr = |name: &str, ty| Attribute {
            name: name.to_owned(),
            ty,
        };
        let mut attributes = vec![attr("id", AttrType::Integer)];
        attributes.extend(self.attributes.iter().cloned());
        for association in &self.associations {
            if let AssociationKind::One { .. } = association.kind {
                attributes.push(attr(&association.name, AttrType::Integer));
            }
        }
        attributes.push(attr(CREATED_AT, AttrType::Integer));
        attributes.push(attr(UPDATED_AT, AttrType::Integer));
        ModelSchema {
            identity: self.identity.clone(),
            primary_key: "id".to_owned(),
            attributes,
            associations: self.associations.iter().map(|a| a.name.clone()).collect(),
        }
    }
}
