//! What a generated client needs of this crate's optional features, said at compile time.
//!
//! A generated client that uses `uuid::Uuid`, chrono's types or `rust_decimal::Decimal`
//! calls [`__needs_feature!`](crate::__needs_feature) once per feature. When the feature is
//! on, that expands to nothing; when it is off, to one `compile_error!` naming the feature and
//! the `Cargo.toml` line to write, and the types resolve to stand-ins below (which implement
//! every trait a generated type derives), so that this is the only error the build shows.

/// Expands to nothing when `sailroute-client`'s feature is on, to an error that says how to
/// turn it on otherwise.
#[doc(hidden)]
#[macro_export]
macro_rules! __needs_feature {
    ("uuid") => {
        $crate::__needs_feature_uuid!();
    };
    ("chrono") => {
        $crate::__needs_feature_chrono!();
    };
    ("rust_decimal") => {
        $crate::__needs_feature_rust_decimal!();
    };
}

macro_rules! feature_gate {
    ($feature:literal, $name:ident, $what:literal) => {
        #[cfg(feature = $feature)]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! $name {
            () => {};
        }

        #[cfg(not(feature = $feature))]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! $name {
            () => {
                ::core::compile_error!(concat!(
                    "this generated client uses ",
                    $what,
                    ", which needs the `",
                    $feature,
                    "` feature of sailroute-client: in Cargo.toml, write `sailroute-client = { version = \"",
                    $crate::__client_version!(),
                    "\", features = [\"",
                    $feature,
                    "\"] }` (or add \"",
                    $feature,
                    "\" to the features of the sailroute-client line you have)"
                ));
            };
        }
    };
}

/// This crate's version as a literal, for the messages above (`env!` there would name the
/// generated client's crate).
#[doc(hidden)]
#[macro_export]
macro_rules! __client_version {
    () => {
        "0.1.0"
    };
}

#[test]
fn the_version_in_the_messages_is_this_crates() {
    assert_eq!(crate::__client_version!(), env!("CARGO_PKG_VERSION"));
}

feature_gate!("uuid", __needs_feature_uuid, "`uuid::Uuid`");
feature_gate!(
    "chrono",
    __needs_feature_chrono,
    "chrono's date and time types"
);
feature_gate!(
    "rust_decimal",
    __needs_feature_rust_decimal,
    "`rust_decimal::Decimal`"
);

/// A stand-in for a type of a feature that is off: never built (the build fails with the
/// feature's error first), it implements what generated types derive so that no other error
/// hides that one.
#[cfg(not(all(feature = "uuid", feature = "chrono", feature = "rust_decimal")))]
macro_rules! stand_in {
    ($(#[$meta:meta])* $name:ident $(<$param:ident>)?) => {
        $(#[$meta])*
        #[doc(hidden)]
        #[deprecated(note = "a stand-in: this type needs a feature of sailroute-client that is off")]
        pub struct $name$(<$param>)?(::core::marker::PhantomData<($($param,)?)>);

        #[allow(deprecated)]
        impl$(<$param>)? ::core::fmt::Debug for $name$(<$param>)? {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(stringify!($name))
            }
        }
        #[allow(deprecated)]
        impl$(<$param>)? ::core::clone::Clone for $name$(<$param>)? {
            fn clone(&self) -> Self {
                *self
            }
        }
        #[allow(deprecated)]
        impl$(<$param>)? ::core::marker::Copy for $name$(<$param>)? {}
        #[allow(deprecated)]
        impl$(<$param>)? ::core::cmp::PartialEq for $name$(<$param>)? {
            fn eq(&self, _: &Self) -> bool {
                true
            }
        }
        #[allow(deprecated)]
        impl$(<$param>)? ::core::cmp::Eq for $name$(<$param>)? {}
        #[allow(deprecated)]
        impl$(<$param>)? ::core::cmp::PartialOrd for $name$(<$param>)? {
            fn partial_cmp(&self, other: &Self) -> Option<::core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        #[allow(deprecated)]
        impl$(<$param>)? ::core::cmp::Ord for $name$(<$param>)? {
            fn cmp(&self, _: &Self) -> ::core::cmp::Ordering {
                ::core::cmp::Ordering::Equal
            }
        }
        #[allow(deprecated)]
        impl$(<$param>)? ::core::hash::Hash for $name$(<$param>)? {
            fn hash<H: ::core::hash::Hasher>(&self, _: &mut H) {}
        }
        #[allow(deprecated)]
        impl$(<$param>)? ::core::default::Default for $name$(<$param>)? {
            fn default() -> Self {
                Self(::core::marker::PhantomData)
            }
        }
        #[allow(deprecated)]
        impl$(<$param>)? serde::Serialize for $name$(<$param>)? {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_unit()
            }
        }
        #[allow(deprecated)]
        impl<'de $(, $param)?> serde::Deserialize<'de> for $name$(<$param>)? {
            fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
                Err(serde::de::Error::custom(concat!(stringify!($name), " needs a feature of sailroute-client")))
            }
        }
    };
}

/// Stand-ins for `uuid`'s types when the `uuid` feature is off.
#[cfg(not(feature = "uuid"))]
#[doc(hidden)]
#[allow(deprecated)]
pub mod uuid {
    stand_in!(Uuid);
}

/// Stand-ins for chrono's types when the `chrono` feature is off.
#[cfg(not(feature = "chrono"))]
#[doc(hidden)]
#[allow(deprecated)]
pub mod chrono {
    stand_in!(DateTime<Tz>);
    stand_in!(Utc);
    stand_in!(FixedOffset);
    stand_in!(Local);
    stand_in!(NaiveDateTime);
    stand_in!(NaiveDate);
    stand_in!(NaiveTime);
}

/// Stand-ins for `rust_decimal`'s types when the `rust_decimal` feature is off.
#[cfg(not(feature = "rust_decimal"))]
#[doc(hidden)]
#[allow(deprecated)]
pub mod rust_decimal {
    stand_in!(Decimal);
}
