// A model pair declared with the attribute: its runtime declaration matches the builder's.

use sailroute::blueprints::{AttrType, Model, ModelType};

/// A person.
#[sailroute::model("user", prefix = "/api", route_name = "users")]
pub struct User {
    /// Their name.
    pub name: Option<String>,
    pub age: Option<f64>,
    pub admin: bool,
    pub meta: Option<serde_json::Value>,
    pub visits: u32,
    #[collection(via = "owner")]
    pub pets: Vec<Pet>,
}

#[sailroute::model("pet")]
pub struct Pet {
    pub r#type: Option<String>,
    #[model]
    pub owner: Option<User>,
}

fn main() {
    let expected = Model::new("user")
        .attribute("name", AttrType::String)
        .attribute("age", AttrType::Number)
        .attribute("admin", AttrType::Boolean)
        .attribute("meta", AttrType::Json)
        .attribute("visits", AttrType::Integer)
        .collection("pets", "pet", "owner")
        .prefix("/api")
        .route_name("users");
    assert_eq!(format!("{:?}", User::model()), format!("{expected:?}"));
    assert_eq!(<Pet as ModelType>::IDENTITY, "pet");
    assert_eq!(
        format!("{:?}", Pet::model()),
        format!(
            "{:?}",
            Model::new("pet")
                .attribute("type", AttrType::String)
                .model("owner", "user")
        )
    );
}
