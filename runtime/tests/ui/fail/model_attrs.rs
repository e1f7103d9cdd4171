// A model's misuse: each is a compile error at the place, saying what to write instead.

#[sailroute::model("User")]
pub struct BadIdentity {
    pub name: Option<String>,
}

#[sailroute::model("thing")]
pub struct BadType {
    pub when: std::time::SystemTime,
}

#[sailroute::model("owner")]
pub struct Owner {
    #[collection]
    pub pets: Vec<String>,
}

#[sailroute::model("twice")]
pub struct Twice {
    pub id: Option<i64>,
}

#[sailroute::model("pet", prefix = "api")]
pub struct Pet {
    pub name: Option<String>,
}

#[sailroute::model("stray")]
pub struct Stray {
    #[model]
    pub owner: Option<NotAModel>,
}

pub struct NotAModel;

fn main() {}
