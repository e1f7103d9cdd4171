//! Sails' classic pair, as a new Sails app declares it: `User { name, pets: collection 'pet'
//! via 'owner' }` and `Pet { name, owner: model 'user' }`, with Sails' defaults (numeric
//! auto-increment `id`, `createdAt`/`updatedAt` in milliseconds, no route prefix, `find`
//! limited to 30, autoWatch on). Every route is a blueprint but one, `POST /user/{id}/adopt`,
//! which shows a handler of the app's own calling the same model API.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use sailroute::blueprints::{AttrType, Model, ModelError, ModelType, Models, Publish, Record};
use serde::Deserialize;

/// A person who keeps pets.
#[sailroute::model("user")]
pub struct User {
    /// Their name.
    pub name: Option<String>,
    /// The pets they own.
    #[collection(via = "owner")]
    pub pets: Vec<Pet>,
}

/// A pet.
#[sailroute::model("pet")]
pub struct Pet {
    /// Its name.
    pub name: Option<String>,
    /// Who owns it.
    #[model]
    pub owner: Option<User>,
}

/// The two models.
pub fn models() -> [Model; 2] {
    [User::model(), Pet::model()]
}

/// The pair plus Sails' many-to-many: users in groups (`User.groups` via `Group.members`),
/// served with `--groups`. Declared with the builder, so the generated clients (of the pair)
/// do not see it.
pub fn models_with_groups() -> [Model; 3] {
    [
        User::model().collection("groups", "group", "members"),
        Pet::model(),
        Model::new("group")
            .attribute("name", AttrType::String)
            .collection("members", "user", "groups"),
    ]
}

/// The body of `adopt`.
#[derive(Debug, Deserialize)]
pub struct Adoption {
    /// The new pet's name.
    pub name: String,
}

/// `POST /user/{id}/adopt` `{"name": "rex"}`: a new pet for the user, created through the
/// model API. `Publish` makes it a blueprint-like change: watchers hear `created` and the
/// owner's `addedTo`, and the requesting socket does not.
pub async fn adopt(
    State(models): State<Models>,
    by: Publish,
    Path(id): Path<i64>,
    Json(adoption): Json<Adoption>,
) -> Result<Json<Record>, ModelError> {
    let mut pet = Record::new();
    pet.insert("name".to_owned(), adoption.name.into());
    pet.insert("owner".to_owned(), id.into());
    Ok(Json(models.model("pet")?.create(pet, &by).await?))
}

/// The models on the database at `url` (`sqlite::memory:`, `sqlite:pets.db`,
/// `postgres://…`), and the app serving their blueprints.
pub async fn app(url: &str) -> Result<(Models, Router), ModelError> {
    app_with(url, models()).await
}

/// [`app`] with other models.
pub async fn app_with(
    url: &str,
    models: impl IntoIterator<Item = Model>,
) -> Result<(Models, Router), ModelError> {
    let models = Models::connect(url, models).await?;
    let own = Router::new()
        .route("/user/{id}/adopt", post(adopt))
        .with_state(models.clone());
    let router = models.routes().merge(own);
    Ok((models, router))
}
