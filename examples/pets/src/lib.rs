//! Sails' classic pair, as a new Sails app declares it: `User { name, pets: collection 'pet'
//! via 'owner' }` and `Pet { name, owner: model 'user' }`, with Sails' defaults (numeric
//! auto-increment `id`, `createdAt`/`updatedAt` in milliseconds, no route prefix, `find`
//! limited to 30, autoWatch on). Every route is a blueprint: there is no handler here.

use sailroute::blueprints::{AttrType, Model, ModelError, Models};

/// The two models.
pub fn models() -> [Model; 2] {
    [
        Model::new("user")
            .attribute("name", AttrType::String)
            .collection("pets", "pet", "owner"),
        Model::new("pet")
            .attribute("name", AttrType::String)
            .model("owner", "user"),
    ]
}

/// The models on the database at `url` (`sqlite::memory:`, `sqlite:pets.db`,
/// `postgres://…`), and the app serving their blueprints.
pub async fn app(url: &str) -> Result<(Models, axum::Router), ModelError> {
    let models = Models::connect(url, models()).await?;
    let router = models.routes();
    Ok((models, router))
}
